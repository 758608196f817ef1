import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ClaimAdjustmentKind } from '../../domain/claim-adjustment';
import { assertClaimant } from '../../domain/declaration';
import { Money } from '../../domain/money';
import {
  assertClaimDeclared,
  assertStatementDispute,
  assertStatementFinal,
  ReasonAmount,
  StatementAction,
  statementActions,
  statementTotals,
  unitStatements,
  UnitStatementLine,
} from '../../domain/unit-statement';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound } from '../../common/record-errors';
import { AuditService } from '../audit';
import { StatementAdjustmentRow, StatementRepository, StatementResponseRow, StatementTransferRow } from './statement.repository';
import { Transactions } from './transactions';

export interface ReasonAmountView {
  reason: string;
  records: number;
  amount: string;
}

export interface StatementTransferView {
  id: string;
  amount: string;
  memo: string;
  referenceType: string;
  referenceId: string;
  postedAt: string;
}

export interface StatementResponseView {
  response: 'CONFIRMED' | 'DISPUTED';
  note: string | null;
  disputeId: number | null;
  respondedOn: string;
  respondedBy: string;
  /** The figures changed since the unit answered (it answered an earlier version). */
  figuresChanged: boolean;
}

/** A claim-level adjustment behind a statement line: where it came from and, for a sample, its calculation. */
export interface StatementAdjustmentView {
  id: number;
  kind: ClaimAdjustmentKind;
  amount: string;
  /** `declaration.N`: carried at the approval of declaration N; `sample.N`: sample N's extrapolation. */
  source: string;
  /** A carried-in amount: the period it was carried from. */
  fromPeriod: string | null;
  sampleId: number | null;
  calculation: string | null;
}

/** The money columns of a statement line, as decimal strings. */
export interface StatementFiguresView {
  claimed: string;
  rejected: string;
  flaggedByRule: string;
  flaggedAccepted: string;
  accepted: string;
  deducted: string;
  carriedIn: string;
  carriedOut: string;
  extrapolatedDeduction: string;
  approved: string;
  funded: string;
  deposit: string;
  advanceOffset: string;
  cash: string;
  passDownDue: string;
  passedDown: string;
}

/** One unit's monthly statement (结算单). */
export interface UnitStatementView extends StatementFiguresView {
  declarationId: number;
  communityCode: string;
  period: string;
  declarationState: string;
  institutionId: number;
  institutionCode: string;
  institutionName: string;
  claimId: number;
  records: number;
  rejectedByReason: ReasonAmountView[];
  deductedByReason: ReasonAmountView[];
  /** Rule hits on the unit's records, and how many the lead accepted (their records rejected). */
  ruleHits: number;
  ruleHitsAccepted: number;
  /** The rule hits behind `flaggedByRule`. */
  ruleHitsLink: string;
  /** The adjustments behind carriedIn, carriedOut and extrapolatedDeduction. */
  adjustments: StatementAdjustmentView[];
  submittedOn: string | null;
  reviewedOn: string | null;
  declaredOn: string | null;
  approvedOn: string | null;
  fundedOn: string | null;
  passDownDeadline: string | null;
  passedDownOn: string | null;
  /** Where each figure comes from: the claim's records, the pass-down and the ledger transfers. */
  recordsLink: string;
  passDownId: number | null;
  transfers: StatementTransferView[];
  response: StatementResponseView | null;
  allowedActions: StatementAction[];
}

/** All units' statements of a declaration, their totals and the declaration's own figures. */
export interface DeclarationStatementsView {
  declarationId: number;
  communityCode: string;
  period: string;
  state: string;
  declaration: DeclarationFiguresView;
  totals: StatementFiguresView;
  units: UnitStatementView[];
}

/** The declaration's own figures; `adjusted` is what carriedIn, carriedOut and extrapolatedDeduction sum to. */
export type DeclarationFiguresView = Omit<
  StatementFiguresView,
  'flaggedByRule' | 'flaggedAccepted' | 'carriedIn' | 'carriedOut' | 'extrapolatedDeduction' | 'passDownDue' | 'passedDown'
