import * as domain from './index';

describe('src/domain barrel', () => {
  it('exposes every policy module, loaded in one go without import-order surprises', () => {
    for (const name of [
      'Money',
      'DomainError',
      'splitByLargestRemainder',
      'allocateFundYear',
      'splitPackageBetweenCommunities',
      'defaultPrimaryFloorRate',
      'primaryFloorShortfall',
      'checkCommunityBudgetPlan',
      'isWorkingDay',
      'addWorkingDays',
      'declarationDeadline',
      'memberCutoffDate',
      'passDownDeadline',
      'bureauPaymentDeadline',
      'withYearSchedule',
      'apportionOverspend',
      'proposeSurplusDistribution',
      'defineStateMachine',
      'isImmutable',
      'defaultPolicyParameters',
    ] as const) {
      expect(typeof domain[name]).toBe('function');
    }
    expect(domain.DOCUMENT_LIFECYCLE.apply('DRAFT', 'submit')).toBe('SUBMITTED');
    expect(domain.passDownDeadline('2026-09-30', domain.DEFAULT_WORKING_DAY_CALENDAR).deadline).toBe('2026-10-13');
  });
});
