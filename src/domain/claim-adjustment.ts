import { nextPeriod } from './claim-cycle';
import { Money } from './money';

/**
 * Claim-level adjustments (SPEC §4, §10, §14): amounts a unit's claim carries besides its
 * records, which every figure of the claim (its approved amount, its declaration's, the
 * pass-downs, monitoring, the year end, the statement) counts with the records.
 *
 * - A month whose refunds exceed its settlements leaves the unit's claim with a negative net.
 *   No negative amount is ever funded or transferred, and none is dropped: when the bureau
 *   approves the declaration, the negative net is carried out of the claim (CARRIED_OUT, which
 *   brings its approved amount to zero) into the unit's next open claim (CARRIED_IN, negative),
 *   where it is offset against that month's settlements — the amount the unit owes, as a refund
 *   of an already approved original is. It keeps moving on until a month's settlements absorb it.
 * - A sample's rejection rate applied to the records it did not sample, when the county's policy
 *   says so, is an EXTRAPOLATED_DEDUCTION (negative) of the claim, with its calculation.
 */
export const CLAIM_ADJUSTMENT_KINDS = ['CARRIED_IN', 'CARRIED_OUT', 'EXTRAPOLATED_DEDUCTION'] as const;
export type ClaimAdjustmentKind = (typeof CLAIM_ADJUSTMENT_KINDS)[number];

export interface ClaimAdjustmentFigure {
  kind: ClaimAdjustmentKind;
  amount: Money;
}

/** A claim's approved amount: its accepted records less the bureau's deductions, plus its adjustments. */
export function claimApproved(accepted: Money, deducted: Money, adjusted: Money): Money {
  return accepted.minus(deducted).plus(adjusted);
}

/** A claim's adjustments by kind (each kind summed; zero when absent). */
export function adjustmentsByKind(adjustments: readonly ClaimAdjustmentFigure[]): Record<ClaimAdjustmentKind, Money> {
  const out = { CARRIED_IN: Money.ZERO, CARRIED_OUT: Money.ZERO, EXTRAPOLATED_DEDUCTION: Money.ZERO };
  for (const a of adjustments) out[a.kind] = out[a.kind].plus(a.amount);
  return out;
}

export interface ClaimNet {
  claimId: number;
  code: string;
  /** The claim's approved amount before the carry: records accepted less deducted, plus adjustments. */
  approved: Money;
}

/** A negative net carried out of an approved claim: `amount` (positive) leaves the claim and enters the unit's next open one. */
export interface NegativeNetCarry {
  claimId: number;
  code: string;
  amount: Money;
}

/**
 * At the bureau's approval, every claim of the declaration whose approved amount is negative
 * carries it out: its approved amount becomes zero and the declaration's approved amount (the
 * sum) is what its positive claims approved less nothing owed by the others. Claims at or above
 * zero carry nothing.
 */
export function negativeNetCarries(claims: readonly ClaimNet[]): NegativeNetCarry[] {
  return claims.filter((c) => c.approved.isNegative()).map((c) => ({ claimId: c.claimId, code: c.code, amount: c.approved.negated() }));
}

/**
 * The claim period a carried negative net enters: the unit's first period after `from` whose claim
 * is still open, or has not been opened yet (it is then opened). Periods whose claim is submitted,
 * under review or declared are passed over: an approved or declared claim never changes. A
 * December carry enters the next fund year's first open claim, offset against next year as the
 * year end's receivable is.
 */
export function carryTargetPeriod(from: string, laterClaims: readonly { period: string; state: string }[]): string {
  const stateOf = new Map(laterClaims.map((c) => [c.period, c.state]));
  let period = nextPeriod(from);
  for (;;) {
    const state = stateOf.get(period);
    if (state === undefined || state === 'OPEN') return period;
    period = nextPeriod(period);
  }
}

/**
 * A sample's extrapolated deduction, spread over the unsampled records, gathered per claim:
 * `claimOf` names the claim of each record. Claims with nothing to deduct are left out; the
 * parts sum exactly to the sample's deduction.
 */
export function extrapolatedDeductionByClaim(
  perRecord: readonly { id: number; amount: Money }[],
  claimOf: ReadonlyMap<number, number>,
): Map<number, Money> {
  const out = new Map<number, Money>();
  for (const r of perRecord) {
    if (!r.amount.isPositive()) continue;
    const claim = claimOf.get(r.id);
    if (claim === undefined) continue;
    out.set(claim, (out.get(claim) ?? Money.ZERO).plus(r.amount));
  }
  return out;
}
