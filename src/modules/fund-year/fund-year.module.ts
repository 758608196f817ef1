import { Module } from '@nestjs/common';
import { LedgerService } from '../ledger/ledger.service';
import { CalendarModule } from '../calendar/calendar.module';
import { RegistryModule } from '../registry/registry.module';
import { AllocationService } from './allocation.service';
import { BudgetPlanService } from './budget-plan.service';
import { AllocationController, BudgetPlanController, CountyFundYearController, PublicationController } from './fund-year.controller';
import { PolicyParametersService } from './policy-parameters.service';

/** Fund year: policy parameters, the allocation document, the community budget plan, and the ledger they post to. */
@Module({
  imports: [RegistryModule, CalendarModule],
  controllers: [CountyFundYearController, AllocationController, PublicationController, BudgetPlanController],
  providers: [PolicyParametersService, AllocationService, BudgetPlanService, LedgerService],
  exports: [AllocationService, LedgerService, PolicyParametersService],
})
export class FundYearModule {}
