import { EntityManager } from 'typeorm';
import { FUNDED_DECLARATION_STATES } from '../../domain/claim-cycle';
import { Money } from '../../domain/money';

/** A record (alias `r`) that counts as approved: accepted in pre-review (初审) and not deducted (拒付). */
export const APPROVED_RECORD_SQL = "r.review_status = 'ACCEPTED' AND r.deduction_reason IS NULL";

/** Constant words (states, institution types) as an SQL list: `('A', 'B')`. */
export function sqlList(words: readonly string[]): string {
  return `(${words.map((w) => `'${w}'`).join(', ')})`;
}

/** The declaration states whose claims the bureau funded, as an SQL list. */
export const FUNDED_DECLARATION_SQL = sqlList(FUNDED_DECLARATION_STATES);

/**
 * A set of settlement records' amounts by review outcome, as one SQL aggregate over alias `r`:
 * claimed, pending, accepted (初审通过), rejected, deducted (拒付, of the accepted) — and the
 * approved amount derived from them (accepted less deducted).
 */
export const RECORD_TOTALS_SQL = `COUNT(r.id) AS records, COALESCE(SUM(r.fund_paid), 0) AS claimed,
  COALESCE(SUM(CASE WHEN r.review_status = 'PENDING' THEN r.fund_paid END), 0) AS pending,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' THEN r.fund_paid END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN r.review_status = 'REJECTED' THEN r.fund_paid END), 0) AS rejected,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' AND r.deduction_reason IS NOT NULL THEN r.fund_paid END), 0) AS deducted`;

export type TotalsRow = {
  records: number | string;
  claimed: string;
  pending: string;
  accepted: string;
  rejected: string;
  deducted: string;
};

export interface ClaimTotals {
  records: number;
  claimed: string;
  pending: string;
  accepted: string;
  rejected: string;
  deducted: string;
  approved: string;
}

export function totals(row: TotalsRow | undefined): ClaimTotals {
  const m = (v: string | undefined) => Money.of(v ?? '0');
  const accepted = m(row?.accepted);
  const deducted = m(row?.deducted);
  return {
    records: Number(row?.records ?? 0),
    claimed: m(row?.claimed).toString(),
    pending: m(row?.pending).toString(),
    accepted: accepted.toString(),
    rejected: m(row?.rejected).toString(),
    deducted: deducted.toString(),
    approved: accepted.minus(deducted).toString(),
  };
}

/** The totals of one unit's claim for a period. */
export async function claimTotals(manager: EntityManager, institutionId: number, period: string): Promise<ClaimTotals> {
  const [row]: TotalsRow[] = await manager.query(
    `SELECT ${RECORD_TOTALS_SQL} FROM settlement_record r WHERE r.submitter_id = ? AND r.claim_period = ?`,
    [institutionId, period],
  );
  return totals(row);
}
