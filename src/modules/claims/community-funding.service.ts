import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { HOLD_LIFECYCLE, HoldState, quarterlyAdvanceAmount } from '../../domain/claim-cycle';
import { holdActions } from '../../domain/document-actions';
import { outOfCountyPostings, quarterlyAdvancePostings } from '../../domain/claim-postings';
import { assertAdvanceDue, fundOutOfCounty, requirePackage } from '../../domain/community-funding';
import { assertNotHeld } from '../../domain/declaration';
import { communityPackageAccount } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { policyTerms } from '../../domain/policy-parameters';
import { assertHoldsVisible } from '../../domain/read-visibility';
import { checkOutOfCountyBatch, newOutOfCountySettlements } from '../../domain/out-of-county';
import { maskInsuredId } from '../../domain/settlement-record';
import { BusinessClock } from '../../common/business-clock';
import { contentHash, InsuredIdHasher } from '../../common/record-hashing';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { AuditService } from '../audit';
import { AllocationService, packageOf } from '../fund-year';
import { PolicyParametersService } from '../fund-year';
import { LedgerService } from '../ledger';
import { CountyService } from '../registry';
import { CommunityLockRepository } from './community-lock.repository';
import { DisbursementHoldRepository } from './disbursement-hold.repository';
import { OutOfCountyRepository } from './out-of-county.repository';
import { QuarterlyAdvanceRepository } from './quarterly-advance.repository';
import { Transactions } from './transactions';

export interface CommunityRef {
  id: number;
  code: string;
  countyId: number;
}

export interface HoldView {
  id: number;
  communityCode: string;
  state: HoldState;
  version: number;
  reason: string;
  placedBy: string;
  placedAt: string;
  liftedBy: string | null;
  liftedAt: string | null;
  liftNote: string | null;
  /** What the caller may do now (docs/document-actions.md). */
  allowedActions: 'lift'[];
}

/** A hold as the audit trail keeps it (what anyone may do with it is no part of it). */
function holdSnapshot(v: HoldView): Record<string, unknown> {
  const { allowedActions: _actions, ...rest } = v;
  return rest;
}

export interface OutOfCountyImportOutcome {
  importId: number | null;
  received: number;
  stored: number;
  duplicates: number;
  total: string;
  funded: string;
  unfunded: string;
}

/**
 * Money that moves for a community outside the monthly declaration: disbursement holds (SPEC
 * §9.2), the quarterly advance (按季度预拨) and out-of-county settlements (县外) that the bureau
 * pays directly and that count against the package M (SPEC §4 step 7).
 */
@Injectable()
export class CommunityFundingService {
  constructor(
    private readonly transactions: Transactions,
    private readonly communities: CommunityLockRepository,
    private readonly holdRows: DisbursementHoldRepository,
    private readonly advances: QuarterlyAdvanceRepository,
    private readonly outOfCounty: OutOfCountyRepository,
    private readonly insuredIds: InsuredIdHasher,
    private readonly counties: CountyService,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly clock: BusinessClock,
  ) {}

  /** The community a route names, as the claim cycle refers to it. */
  async community(code: string): Promise<CommunityRef> {
    const community = await this.counties.getCommunity(code);
    return { id: community.id, code: community.code, countyId: community.countyId };
  }

  // ------------------------------------------------------------ holds

  async placeHold(community: CommunityRef, caller: Caller, reason: string): Promise<HoldView> {
    return this.transactions.run(async (manager) => (await this.placeHoldIn(manager, community, caller.name, reason, caller)).hold);
  }

  /**
   * Places a hold inside the caller's transaction (a governance chain's watch, say): the hold in
   * force if there is one (`created: false`), else a new one, audited. `reader` is who sees the
   * answer (null for the system: no actions offered).
   */
  async placeHoldIn(
    manager: EntityManager,
    community: { id: number; code: string },
    placedBy: string,
    reason: string,
    reader: Caller | null = null,
  ): Promise<{ hold: HoldView; created: boolean }> {
    await this.communities.lock(manager, community.id);
    const active = await this.holdRows.active(manager, community.id);
    if (active) return { hold: await this.hold(manager, active.id, reader), created: false };
    const view = await this.hold(manager, await this.holdRows.insert(manager, community.id, reason, placedBy), reader);
    await this.audit.record(manager, {
      action: 'hold.place',
      entityType: 'disbursementHold',
      entityId: String(view.id),
      before: null,
      after: holdSnapshot(view),
    });
    return { hold: view, created: true };
  }

