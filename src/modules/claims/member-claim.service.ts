import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { deadlineStatus, MEMBER_CLAIM_LIFECYCLE, MemberClaimAction } from '../../domain/claim-cycle';
import {
  assertClaimant,
  assertClaimHasRecords,
  assertClaimReviewer,
  assertClaimUnderReview,
  assertClaimReturned,
  assertRecordsInClaim,
  decidePendingAtReviewEnd,
  decideRecordReview,
  namedRecords,
  RecordDecision,
} from '../../domain/declaration';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { claimSnapshot, claimView, MemberClaimView } from './claim.views';
import { ClaimCorrectionRepository, ClaimVersionView, ReturnReason, WithdrawnRecordView } from './claim-correction.repository';
import { ClaimFilter, ClaimRow, MemberClaimRepository } from './member-claim.repository';
import { SettlementRecordRepository } from './settlement-record.repository';
import { Transactions } from './transactions';

export type { RecordDecision } from '../../domain/declaration';

/**
 * Member claims (SPEC §4 steps 1–2): the member unit submits its period's claim; the lead unit
 * (the bureau for a private institution) pre-reviews its records (初审). Every transition is audited.
 */
@Injectable()
export class MemberClaimService {
  constructor(
    private readonly transactions: Transactions,
    private readonly claims: MemberClaimRepository,
    private readonly records: SettlementRecordRepository,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
    private readonly corrections: ClaimCorrectionRepository,
  ) {}

  /** A claim with what `reader` may do with it now. */
  async getClaim(reader: Caller, id: number): Promise<MemberClaimView> {
    const manager = this.claims.manager;
    return this.view(manager, await this.row(manager, id, false), reader);
  }

  /** Claims visible within a scope, or as an inbox selects them (null reader: the system, offered no actions). */
  async listClaims(filter: ClaimFilter, reader: Caller | null = null): Promise<MemberClaimView[]> {
    return (await this.claims.listWithTotals(filter)).rows.map((r) => claimView(r, r.totals, reader));
  }

  /** Claims of institutions within the caller's scope, a page at a time. */
  async listInScope(caller: Caller, q: PageWindow & { period?: string; state?: string }): Promise<Page<MemberClaimView>> {
    const { rows, total } = await this.claims.listWithTotals(
      { scope: caller.scope, period: q.period, states: q.state ? [q.state] : undefined },
      q,
    );
    return pageOf(
      rows.map((r) => claimView(r, r.totals, caller)),
      total,
      q,
    );
  }

  /** A claim's records, masked, with their review outcome, a page at a time. */
  async claimRecords(id: number, filter: { reviewStatus?: string; externalId?: string }, page: number, pageSize: number) {
    const row = await this.row(this.claims.manager, id, false);
    const { rows, total } = await this.records.pageOfClaim(row.institution_id, row.period, filter, page, pageSize);
    return pageOf(rows, total, { page, pageSize });
  }

  /** The member unit submits its claim (SPEC §4 step 1); after the cut-off it is recorded as late. */
  async submitClaim(caller: Caller, id: number, version: number): Promise<MemberClaimView> {
    return this.transition(caller, id, version, 'submit', async (manager, row) => {
      assertClaimant(caller.institution, { id, institutionId: Number(row.institution_id), institutionCode: row.institution_code });
      assertClaimHasRecords(id, await this.records.countOfClaim(manager, row.institution_id, row.period));
      const today = this.clock.today();
      await this.keepVersion(manager, row, 'SUBMITTED', caller.name, []);
      return { submitted_on: today, submitted_by: caller.name, late: deadlineStatus(row.cutoff, today, today).late ? 1 : 0 };
    });
  }

  /**
   * 退回补正: the reviewer returns a submitted claim to its unit with reasons. The claim as it
   * stood is kept as a version; the unit sees it in its inbox, corrects and resubmits.
   */
  returnForCorrection(caller: Caller, id: number, version: number, reasons: readonly Partial<ReturnReason>[]): Promise<MemberClaimView> {
    const given: ReturnReason[] = reasons.map((r) => ({ reason: r.reason!, note: r.note ?? null, recordId: r.recordId ?? null }));
    return this.transition(caller, id, version, 'returnForCorrection', async (manager, row) => {
      assertClaimReviewer(caller.institution, reviewed(row));
      await this.keepVersion(manager, row, 'RETURNED', caller.name, given);
      return {
        returned_on: this.clock.today(),
        returned_by: caller.name,
        return_reasons: JSON.stringify(given),
        returns: Number(row.returns) + 1,
      };
    });
  }

