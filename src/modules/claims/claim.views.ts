import { deadlineStatus, DeclarationAction, DeclarationState, MemberClaimAction, MemberClaimState } from '../../domain/claim-cycle';
import { Actor, declarationActions, memberClaimActions } from '../../domain/document-actions';
import { Money } from '../../domain/money';
import type { ReturnReason } from './claim-correction.repository';
import { DeclarationRow } from './declaration.repository';
import { ClaimRow } from './member-claim.repository';
import { ClaimTotals } from './settlement-record.repository';

export interface MemberClaimView extends ClaimTotals {
  id: number;
  institutionCode: string;
  period: string;
  state: MemberClaimState;
  version: number;
  cutoff: string;
  submittedOn: string | null;
  submittedBy: string | null;
  late: boolean;
  /** The last return for correction (退回补正): when, by whom, why; `returns` counts them. */
  returnedOn: string | null;
  returnedBy: string | null;
  returnReasons: ReturnReason[];
  returns: number;
  reviewedBy: string | null;
  reviewedOn: string | null;
  declarationId: number | null;
  declaredOn: string | null;
  /** The bureau's disbursement of the claim's declaration (拨付). */
  fundedOn: string | null;
  /** The lead unit's pass-down of the unit's share. */
  passedDownOn: string | null;
  /** A private institution's payment. */
  paidOn: string | null;
  /** What the caller may do now (docs/document-actions.md). */
  allowedActions: MemberClaimAction[];
}

/** A period's money from claimed to funded, as a declaration and the period summary show it. */
export interface DeclarationFigures {
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  /** Claim-level adjustments of its claims: negative nets carried in (−) or out (+), extrapolated deductions (−). */
  adjusted: string;
  approved: string;
  funded: string;
  unfunded: string;
  deposit: string;
  advanceOffset: string;
}

export interface DeclarationMemberView {
  institutionCode: string;
  claimId: number;
  records: number;
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  adjusted: string;
  approved: string;
}

export interface DeclarationView extends DeclarationFigures {
  id: number;
  communityCode: string;
  fundYear: number;
  period: string;
  state: DeclarationState;
  version: number;
  deadline: string;
  deadlineConfirmed: boolean;
  declaredOn: string;
  declaredBy: string;
  late: boolean;
  records: number;
  cash: string;
  reviewedBy: string | null;
  returnNote: string | null;
  approvedBy: string | null;
  paymentDue: string;
  paymentDueConfirmed: boolean;
  paymentOverdue: boolean;
  disbursedOn: string | null;
  disbursedBy: string | null;
  disbursementRef: string | null;
  paymentLate: boolean;
  members: DeclarationMemberView[];
  /** What the caller may do now (docs/document-actions.md). */
  allowedActions: DeclarationAction[];
}

/**
 * A claim as `reader` sees it; a null reader is the system itself (a job, an inbox or summary
 * that shows no actions), to which no action is offered.
 */
export function claimView(row: ClaimRow, t: ClaimTotals, reader: Actor | null): MemberClaimView {
  return {
    id: Number(row.id),
    institutionCode: row.institution_code,
    period: row.period,
    state: row.state,
    version: row.version,
    cutoff: row.cutoff,
    submittedOn: row.submitted_on,
    submittedBy: row.submitted_by,
    late: row.late === 1,
    returnedOn: row.returned_on,
    returnedBy: row.returned_by,
    returnReasons: row.return_reasons ? (JSON.parse(row.return_reasons) as ReturnReason[]) : [],
    returns: Number(row.returns ?? 0),
    reviewedBy: row.reviewed_by,
    reviewedOn: row.reviewed_on,
    declarationId: row.declaration_id === null ? null : Number(row.declaration_id),
    declaredOn: row.declared_on,
    fundedOn: row.funded_on,
    passedDownOn: row.passed_down_on,
    paidOn: row.paid_on,
    ...t,
    allowedActions: reader
      ? memberClaimActions(reader, {
          state: row.state,
          institutionId: Number(row.institution_id),
          countyId: Number(row.county_id),
          communityId: row.community_id === null ? null : Number(row.community_id),
          reviewedBy: row.reviewed_by,
        })
      : [],
  };
}

export function declarationView(
  row: DeclarationRow,
  members: readonly { institutionCode: string; claimId: number; totals: ClaimTotals }[],
  today: string,
  reader: Actor | null,
): DeclarationView {
  return {
    id: Number(row.id),
    communityCode: row.community_code,
    fundYear: row.fund_year,
    period: row.period,
    state: row.state,
    version: row.version,
    deadline: row.deadline,
    deadlineConfirmed: row.deadline_confirmed === 1,
    declaredOn: row.declared_on,
    declaredBy: row.declared_by,
    late: row.late === 1,
    records: row.record_count,
    claimed: Money.of(row.claimed).toString(),
    rejected: Money.of(row.rejected).toString(),
    accepted: Money.of(row.accepted).toString(),
    deducted: Money.of(row.deducted).toString(),
    adjusted: Money.of(row.adjusted).toString(),
    approved: Money.of(row.approved).toString(),
    funded: Money.of(row.funded).toString(),
    unfunded: Money.of(row.unfunded).toString(),
    deposit: Money.of(row.deposit).toString(),
    advanceOffset: Money.of(row.advance_offset).toString(),
    cash: Money.of(row.cash).toString(),
    reviewedBy: row.reviewed_by,
    returnNote: row.return_note,
    approvedBy: row.approved_by,
    paymentDue: row.payment_due,
    paymentDueConfirmed: row.payment_due_confirmed === 1,
    paymentOverdue: deadlineStatus(row.payment_due, row.disbursed_on, today).overdue,
    disbursedOn: row.disbursed_on,
    disbursedBy: row.disbursed_by,
    disbursementRef: row.disbursement_ref,
    paymentLate: row.payment_late === 1,
    members: members.map((m) => ({
      institutionCode: m.institutionCode,
      claimId: m.claimId,
      records: m.totals.records,
      claimed: m.totals.claimed,
      rejected: m.totals.rejected,
      accepted: m.totals.accepted,
      deducted: m.totals.deducted,
      adjusted: m.totals.adjusted,
      approved: m.totals.approved,
    })),
    allowedActions: reader
      ? declarationActions(reader, {
          state: row.state,
          countyId: Number(row.county_id),
          communityId: Number(row.community_id),
          reviewedBy: row.reviewed_by,
        })
      : [],
  };
}

export function claimSnapshot(v: MemberClaimView): Record<string, unknown> {
  return {
    state: v.state,
    version: v.version,
    records: v.records,
    claimed: v.claimed,
    accepted: v.accepted,
    rejected: v.rejected,
    late: v.late,
    reviewedOn: v.reviewedOn,
    declaredOn: v.declaredOn,
    fundedOn: v.fundedOn,
    passedDownOn: v.passedDownOn,
    paidOn: v.paidOn,
  };
}

export function declarationSnapshot(v: DeclarationView): Record<string, unknown> {
  const { members: _members, allowedActions: _actions, ...rest } = v;
  return rest;
}
