/** The fund year's public surface: policy parameters, the allocation in force, budget plans. */
export { FundYearModule } from './fund-year.module';
export { AllocationService, type AllocationView, type PackageIncrease, type PackageIncreaseView, packageOf } from './allocation.service';
export { AllocationRepository } from './allocation.repository';
export { BudgetPlanRepository } from './budget-plan.repository';
export { BudgetPlanService, type BudgetPlanView } from './budget-plan.service';
export { PolicyParametersService, type PolicyParametersView } from './policy-parameters.service';
export * from './allocation.repository';
export * from './allocation.service';
export * from './budget-plan.repository';
export * from './fund-year.module';
export * from './policy-parameters.service';
