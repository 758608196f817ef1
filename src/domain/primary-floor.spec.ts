import { checkCommunityBudgetPlan, PlanLine } from './primary-floor';
import { Money } from './money';
import { defaultPolicyParameters } from './policy-parameters';

const M = Money.of('10000000.00');
function plan(primary: string): PlanLine[] {
  const rest = M.minus(Money.of(primary));
  return [
    { category: 'INPATIENT', institutionCode: 'LEAD', primary: false, amount: rest },
    { category: 'OUTPATIENT', institutionCode: 'TC-1', primary: true, amount: Money.of(primary) },
  ];
}

describe('community budget plan (SPEC §3.1)', () => {
  const floor2021 = defaultPolicyParameters(2021).primaryFloorRate;
  const floor2020 = defaultPolicyParameters(2020).primaryFloorRate;

  it('rejects a 2021 plan one fen below 25% of M, naming floor, required amount and shortfall', () => {
    expect(() => checkCommunityBudgetPlan(plan('2499999.99'), M, floor2021, null)).toThrow(
      expect.objectContaining({ code: 'PRIMARY_FLOOR_NOT_MET', message: expect.stringContaining('requires 2500000.00, short by 0.01') }),
    );
  });

  it('accepts a 2021 plan at exactly 25%, and a 2020 plan at 20%', () => {
    expect(checkCommunityBudgetPlan(plan('2500000.00'), M, floor2021, null).floor.met).toBe(true);
    expect(checkCommunityBudgetPlan(plan('2000000.00'), M, floor2020, null).floor).toMatchObject({ met: true, floorRate: '0.20' });
    expect(() => checkCommunityBudgetPlan(plan('2000000.00'), M, floor2021, null)).toThrow('short by 500000.00');
  });

  it('requires the plan to total M exactly', () => {
    const lines = plan('3000000.00');
    lines[0] = { ...lines[0], amount: lines[0].amount.minus(Money.of('0.01')) };
    expect(() => checkCommunityBudgetPlan(lines, M, floor2021, null)).toThrow(expect.objectContaining({ code: 'PLAN_TOTAL_MISMATCH' }));
  });

  it('warns, without rejecting, when primary funds fall below last year', () => {
    const check = checkCommunityBudgetPlan(plan('3000000.00'), M, floor2021, Money.of('3100000.00'));
    expect(check.warnings).toEqual([expect.objectContaining({ code: 'PRIMARY_BELOW_LAST_YEAR' })]);
  });
});
