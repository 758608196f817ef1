import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { assertMakerChecker, readsWholeCounties, scopeCountyIds } from '../../domain/access-policy';
import {
  deadlineStatus,
  DECLARATION_LIFECYCLE,
  fundApprovedClaims,
  FUNDED_DECLARATION_STATES,
  fundYearOf,
  MEMBER_CLAIM_LIFECYCLE,
} from '../../domain/claim-cycle';
import { carryTargetPeriod, claimApproved, negativeNetCarries } from '../../domain/claim-adjustment';
import { declarationApprovalPostings } from '../../domain/claim-postings';
import {
  assertDeclarationUnderReview,
  assertPeriodEnded,
  decideDeclaration,
  decideDeductions,
  Deduction,
  namedRecords,
  returnNote,
} from '../../domain/declaration';
import { communityPackageAccount, CYCLE_ACCOUNTS } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { policyTerms } from '../../domain/policy-parameters';
import { sumUnitFigures } from '../../domain/unit-totals';
import { memberCutoffDate } from '../../domain/working-days';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { OutboxService } from '../../queue/outbox.service';
import { AuditService } from '../audit';
import { CalendarService } from '../calendar';
import { PolicyParametersService } from '../fund-year';
import { LedgerService } from '../ledger';
import { ClaimAdjustmentRepository } from './claim-adjustment.repository';
import { declarationSnapshot, declarationView, DeclarationView } from './claim.views';
import { CommunityLockRepository } from './community-lock.repository';
import { DeclarationRepository, DeclarationRow } from './declaration.repository';
import { ClaimRow, MemberClaimRepository } from './member-claim.repository';
import { SampleService } from './sample.service';
import { SettlementRecordRepository } from './settlement-record.repository';
import { Transactions } from './transactions';
import { UnitTotalRepository } from './unit-total.repository';

export type { Deduction } from '../../domain/declaration';

/**
 * The declaration (SPEC §4 steps 3–4): the lead unit declares a period's pre-reviewed member
 * claims to the bureau, which deducts (拒付), completes its review, returns or approves it under
 * the package cap (maker-checker). Every transition is audited; approval posts to the ledger in
 * the same transaction.
 */
@Injectable()
export class DeclarationService {
  constructor(
    private readonly transactions: Transactions,
    private readonly declarations: DeclarationRepository,
    private readonly claims: MemberClaimRepository,
    private readonly records: SettlementRecordRepository,
    private readonly communities: CommunityLockRepository,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly parameters: PolicyParametersService,
    private readonly calendar: CalendarService,
    private readonly clock: BusinessClock,
    private readonly outbox: OutboxService,
    private readonly adjustments: ClaimAdjustmentRepository,
    private readonly samples: SampleService,
    private readonly unitTotals: UnitTotalRepository,
  ) {}

  /**
   * The lead unit declares a period to the bureau (SPEC §4 step 3): every pre-reviewed member
   * claim of the period goes in; claims still open roll over to the next period; a claim still
   * under review blocks the declaration. Declaring after the deadline is allowed and recorded late.
   */
  async declare(caller: Caller, community: { id: number; code: string; countyId: number }, period: string): Promise<DeclarationView> {
    return this.transactions.run(async (manager) => {
      await this.communities.lock(manager, community.id);
      const existing = await this.declarations.idOf(manager, community.id, period);
      if (existing !== undefined) return this.view(manager, await this.row(manager, existing, false), caller);
      const today = this.clock.today();
      assertPeriodEnded(period, today);
      const claims = await this.claims.ofCommunityPeriod(manager, community.id, period);
      const decision = decideDeclaration(
        period,
        claims.map((c) => ({ id: c.id, institutionCode: c.institution_code, state: c.state, row: c })),
      );
      const parameters = (await this.parameters.current(manager, { id: community.countyId, code: '' }, fundYearOf(period))).values;
      const terms = policyTerms(parameters);
      const cycle = await this.calendar.cycleDeadlines(period, parameters);
      // A claim's sample extrapolated to its unsampled records, when the county's policy applies it.
      for (const { row: c } of decision.declared) await this.samples.applyToClaim(manager, c, caller.name);
      // The one pass over the period's records: each declared claim's totals per care unit, kept
      // from now on (the review, approval and disbursement read them, not the records).
      const declaredIds = decision.declared.map((c) => c.id);
      const sums = sumUnitFigures(await this.unitTotals.keepClaimTotals(manager, declaredIds, 'DECLARED'));
      const adjusted = await this.records.adjustedOfClaims(manager, declaredIds);
      const id = await this.declarations.insert(manager, {
        communityId: community.id,
        countyId: community.countyId,
        fundYear: fundYearOf(period),
        period,
        deadline: cycle.declaration.deadline,
        deadlineConfirmed: cycle.declaration.calendarConfirmed,
        declaredOn: today,
        declaredBy: caller.name,
        late: deadlineStatus(cycle.declaration.deadline, today, today).late,
        records: sums.records,
        claimed: sums.claimed.toString(),
        rejected: sums.rejected.toString(),
        accepted: sums.accepted.toString(),
        // Nothing is deducted yet: approved is what was accepted, with the claims' adjustments.
        adjusted: adjusted.toString(),
        approved: claimApproved(sums.accepted, Money.ZERO, adjusted).toString(),
        paymentDue: cycle.bureauPayment.deadline,
        paymentDueConfirmed: cycle.bureauPayment.calendarConfirmed,
      });
      for (const c of decision.declared) {
        MEMBER_CLAIM_LIFECYCLE.apply(c.state, 'declare');
        await this.claims.markDeclared(manager, c.id, id, today);
      }
      // Records of claims nobody submitted move on to the next period, never lost (December's stay for year end).
      const target = decision.rollOverTo;
      const targetCutoff = memberCutoffDate(target, terms.memberCutoffDay);
      for (const { row: c } of decision.rolledOver) {
        MEMBER_CLAIM_LIFECYCLE.apply(c.state, 'rollOver');
        await this.claims.markRolledOver(manager, c.id);
        await this.claims.openClaims(manager, {
          claims: [
            { institutionId: c.institution_id, communityId: c.community_id, countyId: c.county_id, period: target, cutoff: targetCutoff },
          ],
        });
        await this.records.moveToPeriod(manager, c.institution_id, period, target);
      }
      const view = await this.view(manager, await this.row(manager, id, false), caller);
      await this.audit.record(manager, {
        action: 'declaration.declare',
        entityType: 'declaration',
        entityId: String(id),
        before: null,
        after: { ...declarationSnapshot(view), rolledOver: decision.rolledOver.map((c) => c.institutionCode) },
      });
      return view;
    });
  }

