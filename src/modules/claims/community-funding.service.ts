import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { fundYearOf, HOLD_LIFECYCLE, HoldState, isPeriod, periodOf, quarterlyAdvanceAmount, quarterOf } from '../../domain/claim-cycle';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import { communityPackageAccount, CYCLE_ACCOUNTS } from '../../domain/ledger';
import { Dec, Money } from '../../domain/money';
import { checkOutOfCountySettlement, OutOfCountySettlement } from '../../domain/out-of-county';
import { maskInsuredId } from '../../domain/settlement-record';
import { BusinessClock } from '../../common/business-clock';
import { contentHash, InsuredIdHasher } from '../../common/record-hashing';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit/audit.service';
import { AllocationService, packageOf } from '../fund-year/allocation.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { LedgerService } from '../ledger/ledger.service';
import { CountyService } from '../registry/county.service';

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

type HoldRow = {
  id: number;
  community_code: string;
  state: HoldState;
  version: number;
  reason: string;
  placed_by: string;
  placed_at: Date;
  lifted_by: string | null;
  lifted_at: Date | null;
  lift_note: string | null;
};

/**
 * Money that moves for a community outside the monthly declaration: disbursement holds (SPEC
 * §9.2), the quarterly advance (按季度预拨) and out-of-county settlements (县外) that the bureau
 * pays directly and that count against the package M (SPEC §4 step 7).
 */
