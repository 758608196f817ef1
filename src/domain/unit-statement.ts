import { adjustmentsByKind, ClaimAdjustmentFigure, claimApproved } from './claim-adjustment';
import { DomainError } from './domain-error';
import { splitInCodeOrder } from './largest-remainder';
import { Money } from './money';

/**
 * The monthly statement per unit (结算单): for one declared period, what each unit claimed, what
 * was rejected in pre-review and deducted by the bureau (by reason), what was approved, and the
 * unit's part of the declaration's money — funded, quality deposit withheld, quarterly advance
 * offset, cash — then what is due to it and what was passed down. The declaration's deposit,
 * advance offset and funding are shared between its units by approved amount (largest remainder,
 * code order), so each column of the units' statements sums to the declaration's figure to the fen.
 */

export interface StatementRecordGroup {
  /** PENDING, ACCEPTED or REJECTED in pre-review. */
  reviewStatus: string;
  reviewReason: string | null;
  /** The bureau's deduction (拒付) of an accepted record, if any. */
  deductionReason: string | null;
  records: number;
  amount: Money;
}

export interface StatementUnitInput {
  institutionId: number;
  code: string;
  claimId: number;
  /** The unit's records grouped by outcome. */
  groups: readonly StatementRecordGroup[];
  /** What the pass-down to the unit carries (its share of funded less deposit), null before disbursement. */
  passDown: { id: number; amount: Money; state: string; paidOn: string | null; deadline: string } | null;
  /** The claim's adjustments: negative nets carried in or out, a sample's extrapolated deduction. */
  adjustments: readonly ClaimAdjustmentFigure[];
  /** The rule hits (智能审核) on the claim's records: their suggested deductions by the lead's decision. */
  ruleHits: readonly { status: string; hits: number; deduction: Money }[];
}

export interface StatementDeclarationInput {
  claimed: Money;
  rejected: Money;
  accepted: Money;
  deducted: Money;
  /** The claims' adjustments together (carried in + carried out + extrapolated deductions). */
  adjusted: Money;
  approved: Money;
  funded: Money;
  deposit: Money;
  advanceOffset: Money;
  cash: Money;
}

export interface ReasonAmount {
  reason: string;
  records: number;
  amount: Money;
}

export interface UnitStatementFigures {
  records: number;
  claimed: Money;
  rejected: Money;
  rejectedByReason: ReasonAmount[];
  /** The suggested deductions of the rule hits (智能审核) on the unit's records, whatever the lead decided. */
  flaggedByRule: Money;
  /** Of them, the hits the lead accepted (their records rejected in pre-review). */
  flaggedAccepted: Money;
  accepted: Money;
  deducted: Money;
  deductedByReason: ReasonAmount[];
  /** A negative net of earlier months carried into this claim (≤ 0): owed by the unit, offset here. */
  carriedIn: Money;
  /** This month's negative net carried out to the unit's next open claim (≥ 0): the claim is funded nothing rather than a negative amount. */
  carriedOut: Money;
  /** A sample's rejection rate applied to the unsampled records (≤ 0), when the county's policy applies it. */
  extrapolatedDeduction: Money;
  /** accepted − deducted + carriedIn + carriedOut + extrapolatedDeduction. */
  approved: Money;
  funded: Money;
  deposit: Money;
  advanceOffset: Money;
  cash: Money;
  /** The pass-down to the unit (funded less deposit, split by approved amount), and how much of it is paid. */
  passDownDue: Money;
  passedDown: Money;
}

export interface UnitStatementLine extends UnitStatementFigures {
  institutionId: number;
  code: string;
  claimId: number;
  /** How many rule hits there are on the unit's records, and how many the lead accepted. */
  ruleHits: number;
  ruleHitsAccepted: number;
}

/** A unit's rule hits: the suggested deductions flagged, and of them accepted, with the counts. */
export function ruleHitFigures(hits: readonly { status: string; hits: number; deduction: Money }[]): {
  flaggedByRule: Money;
  flaggedAccepted: Money;
  ruleHits: number;
  ruleHitsAccepted: number;
} {
  const accepted = hits.filter((h) => h.status === 'ACCEPTED');
  return {
    flaggedByRule: Money.sum(hits.map((h) => h.deduction)),
    flaggedAccepted: Money.sum(accepted.map((h) => h.deduction)),
    ruleHits: hits.reduce((n, h) => n + h.hits, 0),
    ruleHitsAccepted: accepted.reduce((n, h) => n + h.hits, 0),
  };
}

