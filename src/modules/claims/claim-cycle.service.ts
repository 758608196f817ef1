import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertMakerChecker } from '../../domain/access-policy';
import {
  deadlineStatus,
  DECLARATION_LIFECYCLE,
  DeclarationAction,
  DeclarationState,
  fundApprovedClaims,
  FUNDED_DECLARATION_STATES,
  fundYearOf,
  mayReviewClaim,
  MEMBER_CLAIM_LIFECYCLE,
  MemberClaimAction,
  MemberClaimState,
  nextPeriod,
  REVIEW_REASON_CODES,
  ReviewReasonCode,
} from '../../domain/claim-cycle';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import { communityPackageAccount, CYCLE_ACCOUNTS, declarationApprovalTransfers } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { PolicyParameters } from '../../domain/policy-parameters';
import { memberCutoffDate } from '../../domain/working-days';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { OutboxService } from '../../queue/outbox.service';
import { AuditService } from '../audit/audit.service';
import { CalendarService } from '../calendar/calendar.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { LedgerService } from '../ledger/ledger.service';
import { CommunityFundingService } from './community-funding.service';
import { PassDownService } from './pass-down.service';
import { claimTotals, ClaimTotals, RECORD_TOTALS_SQL, totals, TotalsRow } from './record-totals';

type ClaimRow = {
  id: number;
  institution_id: number;
  institution_code: string;
  community_id: number | null;
  county_id: number;
  period: string;
  state: MemberClaimState;
  version: number;
  cutoff: string;
  submitted_on: string | null;
  submitted_by: string | null;
  late: number;
  reviewed_by: string | null;
  declaration_id: number | null;
};
type DeclarationRow = {
  id: number;
  community_id: number;
  community_code: string;
  county_id: number;
  fund_year: number;
  period: string;
  state: DeclarationState;
  version: number;
  deadline: string;
  deadline_confirmed: number;
  declared_on: string;
  declared_by: string;
  late: number;
  record_count: number;
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  approved: string;
  funded: string;
  unfunded: string;
  deposit: string;
  advance_offset: string;
  cash: string;
  reviewed_by: string | null;
  return_note: string | null;
  approved_by: string | null;
  payment_due: string;
  payment_due_confirmed: number;
  disbursed_on: string | null;
  disbursed_by: string | null;
  disbursement_ref: string | null;
  payment_late: number;
};

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
  reviewedBy: string | null;
  declarationId: number | null;
  allowedActions: MemberClaimAction[];
}

/** A period's money from claimed to funded, as a declaration and the period summary show it. */
export interface DeclarationFigures {
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  approved: string;
  funded: string;
  unfunded: string;
  deposit: string;
  advanceOffset: string;
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
  members: {
    institutionCode: string;
    claimId: number;
    records: number;
    claimed: string;
    rejected: string;
    accepted: string;
    deducted: string;
    approved: string;
  }[];
  allowedActions: DeclarationAction[];
}

export interface RecordDecision {
  recordId: string;
  decision: 'ACCEPT' | 'REJECT';
  reason?: ReviewReasonCode;
  note?: string;
}

export interface Deduction {
  recordId: string;
  /** null withdraws an earlier deduction. */
  reason: ReviewReasonCode | null;
  note?: string;
}

function reasonError(field: string, reason: unknown): ErrorDetail | null {
  if (typeof reason === 'string' && (REVIEW_REASON_CODES as readonly string[]).includes(reason)) return null;
  return { field, rule: 'reasonCode', message: `reason must be one of ${REVIEW_REASON_CODES.join(', ')}` };
}

const CLAIM_COLUMNS = `c.id, c.institution_id, i.code AS institution_code, c.community_id, c.county_id, c.period, c.state, c.version,
  DATE_FORMAT(c.cutoff, '%Y-%m-%d') AS cutoff, DATE_FORMAT(c.submitted_on, '%Y-%m-%d') AS submitted_on, c.submitted_by, c.late, c.reviewed_by, c.declaration_id`;
const CLAIM_SELECT = `SELECT ${CLAIM_COLUMNS} FROM member_claim c JOIN institution i ON i.id = c.institution_id`;