  async liftHold(id: number, caller: Caller, version: number, note: string): Promise<HoldView> {
    return this.transactions.run((manager) => this.liftHoldIn(manager, id, caller.name, note, version, caller));
  }

  /** Lifts a hold inside the caller's transaction; lifting a lifted hold with the same note is a retry. */
  async liftHoldIn(
    manager: EntityManager,
    id: number,
    liftedBy: string,
    note: string,
    version?: number,
    reader: Caller | null = null,
  ): Promise<HoldView> {
    const before = await this.hold(manager, id, reader, true);
    if (before.state === 'LIFTED' && before.liftNote === note) return before;
    HOLD_LIFECYCLE.apply(before.state, 'lift');
    if (version !== undefined && before.version !== version) throw staleVersion(before.version);
    await this.holdRows.lift(manager, id, liftedBy, note);
    const after = await this.hold(manager, id, reader);
    await this.audit.record(manager, {
      action: 'hold.lift',
      entityType: 'disbursementHold',
      entityId: String(id),
      before: holdSnapshot(before),
      after: holdSnapshot(after),
    });
    return after;
  }

  /** Refuses money going to a community under an active hold (暂缓拨付). */
  async assertNotHeld(manager: EntityManager, community: { id: number; code: string }): Promise<void> {
    assertNotHeld(community.code, await this.holdRows.active(manager, community.id));
  }

  /** A community's holds, newest first (optionally in one state), to those who may read them. */
  async holds(caller: Caller, community: CommunityRef, q: PageWindow & { state?: HoldState }): Promise<Page<HoldView>> {
    assertHoldsVisible(caller.scope, community.code);
    const { ids, total } = await this.holdRows.idsOf(community.id, q.state, q);
    return pageOf(await Promise.all(ids.map((id) => this.hold(this.holdRows.manager, id, caller))), total, q);
  }

  getHold(reader: Caller, id: number): Promise<HoldView> {
    return this.hold(this.holdRows.manager, id, reader);
  }

  private async hold(manager: EntityManager, id: number, reader: Caller | null, lock = false): Promise<HoldView> {
    const r = await this.holdRows.find(manager, id, lock);
    if (!r) throw notFound('disbursement hold', String(id));
    return {
      id: Number(r.id),
      communityCode: r.community_code,
      state: r.state,
      version: r.version,
      reason: r.reason,
      placedBy: r.placed_by,
      placedAt: r.placed_at.toISOString(),
      liftedBy: r.lifted_by,
      liftedAt: r.lifted_at?.toISOString() ?? null,
      liftNote: r.lift_note,
      allowedActions: reader
        ? holdActions(reader, { state: r.state, countyId: Number(r.county_id), communityId: Number(r.community_id) })
        : [],
    };
  }

  // ------------------------------------------------------------ quarterly advance

  /**
   * Advances a configured share of M/4 to the lead unit at a quarter's start, in the quarterly
   * mode only; once per quarter (a repeat answers the recorded advance). Held communities get none.
   * `recordedBy`: the person, or the schedule, that records the advance.
   */
  async advanceQuarter(recordedBy: Pick<Caller, 'name'>, community: CommunityRef, fundYear: number, quarter: number, paidOn: string) {
    return this.transactions.run((manager) => this.advanceQuarterWithin(manager, recordedBy, community, fundYear, quarter, paidOn));
  }