  /** The unit withdraws records from its returned claim: kept as they were, then removed (it may upload corrected ones). */
  async withdrawRecords(caller: Caller, id: number, recordIds: readonly string[]): Promise<MemberClaimView & { withdrawn: number }> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, id, true);
      assertClaimant(caller.institution, { id, institutionId: Number(row.institution_id), institutionCode: row.institution_code });
      assertClaimReturned({ id, state: row.state });
      const ids = [...new Set(recordIds)];
      const inClaim = await this.records.idsInClaim(manager, row.institution_id, row.period, ids);
      assertRecordsInClaim(id, ids, inClaim);
      const before = await this.view(manager, row, caller);
      const withdrawn = await this.corrections.withdraw(manager, row, ids, caller.name, this.clock.today());
      await this.claims.update(manager, id, { state: row.state });
      const after = await this.view(manager, await this.row(manager, id, false), caller);
      await this.audit.record(manager, {
        action: 'memberClaim.withdrawRecords',
        entityType: 'memberClaim',
        entityId: String(id),
        before: { records: before.records, claimed: before.claimed },
        after: { records: after.records, claimed: after.claimed, withdrawn: ids },
      });
      return { ...after, withdrawn };
    });
  }

  /** The unit resubmits its corrected claim; the corrected claim is kept as a new version. */
  resubmit(caller: Caller, id: number, version: number): Promise<MemberClaimView> {
    return this.transition(caller, id, version, 'resubmit', async (manager, row) => {
      assertClaimant(caller.institution, { id, institutionId: Number(row.institution_id), institutionCode: row.institution_code });
      assertClaimHasRecords(id, await this.records.countOfClaim(manager, row.institution_id, row.period));
      await this.keepVersion(manager, row, 'RESUBMITTED', caller.name, []);
      return { submitted_on: this.clock.today(), submitted_by: caller.name };
    });
  }

  /** Every kept version of a claim (submitted, returned, resubmitted) and the records withdrawn from it. */
  async versions(id: number): Promise<{ versions: ClaimVersionView[]; withdrawn: WithdrawnRecordView[] }> {
    await this.row(this.claims.manager, id, false);
    return { versions: await this.corrections.versions(id), withdrawn: await this.corrections.withdrawn(id) };
  }

  private async keepVersion(
    manager: EntityManager,
    row: ClaimRow,
    event: 'SUBMITTED' | 'RETURNED' | 'RESUBMITTED',
    by: string,
    reasons: readonly ReturnReason[],
  ): Promise<void> {
    const totals = await this.records.claimTotals(manager, row.institution_id, row.period);
    await this.corrections.keepVersion(manager, row, event, by, this.clock.today(), reasons, totals);
  }

  /** The lead unit accepts or rejects records of a submitted claim with a reason code (初审). */
  async reviewRecords(caller: Caller, id: number, decisions: RecordDecision[]): Promise<MemberClaimView> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, id, true);
      assertClaimReviewer(caller.institution, reviewed(row));
      assertClaimUnderReview({ id, state: row.state });
      const inClaim = await this.records.idsInClaim(manager, row.institution_id, row.period, namedRecords(decisions));
      const outcomes = decideRecordReview(id, decisions, inClaim);
      await this.records.saveReviewOutcomes(manager, outcomes);
      const before = await this.view(manager, row, caller);
      const after = await this.view(manager, await this.row(manager, id, false), caller);
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

  /**
   * Ends pre-review. Records still PENDING refuse it, unless `acceptPending` says to accept
   * them; the answer says how many were accepted that way.
   */
  async completeReview(
    caller: Caller,
    id: number,
    version: number,
    acceptPending = false,
  ): Promise<MemberClaimView & { acceptedPending: number }> {
    let acceptedPending = 0;
    const view = await this.transition(caller, id, version, 'completeReview', async (manager, row) => {
      assertClaimReviewer(caller.institution, reviewed(row));
      const pending = await this.records.countPending(manager, row.institution_id, row.period);
      ({ acceptedPending } = decidePendingAtReviewEnd(id, pending, acceptPending));
      if (acceptedPending > 0) await this.records.acceptPending(manager, row.institution_id, row.period);
      return { reviewed_by: caller.name, reviewed_on: this.clock.today() };
    });
    return { ...view, acceptedPending };
  }

  reopenReview(caller: Caller, id: number, version: number): Promise<MemberClaimView> {
    return this.transition(caller, id, version, 'reopenReview', async (_manager, row) => {
      assertClaimReviewer(caller.institution, reviewed(row));
      return { reviewed_by: null, reviewed_on: null };
    });
  }

  private async transition(
    caller: Caller,
    id: number,
    version: number,
    action: MemberClaimAction,
    effects: (manager: EntityManager, row: ClaimRow) => Promise<Record<string, unknown>>,
  ): Promise<MemberClaimView> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, id, true);
      const next = MEMBER_CLAIM_LIFECYCLE.apply(row.state, action);
      if (row.version !== version) throw staleVersion(row.version);
      const before = await this.view(manager, row, caller);
      const changes = { ...(await effects(manager, row)), state: next };
      await this.claims.update(manager, id, changes);
      const after = await this.view(manager, await this.row(manager, id, false), caller);
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

  private async row(manager: EntityManager, id: number, lock: boolean): Promise<ClaimRow> {
    const row = await this.claims.find(manager, id, lock);
    if (!row) throw notFound('member claim', String(id));
    return row;
  }

  private async view(manager: EntityManager, row: ClaimRow, reader: Caller): Promise<MemberClaimView> {
    return claimView(row, await this.records.claimTotals(manager, row.institution_id, row.period), reader);
  }
}

/** A claim as the reviewer rule reads it. */
function reviewed(row: ClaimRow): { id: number; institutionCode: string; communityId: number | null } {
  return { id: row.id, institutionCode: row.institution_code, communityId: row.community_id };
}
