import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar';
import { FundYearModule } from '../fund-year';
import { RegistryModule } from '../registry';
import {
  CommunityCycleController,
  DeclarationController,
  MemberClaimController,
  PassDownController,
  PrivateSettlementController,
} from './claims.controller';
import { CommunityFundingService } from './community-funding.service';
import { CommunityLockRepository } from './community-lock.repository';
import { CycleViewsService } from './cycle-views.service';
import { DeclarationRepository } from './declaration.repository';
import { DeclarationService } from './declaration.service';
import { DisbursementHoldRepository } from './disbursement-hold.repository';
import { DisbursementService } from './disbursement.service';
import { ClaimCorrectionRepository } from './claim-correction.repository';
import { ClaimAdjustmentRepository } from './claim-adjustment.repository';
import { SampleRepository } from './sample.repository';
import { SampleService } from './sample.service';
import { StatementRepository } from './statement.repository';
import { StatementService } from './statement.service';
import { ClaimStatementController, DeclarationStatementController } from './statements.controller';
import { MemberClaimRepository } from './member-claim.repository';
import { MemberClaimService } from './member-claim.service';
import { OutOfCountyRepository } from './out-of-county.repository';
import { PassDownMetrics } from './pass-down.metrics';
import { PassDownRepository } from './pass-down.repository';
import { PassDownService } from './pass-down.service';
import { PrivateSettlementRepository } from './private-settlement.repository';
import { PrivateSettlementService } from './private-settlement.service';
import { QuarterlyAdvanceRepository } from './quarterly-advance.repository';
import { SettlementRecordRepository } from './settlement-record.repository';
import { TotalsReconciliationService } from './totals-reconciliation.service';
import { UnitTotalRepository } from './unit-total.repository';
import { Transactions } from './transactions';

/** The monthly claim cycle (SPEC §4): claims, pre-review, declaration, bureau review and disbursement, pass-downs, holds, advances, out-of-county, private institutions' total-control settlement. */
@Module({
  imports: [FundYearModule, CalendarModule, RegistryModule],
  controllers: [
    MemberClaimController,
    CommunityCycleController,
    DeclarationController,
    PassDownController,
    PrivateSettlementController,
    ClaimStatementController,
    DeclarationStatementController,
  ],
  providers: [
    UnitTotalRepository,
    TotalsReconciliationService,
    Transactions,
    SettlementRecordRepository,
    MemberClaimRepository,
    ClaimCorrectionRepository,
    StatementRepository,
    StatementService,
    SampleRepository,
    ClaimAdjustmentRepository,
    SampleService,
    DeclarationRepository,
    PassDownRepository,
    DisbursementHoldRepository,
    QuarterlyAdvanceRepository,
    OutOfCountyRepository,
    PrivateSettlementRepository,
    CommunityLockRepository,
    MemberClaimService,
    DeclarationService,
    DisbursementService,
    PassDownService,
    CommunityFundingService,
    CycleViewsService,
    PrivateSettlementService,
    PassDownMetrics,
  ],
  exports: [
    UnitTotalRepository,
    TotalsReconciliationService,
    Transactions,
    SettlementRecordRepository,
    MemberClaimRepository,
    DeclarationRepository,
    CommunityLockRepository,
    MemberClaimService,
    DeclarationService,
    DisbursementService,
    PassDownService,
    CommunityFundingService,
    CycleViewsService,
  ],
})
export class ClaimsModule {}