  /** The bureau deducts (拒付) accepted records with a reason, or withdraws a deduction, while reviewing. */
  async deduct(caller: Caller, id: number, deductions: Deduction[]): Promise<DeclarationView> {
    return this.transactions.run(async (manager) => {
      const row = await this.row(manager, id, true);
      assertDeclarationUnderReview({ id, state: row.state });
      const reviewStatus = await this.records.reviewStatusInDeclaration(manager, id, namedRecords(deductions));
      const outcomes = decideDeductions(id, deductions, reviewStatus);
      await this.records.saveDeductions(manager, outcomes);
      // The claims holding the deducted records keep their new totals in the same transaction.
      await this.unitTotals.keepClaimTotals(
        manager,
        await this.unitTotals.claimsOfRecords(
          manager,
          id,
          outcomes.map((o) => o.recordId),
        ),
        'DECLARED',
      );
      const before = await this.view(manager, row, caller);
      await this.refreshDeducted(manager, row);
      const after = await this.view(manager, await this.row(manager, id, false), caller);
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
    const view = await this.transactions.run(async (manager) => {
      const row = await this.row(manager, id, true);
      if (action === 'approve' && FUNDED_DECLARATION_STATES.includes(row.state)) return this.view(manager, row, caller);
      const next = DECLARATION_LIFECYCLE.apply(row.state, action);
      if (row.version !== version) throw staleVersion(row.version);
      const before = await this.view(manager, row, caller);
      const changes: Record<string, unknown> = { state: next };
      if (action === 'completeReview') Object.assign(changes, { reviewed_by: caller.name, return_note: null });
      if (action === 'return') Object.assign(changes, { return_note: returnNote(note), reviewed_by: null });
      if (action === 'approve') {
        assertMakerChecker(row.reviewed_by ?? '', caller.name);
        Object.assign(changes, await this.approve(manager, row, caller), { approved_by: caller.name, approved_at: new Date() });
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
      await this.declarations.update(manager, id, changes);
      const after = await this.view(manager, await this.row(manager, id, false), caller);
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
  private async approve(manager: EntityManager, row: DeclarationRow, caller: Caller): Promise<Record<string, string>> {
    await this.communities.lock(manager, row.community_id);
    await this.samples.applyToDeclaration(manager, row, caller.name);
    await this.carryNegativeNets(manager, row, caller);
    const approved = await this.refreshDeducted(manager, row);
    // The claims' per-unit totals are approved with the declaration.
    await this.unitTotals.approveDeclaration(manager, row.id);
    const terms = await this.parameters.terms(manager, { id: row.county_id, code: '' }, row.fund_year);
    const funding = fundApprovedClaims({
      approved,
      packageBalance: await this.ledger.balanceOf(manager, row.county_id, row.fund_year, communityPackageAccount(row.community_code)),
      advanceBalance: await this.ledger.balanceOf(manager, row.county_id, row.fund_year, CYCLE_ACCOUNTS.leadAdvance(row.community_code)),
      depositRate: terms.qualityDepositRate,
    });
    await this.ledger.post(
      manager,
      row.county_id,
      row.fund_year,
      declarationApprovalPostings({ id: row.id, communityCode: row.community_code, period: row.period }, funding),
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

  /** A declaration with what `reader` may do with it now (null: the system, offered no actions). */
  async getDeclaration(reader: Caller | null, id: number): Promise<DeclarationView> {
    const manager = this.declarations.manager;
    return this.view(manager, await this.row(manager, id, false), reader);
  }

  async listDeclarations(
    countyId: number,
    communityId: number | null,
    period?: string,
    state?: string | readonly string[],
    reader: Caller | null = null,
  ): Promise<DeclarationView[]> {
    return this.views(await this.declarations.list(countyId, communityId, period, state), reader);
  }

  /** Declarations the caller's scope sees: the county's, or its community's (none outside a community). */
  async listInScope(caller: Caller, q: PageWindow & { period?: string; state?: string }): Promise<Page<DeclarationView>> {
    const scope = caller.scope;
    const communityId = readsWholeCounties(scope) ? null : (scope.communityId ?? -1);
    const { rows, total } = await this.declarations.page(
      { countyId: scopeCountyIds(scope), communityId, period: q.period, state: q.state },
      q,
    );
    return pageOf(await this.views(rows, caller), total, q);
  }

  /**
   * Records the deductions' total, the claims' adjustments and what remains approved (accepted
   * less deducted, plus adjustments); funding is decided on approval.
   */
  private async refreshDeducted(manager: EntityManager, row: DeclarationRow): Promise<Money> {
    const { deducted, adjusted } = await this.records.totalsOfDeclaration(manager, row.id);
    const approved = claimApproved(Money.of(row.accepted), Money.of(deducted), Money.of(adjusted));
    await this.declarations.saveDeducted(manager, row.id, deducted, adjusted, approved.toString());
    return approved;
  }

  /**
   * A claim whose refunds exceed its settlements (net negative after deductions) is funded
   * nothing: its negative net is carried out of it (its approved amount becomes zero) into the
   * unit's next open claim, opened if need be, where it is offset against that month's
   * settlements. Both sides are adjustments with this declaration as their source (a retry adds
   * nothing), audited on the claim.
   */
  private async carryNegativeNets(manager: EntityManager, row: DeclarationRow, caller: Caller): Promise<void> {
    const members = await this.claims.membersOfDeclaration(manager, row.id);
    const carries = negativeNetCarries(
      members.map((m) => ({ claimId: m.claimId, code: m.institutionCode, approved: Money.of(m.totals.approved) })),
    );
    if (carries.length === 0) return;
    const claimRows = new Map<number, ClaimRow>((await this.claims.ofDeclaration(manager, row.id)).map((c) => [Number(c.id), c]));
    for (const carry of carries) {
      const claim = claimRows.get(carry.claimId)!;
      const target = carryTargetPeriod(row.period, await this.adjustments.laterClaims(manager, claim.institution_id, row.period));
      const terms = await this.parameters.terms(manager, { id: row.county_id, code: '' }, fundYearOf(target));
      await this.claims.openClaims(manager, {
        claims: [
          {
            institutionId: claim.institution_id,
            communityId: claim.community_id,
            countyId: claim.county_id,
            period: target,
            cutoff: memberCutoffDate(target, terms.memberCutoffDay),
          },
        ],
      });
      const source = `declaration.${row.id}`;
      const out = await this.adjustments.add(manager, {
        submitterId: claim.institution_id,
        claimPeriod: row.period,
        kind: 'CARRIED_OUT',
        amount: carry.amount,
        source,
        by: caller.name,
      });
      await this.adjustments.add(manager, {
        submitterId: claim.institution_id,
        claimPeriod: target,
        kind: 'CARRIED_IN',
        amount: carry.amount.negated(),
        source,
        fromPeriod: row.period,
        by: caller.name,
      });
      if (out)
        await this.audit.record(manager, {
          action: 'memberClaim.carryNegativeNet',
          entityType: 'memberClaim',
          entityId: String(carry.claimId),
          before: { approved: carry.amount.negated().toString() },
          after: { approved: '0.00', carriedOut: carry.amount.toString(), carriedInto: target, declarationId: row.id },
        });
    }
  }

  private async row(manager: EntityManager, id: number, lock: boolean): Promise<DeclarationRow> {
    const row = await this.declarations.find(manager, id, lock);
    if (!row) throw notFound('declaration', String(id));
    return row;
  }

  /** Views of many declarations, their members' totals read in one statement. */
  private async views(rows: DeclarationRow[], reader: Caller | null): Promise<DeclarationView[]> {
    const members = await this.claims.membersOfDeclarations(
      this.declarations.manager,
      rows.map((r) => Number(r.id)),
    );
    const today = this.clock.today();
    return rows.map((r) => declarationView(r, members.get(Number(r.id)) ?? [], today, reader));
  }

  private async view(manager: EntityManager, row: DeclarationRow, reader: Caller | null): Promise<DeclarationView> {
    return declarationView(row, await this.claims.membersOfDeclaration(manager, row.id), this.clock.today(), reader);
  }
}
