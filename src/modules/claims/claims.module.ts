import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { FundYearModule } from '../fund-year/fund-year.module';
import { RegistryModule } from '../registry/registry.module';
import { ClaimCycleService } from './claim-cycle.service';
import {
  CommunityCycleController,
  DeclarationController,
  MemberClaimController,
  PassDownController,
  PrivateSettlementController,
} from './claims.controller';
import { PrivateSettlementService } from './private-settlement.service';
import { CommunityFundingService } from './community-funding.service';
import { CycleViewsService } from './cycle-views.service';
import { PassDownService } from './pass-down.service';

/** The monthly claim cycle (SPEC §4): claims, pre-review, declaration, bureau review and disbursement, pass-downs, holds, advances, out-of-county, private institutions' total-control settlement. */
@Module({
  imports: [FundYearModule, CalendarModule, RegistryModule],
  controllers: [MemberClaimController, CommunityCycleController, DeclarationController, PassDownController, PrivateSettlementController],
  providers: [ClaimCycleService, PassDownService, CommunityFundingService, CycleViewsService, PrivateSettlementService],
  exports: [ClaimCycleService, PassDownService, CommunityFundingService, CycleViewsService],
})
export class ClaimsModule {}