> & { adjusted: string };

const reasons = (rs: readonly ReasonAmount[]): ReasonAmountView[] =>
  rs.map((r) => ({ reason: r.reason, records: r.records, amount: r.amount.toString() }));

function figuresOf(l: { [K in keyof StatementFiguresView]: Money }): StatementFiguresView {
  return {
    claimed: l.claimed.toString(),
    rejected: l.rejected.toString(),
    flaggedByRule: l.flaggedByRule.toString(),
    flaggedAccepted: l.flaggedAccepted.toString(),
    accepted: l.accepted.toString(),
    deducted: l.deducted.toString(),
    carriedIn: l.carriedIn.toString(),
    carriedOut: l.carriedOut.toString(),
    extrapolatedDeduction: l.extrapolatedDeduction.toString(),
    approved: l.approved.toString(),
    funded: l.funded.toString(),
    deposit: l.deposit.toString(),
    advanceOffset: l.advanceOffset.toString(),
    cash: l.cash.toString(),
    passDownDue: l.passDownDue.toString(),
    passedDown: l.passedDown.toString(),
  };
}

const transferView = (t: StatementTransferRow): StatementTransferView => ({
  id: t.id,
  amount: Money.of(t.amount).toString(),
  memo: t.memo,
  referenceType: t.reference_type,
  referenceId: t.reference_id,
  postedAt: t.posted_at,
});

/**
 * The monthly statement per unit (结算单, SPEC §4): built from the declaration's stored figures,
 * its claims' records and its pass-downs; every figure traceable to the records and the ledger
 * transfers. The unit confirms it (对账确认) or disputes it through the dispute workflow; both audited.
 */
@Injectable()
export class StatementService {
  constructor(
    private readonly transactions: Transactions,
    private readonly statements: StatementRepository,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
  ) {}

  /** Every unit's statement of a declaration, with the column totals (they equal the declaration's figures). */
  async forDeclaration(reader: Caller, id: number): Promise<DeclarationStatementsView> {
    return this.build(this.statements.manager, reader, id);
  }

  /** The statement of the unit whose claim this is. */
  async forClaim(reader: Caller, claimId: number): Promise<UnitStatementView> {
    const declarationId = await this.declarationOf(claimId);
    const all = await this.build(this.statements.manager, reader, declarationId);
    return all.units.find((u) => u.claimId === claimId)!;
  }

  /** The unit confirms its statement (对账确认): the figures it confirmed are kept. */
  confirm(caller: Caller, claimId: number, note: string | undefined): Promise<UnitStatementView> {
    return this.respond(caller, claimId, 'CONFIRMED', note, undefined);
  }

  /** The unit disputes its statement, naming the dispute it filed about it (subject DEDUCTION or YEAR_END_STATEMENT). */
  dispute(caller: Caller, claimId: number, note: string | undefined, disputeId: number | undefined): Promise<UnitStatementView> {
    return this.respond(caller, claimId, 'DISPUTED', note, disputeId);
  }

  private async respond(
    caller: Caller,
    claimId: number,
    response: 'CONFIRMED' | 'DISPUTED',
    note: string | undefined,
    disputeId: number | undefined,
  ): Promise<UnitStatementView> {
    const declarationId = await this.declarationOf(claimId);
    return this.transactions.run(async (manager) => {
      const before = (await this.build(manager, caller, declarationId)).units.find((u) => u.claimId === claimId)!;
      assertClaimant(caller.institution, { id: claimId, institutionId: before.institutionId, institutionCode: before.institutionCode });
      assertStatementFinal({ id: declarationId, state: before.declarationState });
      if (response === 'DISPUTED') {
        const row = disputeId === undefined ? undefined : await this.statements.dispute(manager, disputeId);
        assertStatementDispute(
          caller.institution.id,
          row && { id: row.id, filedByInstitutionId: Number(row.filed_by_institution_id), subjectType: row.subject_type },
          disputeId,
        );
      }
      const figures = JSON.stringify(figuresOnly(before));
      await this.statements.respond(manager, {
        declarationId,
        institutionId: caller.institution.id,
        response,
        figures,
        note: note ?? null,
        disputeId: disputeId ?? null,
        on: this.clock.today(),
        by: caller.name,
      });
      await this.audit.record(manager, {
        action: response === 'CONFIRMED' ? 'unitStatement.confirm' : 'unitStatement.dispute',
        entityType: 'memberClaim',
        entityId: String(claimId),
        before: { response: before.response?.response ?? null },
        after: { response, declarationId, disputeId: disputeId ?? null, note: note ?? null, figures: figuresOnly(before) },
      });
      return (await this.build(manager, caller, declarationId)).units.find((u) => u.claimId === claimId)!;
    });
  }

