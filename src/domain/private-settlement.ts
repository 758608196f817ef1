import { DomainError, ErrorDetail } from './domain-error';
import { Money } from './money';

/**
 * Total-control settlement of private designated institutions (民营定点医疗机构总额控制结算,
 * SPEC §4): annual budgets from the private pool, and monthly settlement of reviewed claims.
 */

export interface BudgetRequest {
  institutionCode: string;
  amount: string;
}

/**
 * Checks the institutions a budget request names: each an institution of the county, a
 * private designated one, named once. `found`: the county's institutions with those codes.
 */
export function checkBudgetInstitutions(
  countyCode: string,
  budgets: readonly BudgetRequest[],
  found: readonly { code: string; type: string }[],
): void {
  const errors: ErrorDetail[] = [];
  const codes = budgets.map((b) => b.institutionCode);
  budgets.forEach((b, i) => {
    const inst = found.find((f) => f.code === b.institutionCode);
    if (!inst)
      errors.push({
        field: `budgets.${i}.institutionCode`,
        rule: 'exists',
        message: `${b.institutionCode} is not an institution of county ${countyCode}`,
      });
    else if (inst.type !== 'PRIVATE_DESIGNATED')
      errors.push({
        field: `budgets.${i}.institutionCode`,
        rule: 'privateInstitution',
        message: `${b.institutionCode} is not a private designated institution`,
      });
    if (codes.indexOf(b.institutionCode) !== i)
      errors.push({ field: `budgets.${i}.institutionCode`, rule: 'unique', message: `${b.institutionCode} appears twice` });
  });
  if (errors.length) throw new DomainError('VALIDATION_FAILED', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
}

/**
 * The year's budgets after a request (institutions not named keep theirs): together within the
 * private pool of the approved allocation, which must exist. Returns the private pool.
 */
export function checkBudgetsWithinPool(
  fundYear: number,
  privatePool: string | null,
  current: readonly { institutionCode: string; amount: Money }[],
  requested: readonly BudgetRequest[],
): Money {
  if (privatePool === null)
    throw new DomainError(
      'NO_APPROVED_ALLOCATION',
      'unprocessable',
      `there is no approved allocation for ${fundYear}: budgets come from its private pool`,
      [{ field: 'fundYear', rule: 'allocationApproved', message: String(fundYear) }],
    );
  const next = new Map(current.map((b) => [b.institutionCode, b.amount]));
  for (const b of requested) next.set(b.institutionCode, Money.of(b.amount));
  const total = Money.sum(next.values());
  const pool = Money.of(privatePool);
  if (total.gt(pool))
    throw new DomainError(
      'PRIVATE_POOL_EXCEEDED',
      'unprocessable',
      `the budgets total ${total} exceeds the private pool ${pool} by ${total.minus(pool)}`,
      [{ field: 'budgets', rule: 'withinPrivatePool', message: `${total} > ${pool}` }],
    );
  return pool;
}

/** A private institution claims to the bureau; a community member's claim is declared by its lead unit. */
export function assertPrivateClaim(claim: { id: number; institutionCode: string; communityId: number | null }): void {
  if (claim.communityId !== null)
    throw new DomainError(
      'NOT_A_PRIVATE_CLAIM',
      'conflict',
      `claim ${claim.id} belongs to a medical community: it is declared by the lead unit`,
      [{ field: 'id', rule: 'privateClaim', message: claim.institutionCode }],
    );
}

/** Periods are settled in order: none after a later period of the year is settled. */
export function assertSettledInOrder(period: string, laterSettled: string | undefined): void {
  if (laterSettled !== undefined)
    throw new DomainError(
      'PERIOD_OUT_OF_ORDER',
      'conflict',
      `${laterSettled} is already settled: ${period} cannot be settled after a later period`,
      [{ field: 'id', rule: 'periodOrder', message: laterSettled }],
    );
}

/** Settlement pays against the institution's annual budget, which the bureau sets first. */
export function requirePrivateBudget(budget: Money | undefined, institutionCode: string, fundYear: number): Money {
  if (budget === undefined)
    throw new DomainError(
      'NO_PRIVATE_BUDGET',
      'unprocessable',
      `${institutionCode} has no budget for ${fundYear}; the bureau sets it first`,
      [{ field: 'id', rule: 'budgetSet', message: institutionCode }],
    );
  return budget;
}

/** Approved claims of the year up to and including this period: what earlier payments approved, and this one. */
export function approvedToDate(approvedBefore: Money, approvedNow: Money): Money {
  return approvedBefore.plus(approvedNow);
}
