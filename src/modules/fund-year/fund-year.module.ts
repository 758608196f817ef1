import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger';
import { CalendarModule } from '../calendar';
import { RegistryModule } from '../registry';
import { AllocationRepository } from './allocation.repository';
import { AllocationService } from './allocation.service';
import { BudgetPlanRepository } from './budget-plan.repository';
import { BudgetPlanService } from './budget-plan.service';
import { AllocationController, BudgetPlanController, CountyFundYearController, PublicationController } from './fund-year.controller';
import { PackageIncreaseRepository } from './package-increase.repository';
import { PolicyParametersRepository } from './policy-parameters.repository';
import { PolicyParametersService } from './policy-parameters.service';

/** Fund year: policy parameters, the allocation document and the community budget plan (they post to the ledger). */
@Module({
  imports: [RegistryModule, CalendarModule, LedgerModule],
  controllers: [CountyFundYearController, AllocationController, PublicationController, BudgetPlanController],
  providers: [
    PolicyParametersService,
    AllocationService,
    BudgetPlanService,
    PolicyParametersRepository,
    AllocationRepository,
    BudgetPlanRepository,
    PackageIncreaseRepository,
  ],
  // LedgerModule is re-exported for the modules that reached LedgerService through this one.
  exports: [AllocationService, PolicyParametersService, AllocationRepository, BudgetPlanRepository, LedgerModule],
})
export class FundYearModule {}