  private async declarationOf(claimId: number): Promise<number> {
    const claim = await this.statements.declarationOfClaim(claimId);
    if (!claim) throw notFound('member claim', String(claimId));
    return assertClaimDeclared({ id: claimId, declarationId: claim.declaration_id === null ? null : Number(claim.declaration_id) });
  }

  private async build(manager: EntityManager, reader: Caller, id: number): Promise<DeclarationStatementsView> {
    const d = await this.statements.declaration(manager, id);
    if (!d) throw notFound('declaration', String(id));
    const [claims, groups, passDowns, responses, adjustments, hits] = await Promise.all([
      this.statements.claims(manager, id),
      this.statements.groups(manager, id),
      this.statements.passDowns(manager, id),
      this.statements.responses(manager, id),
      this.statements.adjustments(manager, id),
      this.statements.ruleHits(manager, id),
    ]);
    const transfers = await this.statements.transfers(
      manager,
      id,
      passDowns.map((p) => Number(p.id)),
    );
    const m = (v: string | null) => Money.of(v ?? '0');
    const passDownOf = (institutionId: number) => passDowns.find((p) => Number(p.payee_id) === institutionId);
    const lines = unitStatements(
      {
        claimed: m(d.claimed),
        rejected: m(d.rejected),
        accepted: m(d.accepted),
        deducted: m(d.deducted),
        adjusted: m(d.adjusted),
        approved: m(d.approved),
        funded: m(d.funded),
        deposit: m(d.deposit),
        advanceOffset: m(d.advance_offset),
        cash: m(d.cash),
      },
      claims.map((c) => {
        const p = passDownOf(Number(c.institution_id));
        return {
          institutionId: Number(c.institution_id),
          code: c.code,
          claimId: Number(c.claim_id),
          groups: groups
            .filter((g) => Number(g.claim_id) === Number(c.claim_id))
            .map((g) => ({
              reviewStatus: g.review_status,
              reviewReason: g.review_reason,
              deductionReason: g.deduction_reason,
              records: Number(g.records),
              amount: m(g.amount),
            })),
          passDown: p ? { id: Number(p.id), amount: m(p.amount), state: p.state, paidOn: p.paid_on, deadline: p.deadline } : null,
          adjustments: adjustments
            .filter((a) => Number(a.claim_id) === Number(c.claim_id))
            .map((a) => ({ kind: a.kind, amount: m(a.amount) })),
          ruleHits: hits
            .filter((h) => Number(h.claim_id) === Number(c.claim_id))
            .map((h) => ({ status: h.status, hits: Number(h.hits), deduction: m(h.deduction) })),
        };
      }),
    );
    const units = lines.map((l) => {
      const c = claims.find((x) => Number(x.claim_id) === l.claimId)!;
      const p = passDownOf(l.institutionId);
      return this.unitView(
        d,
        l,
        c,
        p,
        transfers,
        responses.find((r) => Number(r.institution_id) === l.institutionId),
        reader,
        adjustments.filter((a) => Number(a.claim_id) === l.claimId),
      );
    });
    return {
      declarationId: Number(d.id),
      communityCode: d.community_code,
      period: d.period,
      state: d.state,
      declaration: {
        claimed: m(d.claimed).toString(),
        rejected: m(d.rejected).toString(),
        accepted: m(d.accepted).toString(),
        deducted: m(d.deducted).toString(),
        adjusted: m(d.adjusted).toString(),
        approved: m(d.approved).toString(),
        funded: m(d.funded).toString(),
        deposit: m(d.deposit).toString(),
        advanceOffset: m(d.advance_offset).toString(),
        cash: m(d.cash).toString(),
      },
      totals: figuresOf(statementTotals(lines)),
      units,
    };
  }

