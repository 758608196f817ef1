import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar';
import { ClaimsModule } from '../claims';
import { CyclesModule } from '../cycles';
import { FundYearModule } from '../fund-year';
import { LedgerModule } from '../ledger';
import { RegistryModule } from '../registry';
import { GovernanceChainRepository } from './governance-chain.repository';
import { GovernanceInbox } from './governance-inbox';
import { GovernanceRecipientsRepository } from './governance-recipients.repository';
import { DisputeController, ReferralController, ReserveUseController, SurplusPlanController } from './governance.controller';
import { ReferralRepository } from './referral.repository';
import { ReferralService } from './referral.service';
import { DisputeRepository } from './dispute.repository';
import { DisputeService } from './dispute.service';
import { ReserveUseRepository } from './reserve-use.repository';
import { ReserveUseService } from './reserve-use.service';
import { SurplusPlanRepository } from './surplus-plan.repository';
import { SurplusPlanService } from './surplus-plan.service';

/** Governance chains of SPEC §9 on one approval-chain definition: the adjustment reserve's uses, disputes and periodic reviews, surplus plans, referrals. */
@Module({
  imports: [RegistryModule, CalendarModule, LedgerModule, FundYearModule, ClaimsModule, CyclesModule],
  controllers: [ReserveUseController, DisputeController, ReferralController, SurplusPlanController],
  providers: [
    ReserveUseService,
    ReserveUseRepository,
    DisputeService,
    DisputeRepository,
    ReferralService,
    ReferralRepository,
    SurplusPlanService,
    SurplusPlanRepository,
    GovernanceChainRepository,
    GovernanceRecipientsRepository,
    GovernanceInbox,
  ],
  exports: [ReserveUseService, DisputeService],
})
export class GovernanceModule {}