const DECLARATION_SELECT = `SELECT d.*, m.code AS community_code, DATE_FORMAT(d.deadline, '%Y-%m-%d') AS deadline, DATE_FORMAT(d.declared_on, '%Y-%m-%d') AS declared_on,
  DATE_FORMAT(d.payment_due, '%Y-%m-%d') AS payment_due, DATE_FORMAT(d.disbursed_on, '%Y-%m-%d') AS disbursed_on
  FROM claim_declaration d JOIN medical_community m ON m.id = d.community_id`;

/**
 * The monthly claim cycle (SPEC §4 steps 1–5): member claims and the lead unit's pre-review,
 * the declaration and its deadline, the bureau's deductions, approval under the package cap
 * (maker-checker) and dated disbursement. Every transition is audited; money moves through the
 * ledger in the same transaction.
 */
@Injectable()
export class ClaimCycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly parameters: PolicyParametersService,
    private readonly calendar: CalendarService,
    private readonly clock: BusinessClock,
    private readonly passDowns: PassDownService,
    private readonly funding: CommunityFundingService,
    private readonly outbox: OutboxService,
  ) {}

  // ------------------------------------------------------------ member claims

  async getClaim(id: number): Promise<MemberClaimView> {
    return this.claimView(this.dataSource.manager, await this.claimRow(this.dataSource.manager, id, false));
  }

  async listClaims(where: { sql: string; params: unknown[] }, period?: string, state?: string): Promise<MemberClaimView[]> {
    // One query for the claims and their record totals.
    const rows: (ClaimRow & TotalsRow)[] = await this.dataSource.query(
      `SELECT ${CLAIM_COLUMNS}, ${RECORD_TOTALS_SQL} FROM member_claim c JOIN institution i ON i.id = c.institution_id
         LEFT JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
        WHERE ${where.sql} ${period ? 'AND c.period = ?' : ''} ${state ? 'AND c.state = ?' : ''} GROUP BY c.id ORDER BY c.period DESC, i.code LIMIT 500`,
      [...where.params, ...(period ? [period] : []), ...(state ? [state] : [])],
    );
    return rows.map((r) => this.claimViewOf(r, totals(r)));
  }

  /** A claim's records, masked, with their review outcome, a page at a time. */
  async claimRecords(id: number, reviewStatus: string | undefined, page: number, pageSize: number) {
    const row = await this.claimRow(this.dataSource.manager, id, false);
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT CAST(r.id AS CHAR) AS id, r.external_id AS externalId, u.code AS unitCode, r.visit_type AS visitType, DATE_FORMAT(r.settlement_date, '%Y-%m-%d') AS settlementDate,
              r.insured_masked AS insuredMasked, r.total_cost AS totalCost, r.fund_paid AS fundPaid, r.review_status AS reviewStatus, r.review_reason AS reviewReason,
              r.review_note AS reviewNote, r.deduction_reason AS deductionReason, r.deduction_note AS deductionNote
         FROM settlement_record r JOIN institution u ON u.id = r.unit_id
        WHERE r.submitter_id = ? AND r.claim_period = ? ${reviewStatus ? 'AND r.review_status = ?' : ''} ORDER BY r.id LIMIT ? OFFSET ?`,
      [row.institution_id, row.period, ...(reviewStatus ? [reviewStatus] : []), pageSize, (page - 1) * pageSize],
    );
    return {
      claimId: id,
      page,
      pageSize,
      records: rows.map((r) => ({
        ...r,
        totalCost: Money.of(r.totalCost as string).toString(),
        fundPaid: Money.of(r.fundPaid as string).toString(),
      })),
    };
  }

  /** The member unit submits its claim (SPEC §4 step 1); after the cut-off it is recorded as late. */
  async submitClaim(caller: Caller, id: number, version: number): Promise<MemberClaimView> {
    return this.transitionClaim(id, version, 'submit', async (manager, row) => {
      const [{ n }]: { n: number }[] = await manager.query(
        'SELECT COUNT(*) AS n FROM settlement_record WHERE submitter_id = ? AND claim_period = ?',
        [row.institution_id, row.period],
      );
      if (Number(n) === 0)
        throw new DomainError('CLAIM_EMPTY', 'unprocessable', `claim ${id} holds no settlement records`, [
          { field: 'id', rule: 'hasRecords', message: String(id) },
        ]);
      const today = this.clock.today();
      return { submitted_on: today, submitted_by: caller.name, late: deadlineStatus(row.cutoff, today, today).late ? 1 : 0 };
    });
  }

  /** The lead unit accepts or rejects records of a submitted claim with a reason code (初审). */
  async reviewRecords(caller: Caller, id: number, decisions: RecordDecision[]): Promise<MemberClaimView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.claimRow(manager, id, true);
      assertReviewer(caller, row);
      if (row.state !== 'SUBMITTED') {
        throw new DomainError(
          'CLAIM_NOT_UNDER_REVIEW',
          'conflict',
          `claim ${id} is ${row.state}: records are reviewed while it is SUBMITTED`,
          [{ field: 'state', rule: 'transition', message: row.state }],
        );
      }
      const errors: ErrorDetail[] = [];
      decisions.forEach((d, i) => {
        if (d.decision === 'REJECT') {
          const e = reasonError(`decisions.${i}.reason`, d.reason);
          if (e) errors.push(e);
          else if (d.reason === 'OTHER' && !d.note?.trim())
            errors.push({ field: `decisions.${i}.note`, rule: 'requiredForOther', message: 'a rejection for OTHER needs a note' });
        }
      });
      const ids = [...new Set(decisions.map((d) => d.recordId))];
      if (ids.length !== decisions.length) errors.push({ field: 'decisions', rule: 'uniqueRecord', message: 'a record appears twice' });
      const found: { id: string }[] = ids.length
        ? await manager.query(
            `SELECT CAST(id AS CHAR) AS id FROM settlement_record WHERE submitter_id = ? AND claim_period = ? AND id IN (${ids.map(() => '?').join(', ')})`,
            [row.institution_id, row.period, ...ids],
          )
        : [];
      const present = new Set(found.map((f) => f.id));
      decisions.forEach((d, i) => {
        if (!present.has(d.recordId))
          errors.push({ field: `decisions.${i}.recordId`, rule: 'inClaim', message: `record ${d.recordId} is not in claim ${id}` });
      });
      if (errors.length)
        throw new DomainError(
          'REVIEW_INVALID',
          'unprocessable',
          `${errors.length} problem(s) with the review; nothing was changed`,
          errors,
        );
      for (const d of decisions) {
        await manager.query('UPDATE settlement_record SET review_status = ?, review_reason = ?, review_note = ? WHERE id = ?', [
          d.decision === 'ACCEPT' ? 'ACCEPTED' : 'REJECTED',
          d.decision === 'ACCEPT' ? null : d.reason,
          d.note?.trim() || null,
          d.recordId,
        ]);
      }
      const before = await this.claimView(manager, row);
      const after = await this.claimView(manager, await this.claimRow(manager, id, false));
      await this.audit.record(manager, {
        action: 'memberClaim.reviewRecords',
        entityType: 'memberClaim',
        entityId: String(id),
        before: { accepted: before.accepted, rejected: before.rejected, pending: before.pending },
        after: {
          accepted: after.accepted,
          rejected: after.rejected,
          pending: after.pending,
          decisions: decisions.map((d) => `${d.recordId}:${d.decision}${d.reason ? `:${d.reason}` : ''}`),
        },
      });
      return after;
    });
  }

  /** Ends pre-review: records not rejected are accepted. */
  completeReview(caller: Caller, id: number, version: number): Promise<MemberClaimView> {
    return this.transitionClaim(id, version, 'completeReview', async (manager, row) => {
      assertReviewer(caller, row);
      await manager.query(
        "UPDATE settlement_record SET review_status = 'ACCEPTED' WHERE submitter_id = ? AND claim_period = ? AND review_status = 'PENDING'",
        [row.institution_id, row.period],
      );
      return { reviewed_by: caller.name };
    });
  }

  reopenReview(caller: Caller, id: number, version: number): Promise<MemberClaimView> {
    return this.transitionClaim(id, version, 'reopenReview', async (_manager, row) => {
      assertReviewer(caller, row);
      return { reviewed_by: null };
    });
  }

  private async transitionClaim(
    id: number,
    version: number,
    action: MemberClaimAction,
    effects: (manager: EntityManager, row: ClaimRow) => Promise<Record<string, unknown>>,
  ): Promise<MemberClaimView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.claimRow(manager, id, true);
      const next = MEMBER_CLAIM_LIFECYCLE.apply(row.state, action);
      if (row.version !== version) throw staleVersion(row.version);
      const before = await this.claimView(manager, row);
      const changes = { ...(await effects(manager, row)), state: next };
      await manager.query(
        `UPDATE member_claim SET ${Object.keys(changes)
          .map((k) => `${k} = ?`)
          .join(', ')}, version = version + 1 WHERE id = ?`,
        [...Object.values(changes), id],
      );
      const after = await this.claimView(manager, await this.claimRow(manager, id, false));
      await this.audit.record(manager, {
        action: `memberClaim.${action}`,
        entityType: 'memberClaim',
        entityId: String(id),
        before: claimSnapshot(before),
        after: claimSnapshot(after),
      });
      return after;
    });
  }

  private async claimRow(manager: EntityManager, id: number, lock: boolean): Promise<ClaimRow> {
    const [row]: ClaimRow[] = await manager.query(`${CLAIM_SELECT} WHERE c.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw notFound('member claim', String(id));
    return row;
  }

  private async claimView(manager: EntityManager, row: ClaimRow): Promise<MemberClaimView> {
    return this.claimViewOf(row, await claimTotals(manager, row.institution_id, row.period));
  }

  private claimViewOf(row: ClaimRow, t: ClaimTotals): MemberClaimView {
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
      reviewedBy: row.reviewed_by,
      declarationId: row.declaration_id === null ? null : Number(row.declaration_id),
      ...t,
      allowedActions: MEMBER_CLAIM_LIFECYCLE.allowedActions(row.state),
    };
  }

  // ------------------------------------------------------------ declarations

  /**
   * The lead unit declares a period to the bureau (SPEC §4 step 3): every pre-reviewed member
   * claim of the period goes in; claims still open roll over to the next period; a claim still
   * under review blocks the declaration. Declaring after the deadline is allowed and recorded late.
   */
  async declare(caller: Caller, community: { id: number; code: string; countyId: number }, period: string): Promise<DeclarationView> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [community.id]);
      const [existing]: { id: number }[] = await manager.query('SELECT id FROM claim_declaration WHERE community_id = ? AND period = ?', [
        community.id,
        period,
      ]);
      if (existing) return this.declarationView(manager, await this.declarationRow(manager, existing.id, false));
      const today = this.clock.today();
      if (today < `${nextPeriod(period)}-01`) {
        throw new DomainError('PERIOD_NOT_ENDED', 'unprocessable', `${period} has not ended yet: it is declared in the next month`, [
          { field: 'period', rule: 'periodEnded', message: period },
        ]);
      }
      const claims: ClaimRow[] = await manager.query(`${CLAIM_SELECT} WHERE c.community_id = ? AND c.period = ? FOR UPDATE`, [
        community.id,
        period,
      ]);
      const underReview = claims.filter((c) => c.state === 'SUBMITTED');
      if (underReview.length) {
        throw new DomainError(
          'CLAIMS_UNDER_REVIEW',
          'conflict',
          `finish pre-review of ${underReview.map((c) => `${c.institution_code} (claim ${c.id})`).join(', ')} before declaring ${period}`,
          underReview.map((c) => ({ field: 'claims', rule: 'reviewed', message: `claim ${c.id} of ${c.institution_code} is SUBMITTED` })),
        );
      }
      const reviewed = claims.filter((c) => c.state === 'REVIEWED');
      if (reviewed.length === 0)
        throw new DomainError('NOTHING_TO_DECLARE', 'unprocessable', `no pre-reviewed member claim for ${period}`, [
          { field: 'period', rule: 'hasReviewedClaims', message: period },
        ]);
      const params = await this.params(manager, community.countyId, fundYearOf(period));
      const cycle = await this.calendar.cycleDeadlines(period, params);
      const [t]: TotalsRow[] = await manager.query(
        `SELECT ${RECORD_TOTALS_SQL} FROM settlement_record r JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period WHERE c.id IN (${reviewed.map(() => '?').join(', ')})`,
        reviewed.map((c) => c.id),
      );
      const sums = totals(t);
      const result = await manager.query(
        `INSERT INTO claim_declaration (community_id, county_id, fund_year, period, state, deadline, deadline_confirmed, declared_on, declared_by, late, record_count, claimed, rejected, accepted, approved, funded, payment_due, payment_due_confirmed)
         VALUES (?, ?, ?, ?, 'DECLARED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
        [
          community.id,
          community.countyId,
          fundYearOf(period),
          period,
          cycle.declaration.deadline,
          cycle.declaration.calendarConfirmed ? 1 : 0,
          today,
          caller.name,
          deadlineStatus(cycle.declaration.deadline, today, today).late ? 1 : 0,
          sums.records,
          sums.claimed,
          sums.rejected,
          sums.accepted,
          sums.accepted,
          cycle.bureauPayment.deadline,
          cycle.bureauPayment.calendarConfirmed ? 1 : 0,
        ],
      );
      const id = Number(result.insertId);
      for (const c of reviewed) {
        MEMBER_CLAIM_LIFECYCLE.apply(c.state, 'declare');
        await manager.query("UPDATE member_claim SET state = 'DECLARED', declaration_id = ?, version = version + 1 WHERE id = ?", [
          id,
          c.id,
        ]);
      }
      // Records of claims nobody submitted move on to the next period, never lost (December's stay for year end).
      const rolled: string[] = [];
      const target = nextPeriod(period);
      const targetCutoff = memberCutoffDate(target, Number(params.memberCutoffDay));
      const openClaims = fundYearOf(target) === fundYearOf(period) ? claims.filter((x) => x.state === 'OPEN') : [];
      for (const c of openClaims) {
        MEMBER_CLAIM_LIFECYCLE.apply(c.state, 'rollOver');
        await manager.query("UPDATE member_claim SET state = 'ROLLED_OVER', version = version + 1 WHERE id = ?", [c.id]);
        await manager.query(
          "INSERT IGNORE INTO member_claim (institution_id, community_id, county_id, period, state, cutoff) VALUES (?, ?, ?, ?, 'OPEN', ?)",
          [c.institution_id, c.community_id, c.county_id, target, targetCutoff],
        );
        await manager.query('UPDATE settlement_record SET claim_period = ? WHERE submitter_id = ? AND claim_period = ?', [
          target,
          c.institution_id,
          period,
        ]);
        rolled.push(c.institution_code);
      }
      const view = await this.declarationView(manager, await this.declarationRow(manager, id, false));
      await this.audit.record(manager, {
        action: 'declaration.declare',
        entityType: 'declaration',
        entityId: String(id),
        before: null,
        after: { ...declarationSnapshot(view), rolledOver: rolled },
      });
      return view;
    });
  }

  /** The bureau deducts (拒付) accepted records with a reason, or withdraws a deduction, while reviewing. */
  async deduct(id: number, deductions: Deduction[]): Promise<DeclarationView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.declarationRow(manager, id, true);
      if (row.state !== 'DECLARED')
        throw new DomainError(
          'DECLARATION_NOT_UNDER_REVIEW',
          'conflict',
          `declaration ${id} is ${row.state}: deductions are made while it is DECLARED`,
          [{ field: 'state', rule: 'transition', message: row.state }],
        );
      const errors: ErrorDetail[] = [];
      deductions.forEach((d, i) => {
        if (d.reason !== null) {
          const e = reasonError(`deductions.${i}.reason`, d.reason);
          if (e) errors.push(e);
          else if (d.reason === 'OTHER' && !d.note?.trim())
            errors.push({ field: `deductions.${i}.note`, rule: 'requiredForOther', message: 'a deduction for OTHER needs a note' });
        }
      });
      const ids = [...new Set(deductions.map((d) => d.recordId))];
      if (ids.length !== deductions.length) errors.push({ field: 'deductions', rule: 'uniqueRecord', message: 'a record appears twice' });
      const found: { id: string; review_status: string }[] = ids.length
        ? await manager.query(
            `SELECT CAST(r.id AS CHAR) AS id, r.review_status FROM settlement_record r JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
              WHERE c.declaration_id = ? AND r.id IN (${ids.map(() => '?').join(', ')})`,
            [id, ...ids],
          )
        : [];
      const status = new Map(found.map((f) => [f.id, f.review_status]));
      deductions.forEach((d, i) => {
        const s = status.get(d.recordId);
        if (s === undefined)
          errors.push({
            field: `deductions.${i}.recordId`,
            rule: 'inDeclaration',
            message: `record ${d.recordId} is not in declaration ${id}`,
          });
        else if (s !== 'ACCEPTED')
          errors.push({
            field: `deductions.${i}.recordId`,
            rule: 'accepted',
            message: `record ${d.recordId} was rejected in pre-review; only accepted records are deducted`,
          });
      });
      if (errors.length)
        throw new DomainError(
          'DEDUCTION_INVALID',
          'unprocessable',
          `${errors.length} problem(s) with the deductions; nothing was changed`,
          errors,
        );
      for (const d of deductions) {
        await manager.query('UPDATE settlement_record SET deduction_reason = ?, deduction_note = ? WHERE id = ?', [
          d.reason,
          d.reason === null ? null : d.note?.trim() || null,
          d.recordId,
        ]);
      }
      const before = await this.declarationView(manager, row);
      await this.refreshDeducted(manager, id);
      const after = await this.declarationView(manager, await this.declarationRow(manager, id, false));
      await this.audit.record(manager, {
        action: 'declaration.deduct',
        entityType: 'declaration',
        entityId: String(id),
        before: { deducted: before.deducted, approved: before.approved },
        after: {
          deducted: after.deducted,
          approved: after.approved,
          deductions: deductions.map((d) => `${d.recordId}:${d.reason ?? 'withdrawn'}`),
        },
      });
      return after;
    });
  }

  /** Bureau clerk finishes the review (passes it to an approver); an approver returns or approves it. */
  async transitionDeclaration(
    caller: Caller,
    id: number,
    action: 'completeReview' | 'return' | 'approve',
    version: number,
    note?: string,
  ): Promise<DeclarationView> {
    const jobs: string[] = [];
    const view = await inTransaction(this.dataSource, async (manager) => {
      const row = await this.declarationRow(manager, id, true);
      if (action === 'approve' && FUNDED_DECLARATION_STATES.includes(row.state)) return this.declarationView(manager, row);
      const next = DECLARATION_LIFECYCLE.apply(row.state, action);
      if (row.version !== version) throw staleVersion(row.version);
      const before = await this.declarationView(manager, row);
      const changes: Record<string, unknown> = { state: next };
      if (action === 'completeReview') Object.assign(changes, { reviewed_by: caller.name, return_note: null });
      if (action === 'return') {
        if (!note?.trim())
          throw new DomainError('NOTE_REQUIRED', 'unprocessable', 'say why the declaration goes back', [
            { field: 'note', rule: 'required', message: 'a return needs a note' },
          ]);
        Object.assign(changes, { return_note: note.trim(), reviewed_by: null });
      }
      if (action === 'approve') {
        assertMakerChecker(row.reviewed_by ?? '', caller.name);
        Object.assign(changes, await this.approve(manager, row), { approved_by: caller.name, approved_at: new Date() });
        // Monitoring follows every approval (SPEC §6), refreshing a reading the schedule may have
        // kept for the period already; committed with the approval, run once Redis has it.
        jobs.push(
          await this.outbox.addAgain(manager, 'cycle.run', {
            cycle: 'monitoring',
            period: row.period,
            scope: row.community_code,
            refresh: true,
          }),
        );
      }
      await manager.query(
        `UPDATE claim_declaration SET ${Object.keys(changes)
          .map((k) => `${k} = ?`)
          .join(', ')}, version = version + 1 WHERE id = ?`,
        [...Object.values(changes), id],
      );
      const after = await this.declarationView(manager, await this.declarationRow(manager, id, false));
      await this.audit.record(manager, {
        action: `declaration.${action}`,
        entityType: 'declaration',
        entityId: String(id),
        before: declarationSnapshot(before),
        after: declarationSnapshot(after),
      });
      return after;
    });
    void this.outbox.relay(jobs).catch(() => undefined);
    return view;
  }

  /**
   * Funds the approved amount under the package cap (超支不补): the community row is locked, so
   * two approvals never fund from the same balance. Posts the deposit, the payable and the
   * advance offset.
   */
  private async approve(manager: EntityManager, row: DeclarationRow): Promise<Record<string, string>> {
    await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [row.community_id]);
    await this.refreshDeducted(manager, row.id);
    const [fresh] = await manager.query('SELECT approved FROM claim_declaration WHERE id = ?', [row.id]);
    const params = await this.params(manager, row.county_id, row.fund_year);
    const funding = fundApprovedClaims({
      approved: Money.of(fresh.approved),
      packageBalance: await this.ledger.balanceOf(manager, row.county_id, row.fund_year, communityPackageAccount(row.community_code)),
      advanceBalance: await this.ledger.balanceOf(manager, row.county_id, row.fund_year, CYCLE_ACCOUNTS.leadAdvance(row.community_code)),
      depositRate: params.qualityDepositRate,
    });
    await this.ledger.post(
      manager,
      row.county_id,
      row.fund_year,
      declarationApprovalTransfers(`declaration.${row.id}`, row.community_code, funding, row.period),
      { type: 'declaration', id: String(row.id) },
    );
    return {
      funded: funding.funded.toString(),
      unfunded: funding.unfunded.toString(),
      deposit: funding.deposit.toString(),
      advance_offset: funding.advanceOffset.toString(),
      cash: funding.cash.toString(),
    };
  }

  /**
   * Records the bureau's disbursement to the lead unit (SPEC §4 step 5), dated; refused while a
   * disbursement hold is in force. The lead's pass-downs to its members fall due from that date.
   */
  async disburse(caller: Caller, id: number, version: number, disbursedOn: string, reference: string): Promise<DeclarationView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.declarationRow(manager, id, true);
      if (row.state === 'DISBURSED' && row.disbursed_on === disbursedOn && row.disbursement_ref === reference)
        return this.declarationView(manager, row);
      DECLARATION_LIFECYCLE.apply(row.state, 'disburse');
      if (row.version !== version) throw staleVersion(row.version);
      await this.funding.assertNotHeld(manager, { id: row.community_id, code: row.community_code });
      const today = this.clock.today();
      if (disbursedOn > today)
        throw new DomainError('VALIDATION_FAILED', 'unprocessable', `the disbursement date ${disbursedOn} is in the future`, [
          { field: 'disbursedOn', rule: 'notFuture', message: disbursedOn },
        ]);
      if (disbursedOn < row.declared_on)
        throw new DomainError(
          'VALIDATION_FAILED',
          'unprocessable',
          `the disbursement date ${disbursedOn} is before the declaration (${row.declared_on})`,
          [{ field: 'disbursedOn', rule: 'afterDeclaration', message: disbursedOn }],
        );
      const before = await this.declarationView(manager, row);
      const cash = Money.of(row.cash);
      if (cash.isPositive()) {
        await this.ledger.post(
          manager,
          row.county_id,
          row.fund_year,
          [
            {
              id: `declaration.${id}.disbursed`,
              debit: CYCLE_ACCOUNTS.bureauPayable(row.community_code),
              credit: CYCLE_ACCOUNTS.communityHeld(row.community_code),
              amount: cash,
              memo: `${row.period} 拨付 ${reference}`,
            },
          ],
          { type: 'declaration', id: String(id) },
        );
      }
      await manager.query(
        "UPDATE claim_declaration SET state = 'DISBURSED', disbursed_on = ?, disbursed_by = ?, disbursement_ref = ?, payment_late = ?, version = version + 1 WHERE id = ?",
        [disbursedOn, caller.name, reference, deadlineStatus(row.payment_due, disbursedOn, today).late ? 1 : 0, id],
      );
      const after = await this.declarationView(manager, await this.declarationRow(manager, id, false));
      await this.passDowns.createMemberPassDowns(
        manager,
        {
          id,
          countyId: row.county_id,
          fundYear: row.fund_year,
          communityId: row.community_id,
          communityCode: row.community_code,
          period: row.period,
          received: Money.of(row.funded).minus(Money.of(row.deposit)),
          receivedOn: disbursedOn,
          params: await this.params(manager, row.county_id, row.fund_year),
        },
        this.memberApproved.bind(this),
      );
      await this.audit.record(manager, {
        action: 'declaration.disburse',
        entityType: 'declaration',
        entityId: String(id),
        before: declarationSnapshot(before),
        after: declarationSnapshot(after),
      });
      return after;
    });
  }

  /** Approved amount per submitting member of a declaration, in code order. */
  async memberApproved(manager: EntityManager, declarationId: number): Promise<{ institutionId: number; code: string; approved: Money }[]> {
    return (await this.memberTotals(manager, declarationId)).map((m) => ({
      institutionId: m.institution_id,
      code: m.institution_code,
      approved: Money.of(totals(m).approved),
    }));
  }

  /** Each declared member claim's record totals, in code order. */
  private memberTotals(
    manager: EntityManager,
    declarationId: number,
  ): Promise<(TotalsRow & { institution_id: number; institution_code: string; claim_id: number })[]> {
    return manager.query(
      `SELECT c.institution_id, i.code AS institution_code, c.id AS claim_id, ${RECORD_TOTALS_SQL}
         FROM member_claim c JOIN institution i ON i.id = c.institution_id
         LEFT JOIN settlement_record r ON r.submitter_id = c.institution_id AND r.claim_period = c.period
        WHERE c.declaration_id = ? GROUP BY c.institution_id, i.code, c.id ORDER BY i.code`,
      [declarationId],
    );
  }

  async getDeclaration(id: number): Promise<DeclarationView> {
    return this.declarationView(this.dataSource.manager, await this.declarationRow(this.dataSource.manager, id, false));
  }

  async listDeclarations(countyId: number, communityId: number | null, period?: string, state?: string): Promise<DeclarationView[]> {
    const rows: DeclarationRow[] = await this.dataSource.query(
      `${DECLARATION_SELECT} WHERE d.county_id = ? ${communityId !== null ? 'AND d.community_id = ?' : ''} ${period ? 'AND d.period = ?' : ''} ${state ? 'AND d.state = ?' : ''} ORDER BY d.period DESC, m.code LIMIT 500`,
      [countyId, ...(communityId !== null ? [communityId] : []), ...(period ? [period] : []), ...(state ? [state] : [])],
    );
    return Promise.all(rows.map((r) => this.declarationView(this.dataSource.manager, r)));
  }

  private async refreshDeducted(manager: EntityManager, id: number): Promise<void> {
    const [row]: TotalsRow[] = await manager.query(
      `SELECT ${RECORD_TOTALS_SQL} FROM settlement_record r JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period WHERE c.declaration_id = ?`,
      [id],
    );
    const { deducted } = totals(row);
    await manager.query(
      'UPDATE claim_declaration SET deducted = ?, approved = accepted - ?, funded = 0, unfunded = 0, deposit = 0, advance_offset = 0, cash = 0 WHERE id = ?',
      [deducted, deducted, id],
    );
  }

  private async declarationRow(manager: EntityManager, id: number, lock: boolean): Promise<DeclarationRow> {
    const [row]: DeclarationRow[] = await manager.query(`${DECLARATION_SELECT} WHERE d.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    if (!row) throw notFound('declaration', String(id));
    return row;
  }

  private async declarationView(manager: EntityManager, row: DeclarationRow): Promise<DeclarationView> {
    const members = await this.memberTotals(manager, row.id);
    const today = this.clock.today();
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
      members: members.map((m) => {
        const t = totals(m);
        return {
          institutionCode: m.institution_code,
          claimId: Number(m.claim_id),
          records: t.records,
          claimed: t.claimed,
          rejected: t.rejected,
          accepted: t.accepted,
          deducted: t.deducted,
          approved: t.approved,
        };
      }),
      allowedActions: DECLARATION_LIFECYCLE.allowedActions(row.state),
    };
  }

  private async params(manager: EntityManager, countyId: number, fundYear: number): Promise<PolicyParameters> {
    return (await this.parameters.current(manager, { id: countyId, code: '' }, fundYear)).values;
  }
}

function assertReviewer(caller: Caller, row: ClaimRow): void {
  if (!mayReviewClaim(caller.institution, { communityId: row.community_id })) {
    const who = row.community_id === null ? 'the bureau' : 'the lead unit of its community';
    throw new DomainError('NOT_THE_REVIEWER', 'forbidden', `claim ${row.id} of ${row.institution_code} is reviewed by ${who}`, [
      { field: 'id', rule: 'reviewer', message: who },
    ]);
  }
}

function claimSnapshot(v: MemberClaimView): Record<string, unknown> {
  return {
    state: v.state,
    version: v.version,
    records: v.records,
    claimed: v.claimed,
    accepted: v.accepted,
    rejected: v.rejected,
    late: v.late,
  };
}

function declarationSnapshot(v: DeclarationView): Record<string, unknown> {
  const { members: _members, allowedActions: _actions, ...rest } = v;
  return rest;
}