  private unitView(
    d: NonNullable<Awaited<ReturnType<StatementRepository['declaration']>>>,
    l: UnitStatementLine,
    c: Awaited<ReturnType<StatementRepository['claims']>>[number],
    p: Awaited<ReturnType<StatementRepository['passDowns']>>[number] | undefined,
    transfers: readonly StatementTransferRow[],
    response: StatementResponseRow | undefined,
    reader: Caller,
    adjustments: readonly StatementAdjustmentRow[],
  ): UnitStatementView {
    const figures = figuresOf(l);
    const own = transfers.filter((t) => t.reference_type === 'declaration' || (p !== undefined && t.reference_id === String(p.id)));
    return {
      declarationId: Number(d.id),
      communityCode: d.community_code,
      period: d.period,
      declarationState: d.state,
      institutionId: l.institutionId,
      institutionCode: l.code,
      institutionName: c.name,
      claimId: l.claimId,
      records: l.records,
      ...figures,
      rejectedByReason: reasons(l.rejectedByReason),
      deductedByReason: reasons(l.deductedByReason),
      ruleHits: l.ruleHits,
      ruleHitsAccepted: l.ruleHitsAccepted,
      ruleHitsLink: `/api/v1/member-claims/${l.claimId}/rule-hits`,
      adjustments: adjustments.map((a) => ({
        id: Number(a.id),
        kind: a.kind,
        amount: Money.of(a.amount).toString(),
        source: a.source,
        fromPeriod: a.from_period,
        sampleId: a.sample_id === null ? null : Number(a.sample_id),
        calculation: a.calculation,
      })),
      submittedOn: c.submitted_on,
      reviewedOn: c.reviewed_on,
      declaredOn: c.declared_on ?? d.declared_on,
      approvedOn: d.approved_at,
      fundedOn: c.funded_on ?? d.disbursed_on,
      passDownDeadline: p?.deadline ?? null,
      passedDownOn: p?.paid_on ?? c.passed_down_on,
      recordsLink: `/api/v1/member-claims/${l.claimId}/records`,
      passDownId: p ? Number(p.id) : null,
      transfers: own.map(transferView),
      response: response
        ? {
            response: response.response,
            note: response.note,
            disputeId: response.dispute_id === null ? null : Number(response.dispute_id),
            respondedOn: response.responded_on,
            respondedBy: response.responded_by,
            figuresChanged: JSON.stringify(JSON.parse(response.figures)) !== JSON.stringify(figuresOnly({ ...figures })),
          }
        : null,
      allowedActions: statementActions(
        { institutionId: reader.institution.id, roles: reader.roles },
        { institutionId: l.institutionId, declarationState: d.state },
      ),
    };
  }
}

/**
 * The figures a unit confirms or disputes (what is compared when it looks again): the pass-down,
 * created at disbursement and paid later, is not one of them.
 */
function figuresOnly(v: StatementFiguresView): Omit<StatementFiguresView, 'passDownDue' | 'passedDown'> {
  return {
    claimed: v.claimed,
    rejected: v.rejected,
    flaggedByRule: v.flaggedByRule,
    flaggedAccepted: v.flaggedAccepted,
    accepted: v.accepted,
    deducted: v.deducted,
    carriedIn: v.carriedIn,
    carriedOut: v.carriedOut,
    extrapolatedDeduction: v.extrapolatedDeduction,
    approved: v.approved,
    funded: v.funded,
    deposit: v.deposit,
    advanceOffset: v.advanceOffset,
    cash: v.cash,
  };
}
