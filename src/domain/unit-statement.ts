import { approvedAmount } from './claim-cycle';
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
}

export interface StatementDeclarationInput {
  claimed: Money;
  rejected: Money;
  accepted: Money;
  deducted: Money;
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
  /** Rule hits (智能审核) the lead accepted: the place is kept; zero until the rule-based review feeds it. */
  flaggedByRule: Money;
  accepted: Money;
  deducted: Money;
  deductedByReason: ReasonAmount[];
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

/** One unit's record figures (no money shares yet). */
export function unitRecordFigures(groups: readonly StatementRecordGroup[]): {
  records: number;
  claimed: Money;
  rejected: Money;
  rejectedByReason: ReasonAmount[];
  accepted: Money;
  deducted: Money;
  deductedByReason: ReasonAmount[];
  approved: Money;
} {
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
    approved: approvedAmount(accepted, deducted),
  };
}

/**
 * The statements of a declaration's units. Refused (STATEMENT_MISMATCH) when the units' records
 * no longer add up to the declaration's stored figures: a statement that does not tie out is
 * never shown as one that does.
 */
export function unitStatements(declaration: StatementDeclarationInput, units: readonly StatementUnitInput[]): UnitStatementLine[] {
  const figures = units.map((u) => ({ unit: u, f: unitRecordFigures(u.groups) }));
  for (const key of ['claimed', 'rejected', 'accepted', 'deducted', 'approved'] as const) {
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
      return {
        institutionId: unit.institutionId,
        code: unit.code,
        claimId: unit.claimId,
        ...f,
        flaggedByRule: Money.ZERO,
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
  | 'accepted'
  | 'deducted'
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
    accepted: sum('accepted'),
    deducted: sum('deducted'),
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