@Injectable()
export class CommunityFundingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
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
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [community.id]);
      const [active]: { id: number }[] = await manager.query(
        "SELECT id FROM disbursement_hold WHERE community_id = ? AND state = 'ACTIVE'",
        [community.id],
      );
      if (active) return this.hold(manager, active.id);
      const result = await manager.query(
        "INSERT INTO disbursement_hold (community_id, state, reason, placed_by) VALUES (?, 'ACTIVE', ?, ?)",
        [community.id, reason, caller.name],
      );
      const view = await this.hold(manager, Number(result.insertId));
      await this.audit.record(manager, {
        action: 'hold.place',
        entityType: 'disbursementHold',
        entityId: String(view.id),
        before: null,
        after: view as unknown as Record<string, unknown>,
      });
      return view;
    });
  }

  async liftHold(id: number, caller: Caller, version: number, note: string): Promise<HoldView> {
    return inTransaction(this.dataSource, async (manager) => {
      const before = await this.hold(manager, id, true);
      if (before.state === 'LIFTED' && before.liftNote === note) return before;
      HOLD_LIFECYCLE.apply(before.state, 'lift');
      if (before.version !== version) throw staleVersion(before.version);
      await manager.query(
        "UPDATE disbursement_hold SET state = 'LIFTED', lifted_by = ?, lifted_at = CURRENT_TIMESTAMP(3), lift_note = ?, version = version + 1 WHERE id = ?",
        [caller.name, note, id],
      );
      const after = await this.hold(manager, id);
      await this.audit.record(manager, {
        action: 'hold.lift',
        entityType: 'disbursementHold',
        entityId: String(id),
        before: before as unknown as Record<string, unknown>,
        after: after as unknown as Record<string, unknown>,
      });
      return after;
    });
  }

  /** Refuses money going to a community under an active hold (暂缓拨付). */
  async assertNotHeld(manager: EntityManager, community: { id: number; code: string }): Promise<void> {
    const [hold]: { id: number; reason: string }[] = await manager.query(
      "SELECT id, reason FROM disbursement_hold WHERE community_id = ? AND state = 'ACTIVE' LIMIT 1",
      [community.id],
    );
    if (hold)
      throw new DomainError(
        'DISBURSEMENT_HELD',
        'conflict',
        `disbursements to ${community.code} are on hold (hold ${hold.id}: ${hold.reason}) until the hold is lifted`,
        [{ field: 'communityCode', rule: 'noActiveHold', message: `hold ${hold.id}` }],
      );
  }

  async holds(communityId: number): Promise<HoldView[]> {
    const rows: { id: number }[] = await this.dataSource.query('SELECT id FROM disbursement_hold WHERE community_id = ? ORDER BY id DESC', [
      communityId,
    ]);
    return Promise.all(rows.map((r) => this.hold(this.dataSource.manager, r.id)));
  }

  getHold(id: number): Promise<HoldView> {
    return this.hold(this.dataSource.manager, id);
  }

  private async hold(manager: EntityManager, id: number, lock = false): Promise<HoldView> {
    const [r]: HoldRow[] = await manager.query(
      `SELECT h.*, m.code AS community_code FROM disbursement_hold h JOIN medical_community m ON m.id = h.community_id WHERE h.id = ?${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
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
    };
  }

  // ------------------------------------------------------------ quarterly advance

  /**
   * Advances a configured share of M/4 to the lead unit at a quarter's start, in the quarterly
   * mode only; once per quarter (a repeat answers the recorded advance). Held communities get none.
   * `recordedBy`: the person, or the schedule, that records the advance.
   */
  async advanceQuarter(recordedBy: Pick<Caller, 'name'>, community: CommunityRef, fundYear: number, quarter: number, paidOn: string) {
    return inTransaction(this.dataSource, (manager) =>
      this.advanceQuarterWithin(manager, recordedBy, community, fundYear, quarter, paidOn),
    );
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
    await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [community.id]);
    const [existing] = await manager.query(
      'SELECT id, amount, rate, DATE_FORMAT(paid_on, "%Y-%m-%d") AS paid_on FROM quarterly_advance WHERE community_id = ? AND fund_year = ? AND quarter = ?',
      [community.id, fundYear, quarter],
    );
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
    const params = (await this.parameters.current(manager, { id: community.countyId, code: '' }, fundYear)).values;
    if (new Dec(params.quarterlyAdvanceRate).isZero()) {
      throw new DomainError(
        'ADVANCE_MODE_OFF',
        'conflict',
        `quarterly advance is off for ${fundYear} (quarterlyAdvanceRate is 0); the bureau turns it on in the policy parameters`,
        [{ field: 'fundYear', rule: 'advanceModeOn', message: String(fundYear) }],
      );
    }
    if (paidOn > this.clock.today() || fundYearOf(periodOf(paidOn)) !== fundYear || quarterOf(periodOf(paidOn)) !== quarter) {
      throw new DomainError(
        'VALIDATION_FAILED',
        'unprocessable',
        `the advance for Q${quarter} ${fundYear} is paid within that quarter and not in the future`,
        [{ field: 'paidOn', rule: 'inQuarter', message: paidOn }],
      );
    }
    await this.assertNotHeld(manager, community);
    const allocation = await this.allocations.inForce(manager, community.countyId, fundYear);
    const communityPackage = packageOf(allocation, community.code);
    if (!communityPackage)
      throw new DomainError('NO_PACKAGE', 'unprocessable', `no approved package for ${community.code} in ${fundYear}`, [
        { field: 'fundYear', rule: 'allocationApproved', message: String(fundYear) },
      ]);
    const balance = await this.ledger.balanceOf(manager, community.countyId, fundYear, communityPackageAccount(community.code));
    const amount = quarterlyAdvanceAmount(communityPackage, params.quarterlyAdvanceRate, balance);
    const result = await manager.query(
      'INSERT INTO quarterly_advance (community_id, county_id, fund_year, quarter, rate, amount, paid_on, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [community.id, community.countyId, fundYear, quarter, params.quarterlyAdvanceRate, amount.toString(), paidOn, recordedBy.name],
    );
    const id = Number(result.insertId);
    if (amount.isPositive()) {
      await this.ledger.post(
        manager,
        community.countyId,
        fundYear,
        [
          {
            id: `advance.${community.code}.${fundYear}.Q${quarter}`,
            debit: communityPackageAccount(community.code),
            credit: CYCLE_ACCOUNTS.leadAdvance(community.code),
            amount,
            memo: `${fundYear} Q${quarter} 按季度预拨`,
          },
        ],
        {
          type: 'quarterlyAdvance',
          id: String(id),
        },
      );
    }
    const view = {
      id,
      communityCode: community.code,
      fundYear,
      quarter,
      rate: params.quarterlyAdvanceRate,
      amount: amount.toString(),
      paidOn,
    };
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
    const today = this.clock.today();
    const errors: ErrorDetail[] = [];
    const checked: (OutOfCountySettlement & { row: number; hash: string })[] = [];
    const seen = new Set<string>();
    if (!isPeriod(period)) errors.push({ field: 'period', rule: 'period', message: 'period must be YYYY-MM' });
    records.forEach((raw, i) => {
      const row = i + 1;
      const result = checkOutOfCountySettlement(raw, { today, period: isPeriod(period) ? period : null });
      if ('errors' in result) return errors.push(...result.errors.map((e) => ({ ...e, row })));
      const r = result.record;
      if (seen.has(r.externalId))
        return errors.push({ row, field: 'externalId', rule: 'uniqueInBatch', message: `externalId ${r.externalId} appears twice` });
      seen.add(r.externalId);
      const hash = contentHash([
        r.hospitalName,
        this.insuredIds.hash(r.insuredId),
        r.settlementDate,
        r.totalCost.toString(),
        r.fundPaid.toString(),
        r.referralNo,
      ]);
      checked.push({ ...r, row, hash });
    });
    if (records.length === 0) errors.push({ field: 'records', rule: 'notEmpty', message: 'records must be a non-empty array' });
    if (errors.length)
      throw new DomainError(
        'BATCH_REJECTED',
        'unprocessable',
        `${new Set(errors.map((e) => e.row)).size} problem row(s); nothing was imported`,
        errors,
      );

    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [community.id]);
      const existing: { external_id: string; content_hash: string }[] = await manager.query(
        `SELECT external_id, content_hash FROM out_of_county_settlement WHERE community_id = ? AND external_id IN (${checked.map(() => '?').join(', ')})`,
        [community.id, ...checked.map((c) => c.externalId)],
      );
      const known = new Map(existing.map((e) => [e.external_id, e.content_hash]));
      const conflicts = checked.filter((c) => known.has(c.externalId) && known.get(c.externalId) !== c.hash);
      if (conflicts.length) {
        throw new DomainError(
          'BATCH_REJECTED',
          'unprocessable',
          `${conflicts.length} record(s) were imported before with other content; nothing was imported`,
          conflicts.map((c) => ({
            row: c.row,
            field: 'externalId',
            rule: 'conflict',
            message: `externalId ${c.externalId} was imported with other content`,
          })),
        );
      }
      const fresh = checked.filter((c) => !known.has(c.externalId));
      const total = Money.sum(fresh.map((c) => c.fundPaid));
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
      const funded = total.lt(balance) ? total : balance;
      const unfunded = total.minus(funded);
      const result = await manager.query(
        'INSERT INTO out_of_county_import (community_id, county_id, period, record_count, total, funded, unfunded, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
        [community.id, community.countyId, period, fresh.length, total.toString(), funded.toString(), unfunded.toString(), caller.name],
      );
      const importId = Number(result.insertId);
      await manager.query(
        `INSERT INTO out_of_county_settlement (community_id, import_id, external_id, period, hospital_name, insured_hash, insured_masked, settlement_date, total_cost, fund_paid, referral_no, content_hash) VALUES ${fresh.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        fresh.flatMap((c) => [
          community.id,
          importId,
          c.externalId,
          period,
          c.hospitalName,
          this.insuredIds.hash(c.insuredId),
          maskInsuredId(c.insuredId),
          c.settlementDate,
          c.totalCost.toString(),
          c.fundPaid.toString(),
          c.referralNo,
          c.hash,
        ]),
      );
      if (funded.isPositive()) {
        await this.ledger.post(
          manager,
          community.countyId,
          fundYear,
          [
            {
              id: `out-of-county.${importId}`,
              debit: communityPackageAccount(community.code),
              credit: CYCLE_ACCOUNTS.outOfCounty(community.code),
              amount: funded,
              memo: `${period} 县外异地结算`,
            },
          ],
          {
            type: 'outOfCountyImport',
            id: String(importId),
          },
        );
      }
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