function byReason(groups: readonly StatementRecordGroup[], pick: (g: StatementRecordGroup) => string | null): ReasonAmount[] {
  const out = new Map<string, ReasonAmount>();
  for (const g of groups) {
    const reason = pick(g);
    if (reason === null) continue;
    const prev = out.get(reason) ?? { reason, records: 0, amount: Money.ZERO };
    out.set(reason, { reason, records: prev.records + g.records, amount: prev.amount.plus(g.amount) });
  }
  return [...out.values()].sort((a, b) => (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
}

/** One unit's record figures and adjustments (no money shares yet). */
export function unitRecordFigures(
  groups: readonly StatementRecordGroup[],
  adjustments: readonly ClaimAdjustmentFigure[] = [],
): {
  records: number;
  claimed: Money;
  rejected: Money;
  rejectedByReason: ReasonAmount[];
  accepted: Money;
  deducted: Money;
  deductedByReason: ReasonAmount[];
  carriedIn: Money;
  carriedOut: Money;
  extrapolatedDeduction: Money;
  adjusted: Money;
  approved: Money;
} {
  const a = adjustmentsByKind(adjustments);
  const adjusted = a.CARRIED_IN.plus(a.CARRIED_OUT).plus(a.EXTRAPOLATED_DEDUCTION);
  const sum = (f: (g: StatementRecordGroup) => boolean) => Money.sum(groups.filter(f).map((g) => g.amount));
  const accepted = sum((g) => g.reviewStatus === 'ACCEPTED');
  const deducted = sum((g) => g.reviewStatus === 'ACCEPTED' && g.deductionReason !== null);
  return {
    records: groups.reduce((a, g) => a + g.records, 0),
    claimed: sum(() => true),
    rejected: sum((g) => g.reviewStatus === 'REJECTED'),
    rejectedByReason: byReason(
      groups.filter((g) => g.reviewStatus === 'REJECTED'),
      (g) => g.reviewReason ?? 'OTHER',
    ),
    accepted,
    deducted,
    deductedByReason: byReason(
      groups.filter((g) => g.reviewStatus === 'ACCEPTED'),
      (g) => g.deductionReason,
    ),
    carriedIn: a.CARRIED_IN,
    carriedOut: a.CARRIED_OUT,
    extrapolatedDeduction: a.EXTRAPOLATED_DEDUCTION,
    adjusted,
    approved: claimApproved(accepted, deducted, adjusted),
  };
}

/**
 * The statements of a declaration's units. Refused (STATEMENT_MISMATCH) when the units' records
 * no longer add up to the declaration's stored figures: a statement that does not tie out is
 * never shown as one that does.
 */
export function unitStatements(declaration: StatementDeclarationInput, units: readonly StatementUnitInput[]): UnitStatementLine[] {
  const figures = units.map((u) => ({ unit: u, f: unitRecordFigures(u.groups, u.adjustments) }));
  for (const key of ['claimed', 'rejected', 'accepted', 'deducted', 'adjusted', 'approved'] as const) {
    const total = Money.sum(figures.map((x) => x.f[key]));
    if (!total.eq(declaration[key]))
      throw new DomainError(
        'STATEMENT_MISMATCH',
        'conflict',
        `the units' ${key} (${total.toString()}) differs from the declaration's (${declaration[key].toString()})`,
        [{ field: key, rule: 'sumsToDeclaration', message: `${total.toString()} ≠ ${declaration[key].toString()}` }],
      );
  }
  const parts = figures.map((x) => ({ code: x.unit.code, approved: x.f.approved }));
  const share = (total: Money): Map<string, Money> => {
    if (total.isZero() || parts.every((p) => p.approved.isZero())) return new Map(parts.map((p) => [p.code, Money.ZERO]));
    return new Map(splitInCodeOrder(total, parts, (p) => p.approved.toDecimal()).map((s) => [s.part.code, s.amount]));
  };
  const funded = share(declaration.funded);
  const deposit = share(declaration.deposit);
  const advanceOffset = share(declaration.advanceOffset);
  return figures
    .map(({ unit, f }) => {
      const fu = funded.get(unit.code)!;
      const de = deposit.get(unit.code)!;
      const ad = advanceOffset.get(unit.code)!;
      const { adjusted: _adjusted, ...lineFigures } = f;
      return {
        institutionId: unit.institutionId,
        code: unit.code,
        claimId: unit.claimId,
        ...lineFigures,
        ...ruleHitFigures(unit.ruleHits),
        funded: fu,
        deposit: de,
        advanceOffset: ad,
        cash: fu.minus(de).minus(ad),
        passDownDue: unit.passDown?.amount ?? Money.ZERO,
        passedDown: unit.passDown?.state === 'PAID' ? unit.passDown.amount : Money.ZERO,
      };
    })
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

/** The columns that sum to the declaration, and each column's total over the units. */
export function statementTotals(
  lines: readonly UnitStatementFigures[],
): Record<
  | 'claimed'
  | 'rejected'
  | 'flaggedByRule'
  | 'flaggedAccepted'
  | 'accepted'
  | 'deducted'
  | 'carriedIn'
  | 'carriedOut'
  | 'extrapolatedDeduction'
  | 'approved'
  | 'funded'
  | 'deposit'
  | 'advanceOffset'
  | 'cash'
  | 'passDownDue'
  | 'passedDown',
  Money
> {
  const sum = (k: keyof UnitStatementFigures) => Money.sum(lines.map((l) => l[k] as Money));
  return {
    claimed: sum('claimed'),
    rejected: sum('rejected'),
    flaggedByRule: sum('flaggedByRule'),
    flaggedAccepted: sum('flaggedAccepted'),
    accepted: sum('accepted'),
    deducted: sum('deducted'),
    carriedIn: sum('carriedIn'),
    carriedOut: sum('carriedOut'),
    extrapolatedDeduction: sum('extrapolatedDeduction'),
    approved: sum('approved'),
    funded: sum('funded'),
    deposit: sum('deposit'),
    advanceOffset: sum('advanceOffset'),
    cash: sum('cash'),
    passDownDue: sum('passDownDue'),
    passedDown: sum('passedDown'),
  };
}

// ---------------------------------------------------------------- the unit's answer (对账确认 / 争议)

/** Declarations whose statements are final: the bureau approved them (and may have disbursed). */
export const STATEMENT_FINAL_STATES: readonly string[] = ['APPROVED', 'DISBURSED'];

/** Dispute subjects a statement may be disputed under (the dispute workflow's subjects). */
export const STATEMENT_DISPUTE_SUBJECTS: readonly string[] = ['DEDUCTION', 'YEAR_END_STATEMENT'];

export type StatementAction = 'confirm' | 'dispute';

/** A unit answers its statement once the declaration is approved. */
export function assertStatementFinal(declaration: { id: number; state: string }): void {
  if (!STATEMENT_FINAL_STATES.includes(declaration.state))
    throw new DomainError(
      'STATEMENT_NOT_FINAL',
      'conflict',
      `declaration ${declaration.id} is ${declaration.state}: its statements are confirmed or disputed once it is approved`,
      [{ field: 'state', rule: 'approved', message: declaration.state }],
    );
}

/** A statement is disputed by naming the dispute its unit filed about it (subject DEDUCTION or YEAR_END_STATEMENT). */
export function assertStatementDispute(
  institutionId: number,
  dispute: { id: number; filedByInstitutionId: number; subjectType: string } | undefined,
  disputeId: number | undefined,
): void {
  if (disputeId === undefined)
    throw new DomainError(
      'STATEMENT_DISPUTE_REQUIRED',
      'unprocessable',
      'file a dispute about the statement first and name it (disputeId)',
      [{ field: 'disputeId', rule: 'required', message: 'required to dispute' }],
    );
  if (!dispute || dispute.filedByInstitutionId !== institutionId || !STATEMENT_DISPUTE_SUBJECTS.includes(dispute.subjectType))
    throw new DomainError(
      'STATEMENT_DISPUTE_INVALID',
      'unprocessable',
      `dispute ${disputeId} is not one this unit filed about a deduction or statement`,
      [{ field: 'disputeId', rule: 'ownStatementDispute', message: String(disputeId) }],
    );
}

/** What a caller may do with a unit's statement: its own unit's clerk confirms or disputes it once final. */
export function statementActions(
  caller: { institutionId: number; roles: readonly string[] },
  statement: { institutionId: number; declarationState: string },
): StatementAction[] {
  const own = caller.institutionId === statement.institutionId && caller.roles.some((r) => r === 'MEMBER_CLERK' || r === 'PRIVATE_CLERK');
  return own && STATEMENT_FINAL_STATES.includes(statement.declarationState) ? ['confirm', 'dispute'] : [];
}

/** A claim has a statement once it went into a declaration. */
export function assertClaimDeclared(claim: { id: number; declarationId: number | null }): number {
  if (claim.declarationId === null)
    throw new DomainError(
      'STATEMENT_NOT_READY',
      'conflict',
      `claim ${claim.id} is not declared yet: its statement comes with its declaration`,
      [{ field: 'id', rule: 'declared', message: String(claim.id) }],
    );
  return claim.declarationId;
}
