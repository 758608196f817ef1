import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar';
import { ClaimsModule } from '../claims';
import { CyclesModule } from '../cycles';
import { FundYearModule } from '../fund-year';
import { LedgerModule } from '../ledger';
import { RegistryModule } from '../registry';
import { GovernanceChainRepository } from './governance-chain.repository';
import { GovernanceRecipientsRepository } from './governance-recipients.repository';
import { ReserveUseController } from './governance.controller';
import { ReserveUseRepository } from './reserve-use.repository';
import { ReserveUseService } from './reserve-use.service';

/** Governance chains of SPEC §9 on one approval-chain definition: the adjustment reserve's uses. */
@Module({
  imports: [RegistryModule, CalendarModule, LedgerModule, FundYearModule, ClaimsModule, CyclesModule],
  controllers: [ReserveUseController],
  providers: [ReserveUseService, ReserveUseRepository, GovernanceChainRepository, GovernanceRecipientsRepository],
  exports: [ReserveUseService],
})
export class GovernanceModule {}
