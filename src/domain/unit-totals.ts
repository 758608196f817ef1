import { approvedAmount } from './claim-cycle';
import { Money } from './money';

/**
 * Per care unit and claim totals (SPEC §13, §14): what one unit's records in one claim add up to,
 * by review outcome, net of refunds (a refund's amounts are negative). The **approved** amount is
 * accepted less deducted. A declared claim's totals are kept from its declaration on: the bureau
 * deducts while reviewing, then approves; an approved declaration never reopens, so its totals
 * never change again. A private institution's claim is kept when the bureau settles it.
 */

/** DECLARED: in a declaration the bureau has not approved; APPROVED: funded (member) or settled (private). */
export type UnitTotalState = 'DECLARED' | 'APPROVED';

export interface UnitFigures {
  records: number;
  claimed: Money;
  pending: Money;
  accepted: Money;
  rejected: Money;
  deducted: Money;
  approved: Money;
}

/** One unit's totals in one claim. */
export interface UnitClaimTotal extends UnitFigures {
  claimId: number;
  unitId: number;
  state: UnitTotalState;
}

const AMOUNTS = ['claimed', 'pending', 'accepted', 'rejected', 'deducted', 'approved'] as const;

/** A unit's figures from its records' sums by outcome: the approved amount is derived, never summed apart. */
export function unitFigures(sums: Omit<UnitFigures, 'approved'>): UnitFigures {
  return { ...sums, approved: approvedAmount(sums.accepted, sums.deducted) };
}

/** The totals of several units together (a claim, a declaration): each figure summed exactly. */
export function sumUnitFigures(units: readonly UnitFigures[]): UnitFigures {
  const sum = (field: (typeof AMOUNTS)[number]) => Money.sum(units.map((u) => u[field]));
  return unitFigures({
    records: units.reduce((n, u) => n + u.records, 0),
    claimed: sum('claimed'),
    pending: sum('pending'),
    accepted: sum('accepted'),
    rejected: sum('rejected'),
    deducted: sum('deducted'),
  });
}

/** Whether a claim's totals are approved: its declaration was funded, or the bureau settled the private claim. */
export function unitTotalState(claim: { declarationFunded: boolean; privateSettled: boolean }): UnitTotalState {
  return claim.declarationFunded || claim.privateSettled ? 'APPROVED' : 'DECLARED';
}

/** A kept total that disagrees with its records: missing, not backed by records, or a figure that differs. */
export type TotalDifference =
  | { kind: 'missing'; claimId: number; unitId: number; recomputed: UnitClaimTotal }
  | { kind: 'unexpected'; claimId: number; unitId: number; stored: UnitClaimTotal }
  | { kind: 'differs'; claimId: number; unitId: number; field: keyof UnitFigures | 'state'; stored: string; recomputed: string };

const keyOf = (t: { claimId: number; unitId: number }) => `${t.claimId}|${t.unitId}`;

/**
 * Compares the kept totals with the same totals recomputed from the records, to the fen and the
 * record: every difference, in claim and unit order. An empty list means they agree.
 */
export function totalDifferences(stored: readonly UnitClaimTotal[], recomputed: readonly UnitClaimTotal[]): TotalDifference[] {
  const out: TotalDifference[] = [];
  const kept = new Map(stored.map((s) => [keyOf(s), s]));
  const fresh = new Map(recomputed.map((r) => [keyOf(r), r]));
  const keys = [...new Set([...kept.keys(), ...fresh.keys()])]
    .map((k) => k.split('|').map(Number) as [number, number])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  for (const [claimId, unitId] of keys) {
    const s = kept.get(`${claimId}|${unitId}`);
    const r = fresh.get(`${claimId}|${unitId}`);
    if (!s) out.push({ kind: 'missing', claimId, unitId, recomputed: r! });
    else if (!r) out.push({ kind: 'unexpected', claimId, unitId, stored: s });
    else {
      if (s.state !== r.state) out.push({ kind: 'differs', claimId, unitId, field: 'state', stored: s.state, recomputed: r.state });
      if (s.records !== r.records)
        out.push({ kind: 'differs', claimId, unitId, field: 'records', stored: String(s.records), recomputed: String(r.records) });
      for (const field of AMOUNTS)
        if (!s[field].eq(r[field]))
          out.push({ kind: 'differs', claimId, unitId, field, stored: s[field].toString(), recomputed: r[field].toString() });
    }
  }
  return out;
}

/** One line of a reconciliation report. */
export function describeDifference(d: TotalDifference): string {
  const at = `claim ${d.claimId}, unit ${d.unitId}`;
  switch (d.kind) {
    case 'missing':
      return `${at}: no total kept; the records give ${d.recomputed.records} records, approved ${d.recomputed.approved.toString()}`;
    case 'unexpected':
      return `${at}: a total is kept (approved ${d.stored.approved.toString()}) but the claim has no such records or is not declared`;
    case 'differs':
      return `${at}: ${d.field} kept ${d.stored}, the records give ${d.recomputed}`;
  }
}
