import {
  assertPrivateClaim,
  assertSettledInOrder,
  checkBudgetInstitutions,
  checkBudgetsWithinPool,
  requirePrivateBudget,
} from './private-settlement';
import { Money } from './money';
import { refusal } from './refusal.spec-helper';

describe('private institutions’ total-control settlement (SPEC §4)', () => {
  it('sets budgets only for the county’s private designated institutions, each once', () => {
    const found = [
      { code: 'P1', type: 'PRIVATE_DESIGNATED' },
      { code: 'T1', type: 'TOWNSHIP_CENTER' },
    ];
    expect(() => checkBudgetInstitutions('K', [{ institutionCode: 'P1', amount: '1.00' }], found)).not.toThrow();
    const e = refusal(() =>
      checkBudgetInstitutions(
        'K',
        [
          { institutionCode: 'X', amount: '1.00' },
          { institutionCode: 'T1', amount: '1.00' },
          { institutionCode: 'X', amount: '1.00' },
        ],
        found,
      ),
    );
    expect(e.code).toBe('VALIDATION_FAILED');
    expect(e.details.map((d) => d.rule)).toEqual(['exists', 'privateInstitution', 'exists', 'unique']);
    expect(e.message).toBe(e.details.map((d) => d.message).join('; '));
  });

  it('keeps the year’s budgets within the private pool of the approved allocation', () => {
    const current = [{ institutionCode: 'P1', amount: Money.of('60.00') }];
    expect(checkBudgetsWithinPool(2026, '100.00', current, [{ institutionCode: 'P2', amount: '40.00' }]).toString()).toBe('100.00');
    expect(refusal(() => checkBudgetsWithinPool(2026, '100.00', current, [{ institutionCode: 'P2', amount: '40.01' }]))).toMatchObject({
      code: 'PRIVATE_POOL_EXCEEDED',
      message: 'the budgets total 100.01 exceeds the private pool 100.00 by 0.01',
      details: [{ field: 'budgets', rule: 'withinPrivatePool', message: '100.01 > 100.00' }],
    });
    expect(refusal(() => checkBudgetsWithinPool(2026, null, [], [])).code).toBe('NO_APPROVED_ALLOCATION');
  });

  it('settles private claims only, in period order, against a budget', () => {
    expect(refusal(() => assertPrivateClaim({ id: 3, institutionCode: 'T1', communityId: 1 })).code).toBe('NOT_A_PRIVATE_CLAIM');
    expect(() => assertPrivateClaim({ id: 3, institutionCode: 'P1', communityId: null })).not.toThrow();
    expect(refusal(() => assertSettledInOrder('2026-03', '2026-04'))).toMatchObject({
      code: 'PERIOD_OUT_OF_ORDER',
      message: '2026-04 is already settled: 2026-03 cannot be settled after a later period',
    });
    expect(() => assertSettledInOrder('2026-03', undefined)).not.toThrow();
    expect(refusal(() => requirePrivateBudget(undefined, 'P1', 2026)).code).toBe('NO_PRIVATE_BUDGET');
  });
});
