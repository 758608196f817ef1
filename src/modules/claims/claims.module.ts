import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { FundYearModule } from '../fund-year/fund-year.module';
import { RegistryModule } from '../registry/registry.module';
import { ClaimCycleService } from './claim-cycle.service';
import { CommunityCycleController, DeclarationController, MemberClaimController, PassDownController } from './claims.controller';
import { CommunityFundingService } from './community-funding.service';
import { CycleViewsService } from './cycle-views.service';
import { PassDownService } from './pass-down.service';

/** The monthly claim cycle (SPEC §4): claims, pre-review, declaration, bureau review and disbursement, pass-downs, holds, advances, out-of-county. */
@Module({
  imports: [FundYearModule, CalendarModule, RegistryModule],
  controllers: [MemberClaimController, CommunityCycleController, DeclarationController, PassDownController],
  providers: [ClaimCycleService, PassDownService, CommunityFundingService, CycleViewsService],
  exports: [ClaimCycleService, PassDownService, CommunityFundingService, CycleViewsService],
})
export class ClaimsModule {}