  /** The same, inside the caller's transaction (the quarterly-advance cycle, with its result). */
  async advanceQuarterWithin(
    manager: EntityManager,
    recordedBy: Pick<Caller, 'name'>,
    community: CommunityRef,
    fundYear: number,
    quarter: number,
    paidOn: string,
  ) {
    await this.communities.lock(manager, community.id);
    const existing = await this.advances.find(manager, community.id, fundYear, quarter);
    if (existing)
      return {
        id: Number(existing.id),
        communityCode: community.code,
        fundYear,
        quarter,
        rate: existing.rate,
        amount: Money.of(existing.amount).toString(),
        paidOn: existing.paid_on,
      };
    const parameters = (await this.parameters.current(manager, { id: community.countyId, code: '' }, fundYear)).values;
    const terms = policyTerms(parameters);
    assertAdvanceDue({ fundYear, quarter, paidOn, rate: terms.quarterlyAdvanceRate }, this.clock.today());
    await this.assertNotHeld(manager, community);
    const allocation = await this.allocations.inForce(manager, community.countyId, fundYear);
    const communityPackage = requirePackage(packageOf(allocation, community.code), community.code, fundYear);
    const balance = await this.ledger.balanceOf(manager, community.countyId, fundYear, communityPackageAccount(community.code));
    const amount = quarterlyAdvanceAmount(communityPackage, terms.quarterlyAdvanceRate, balance);
    // Recorded as the bureau wrote it.
    const rate = parameters.quarterlyAdvanceRate;
    const id = await this.advances.insert(manager, {
      communityId: community.id,
      countyId: community.countyId,
      fundYear,
      quarter,
      rate,
      amount: amount.toString(),
      paidOn,
      recordedBy: recordedBy.name,
    });
    await this.ledger.post(manager, community.countyId, fundYear, quarterlyAdvancePostings(community.code, fundYear, quarter, amount), {
      type: 'quarterlyAdvance',
      id: String(id),
    });
    const view = { id, communityCode: community.code, fundYear, quarter, rate, amount: amount.toString(), paidOn };
    await this.audit.record(manager, {
      action: 'quarterlyAdvance.pay',
      entityType: 'quarterlyAdvance',
      entityId: String(id),
      before: null,
      after: view,
    });
    return view;
  }

  // ------------------------------------------------------------ out-of-county settlements

  /**
   * Imports a month of out-of-county settlements (县外异地就医) the bureau paid directly. They
   * count against M: posted from the package up to what is left of it; the rest is recorded as
   * unfunded. Re-imported records (same externalId, same content) change nothing.
   */
  async importOutOfCounty(caller: Caller, community: CommunityRef, period: string, records: unknown[]): Promise<OutOfCountyImportOutcome> {
    const checked = checkOutOfCountyBatch(period, records, this.clock.today(), (r) =>
      contentHash([
        r.hospitalName,
        this.insuredIds.hash(r.insuredId),
        r.settlementDate,
        r.totalCost.toString(),
        r.fundPaid.toString(),
        r.referralNo,
        // Only when given, so that records imported before admission dates existed hash as they did.
        ...(r.admissionDate === null ? [] : [r.admissionDate]),
      ]),
    );
    return this.transactions.run(async (manager) => {
      await this.communities.lock(manager, community.id);
      const known = await this.outOfCounty.storedHashes(
        manager,
        community.id,
        checked.map((c) => c.externalId),
      );
      const fresh = newOutOfCountySettlements(checked, known);
      if (fresh.length === 0)
        return {
          importId: null,
          received: records.length,
          stored: 0,
          duplicates: checked.length,
          total: '0.00',
          funded: '0.00',
          unfunded: '0.00',
        };
      const fundYear = Number(period.slice(0, 4));
      const balance = await this.ledger.balanceOf(manager, community.countyId, fundYear, communityPackageAccount(community.code));
      const { total, funded, unfunded } = fundOutOfCounty(fresh, balance);
      const importId = await this.outOfCounty.insertImport(manager, {
        communityId: community.id,
        countyId: community.countyId,
        period,
        records: fresh.length,
        total: total.toString(),
        funded: funded.toString(),
        unfunded: unfunded.toString(),
        importedBy: caller.name,
      });
      await this.outOfCounty.insertSettlements(
        manager,
        community.id,
        importId,
        period,
        fresh.map((c) => ({
          externalId: c.externalId,
          hospitalName: c.hospitalName,
          insuredHash: this.insuredIds.hash(c.insuredId),
          insuredMasked: maskInsuredId(c.insuredId),
          settlementDate: c.settlementDate,
          admissionDate: c.admissionDate,
          totalCost: c.totalCost.toString(),
          fundPaid: c.fundPaid.toString(),
          referralNo: c.referralNo,
          contentHash: c.hash,
        })),
      );
      await this.ledger.post(manager, community.countyId, fundYear, outOfCountyPostings(importId, community.code, period, funded), {
        type: 'outOfCountyImport',
        id: String(importId),
      });
      const outcome = {
        importId,
        received: records.length,
        stored: fresh.length,
        duplicates: checked.length - fresh.length,
        total: total.toString(),
        funded: funded.toString(),
        unfunded: unfunded.toString(),
      };
      await this.audit.record(manager, {
        action: 'outOfCounty.import',
        entityType: 'outOfCountyImport',
        entityId: String(importId),
        before: null,
        after: { ...outcome, period, communityCode: community.code },
      });
      return outcome;
    });
  }
}
