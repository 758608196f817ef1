import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, createHmac } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { HOLD_LIFECYCLE, HoldState, isPeriod, quarterlyAdvanceAmount } from '../../domain/claim-cycle';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import { communityPackageAccount, CYCLE_ACCOUNTS } from '../../domain/ledger';
import { Dec, Money } from '../../domain/money';
import { isValidDate, maskInsuredId } from '../../domain/settlement-record';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit/audit.service';
import { AllocationService } from '../fund-year/allocation.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { LedgerService } from '../ledger/ledger.service';

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

export interface OutOfCountyRecordInput {
  externalId: string;
  hospitalName: string;
  insuredId: string;
  settlementDate: string;
  totalCost: string;
  fundPaid: string;
  referralNo?: string | null;
}

const OUT_OF_COUNTY_FIELDS = ['externalId', 'hospitalName', 'insuredId', 'settlementDate', 'totalCost', 'fundPaid', 'referralNo'];

export interface OutOfCountyImportOutcome {
  importId: number | null;
  received: number;
  stored: number;
  duplicates: number;
  total: string;
  funded: string;
  unfunded: string;
}

type HoldRow = { id: number; community_code: string; state: HoldState; version: number; reason: string; placed_by: string; placed_at: Date; lifted_by: string | null; lifted_at: Date | null; lift_note: string | null };

/**
 * Money that moves for a community outside the monthly declaration: disbursement holds (SPEC
 * §9.2), the quarterly advance (按季度预拨) and out-of-county settlements (县外) that the bureau
 * pays directly and that count against the package M (SPEC §4 step 7).
 */
@Injectable()
export class CommunityFundingService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly ledger: LedgerService,
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly clock: BusinessClock,
  ) {}

  async community(code: string): Promise<CommunityRef> {
    const [row]: { id: number; code: string; county_id: number }[] = await this.dataSource.query('SELECT id, code, county_id FROM medical_community WHERE code = ?', [code]);
    if (!row) throw notFound('medical community', code);
    return { id: row.id, code: row.code, countyId: row.county_id };
  }

  // ------------------------------------------------------------ holds

  async placeHold(community: CommunityRef, caller: Caller, reason: string): Promise<HoldView> {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [community.id]);
      const [active]: { id: number }[] = await manager.query("SELECT id FROM disbursement_hold WHERE community_id = ? AND state = 'ACTIVE'", [community.id]);
      if (active) return this.hold(manager, active.id);
      const result = await manager.query("INSERT INTO disbursement_hold (community_id, state, reason, placed_by) VALUES (?, 'ACTIVE', ?, ?)", [community.id, reason, caller.name]);
      const view = await this.hold(manager, Number(result.insertId));
      await this.audit.record(manager, { action: 'hold.place', entityType: 'disbursementHold', entityId: String(view.id), before: null, after: view as unknown as Record<string, unknown> });
      return view;
    });
  }

  async liftHold(id: number, caller: Caller, version: number, note: string): Promise<HoldView> {
    return inTransaction(this.dataSource, async (manager) => {
      const before = await this.hold(manager, id, true);
      if (before.state === 'LIFTED' && before.liftNote === note) return before;
      HOLD_LIFECYCLE.apply(before.state, 'lift');
      if (before.version !== version) throw staleVersion(before.version);
      await manager.query("UPDATE disbursement_hold SET state = 'LIFTED', lifted_by = ?, lifted_at = CURRENT_TIMESTAMP(3), lift_note = ?, version = version + 1 WHERE id = ?", [caller.name, note, id]);
      const after = await this.hold(manager, id);
      await this.audit.record(manager, { action: 'hold.lift', entityType: 'disbursementHold', entityId: String(id), before: before as unknown as Record<string, unknown>, after: after as unknown as Record<string, unknown> });
      return after;
    });
  }

  async holds(communityId: number): Promise<HoldView[]> {
    const rows: { id: number }[] = await this.dataSource.query('SELECT id FROM disbursement_hold WHERE community_id = ? ORDER BY id DESC', [communityId]);
    return Promise.all(rows.map((r) => this.hold(this.dataSource.manager, r.id)));
  }

  getHold(id: number): Promise<HoldView> {
    return this.hold(this.dataSource.manager, id);
  }

  private async hold(manager: EntityManager, id: number, lock = false): Promise<HoldView> {
    const [r]: HoldRow[] = await manager.query(`SELECT h.*, m.code AS community_code FROM disbursement_hold h JOIN medical_community m ON m.id = h.community_id WHERE h.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
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
   */
  async advanceQuarter(caller: Caller, community: CommunityRef, fundYear: number, quarter: number, paidOn: string) {
    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [community.id]);
      const [existing] = await manager.query('SELECT id, amount, rate, DATE_FORMAT(paid_on, "%Y-%m-%d") AS paid_on FROM quarterly_advance WHERE community_id = ? AND fund_year = ? AND quarter = ?', [community.id, fundYear, quarter]);
      if (existing) return { id: Number(existing.id), communityCode: community.code, fundYear, quarter, rate: existing.rate, amount: Money.of(existing.amount).toString(), paidOn: existing.paid_on };
      const params = (await this.parameters.current(manager, { id: community.countyId, code: '' }, fundYear)).values;
      if (new Dec(params.quarterlyAdvanceRate).isZero()) {
        throw new DomainError('ADVANCE_MODE_OFF', 'conflict', `quarterly advance is off for ${fundYear} (quarterlyAdvanceRate is 0); the bureau turns it on in the policy parameters`, [{ field: 'fundYear', rule: 'advanceModeOn', message: String(fundYear) }]);
      }
      if (paidOn > this.clock.today() || Number(paidOn.slice(0, 4)) !== fundYear || Math.ceil(Number(paidOn.slice(5, 7)) / 3) !== quarter) {
        throw new DomainError('VALIDATION_FAILED', 'unprocessable', `the advance for Q${quarter} ${fundYear} is paid within that quarter and not in the future`, [{ field: 'paidOn', rule: 'inQuarter', message: paidOn }]);
      }
      const [hold] = await manager.query("SELECT id FROM disbursement_hold WHERE community_id = ? AND state = 'ACTIVE'", [community.id]);
      if (hold) throw new DomainError('DISBURSEMENT_HELD', 'conflict', `disbursements to ${community.code} are on hold (hold ${hold.id})`, [{ field: 'communityCode', rule: 'noActiveHold', message: `hold ${hold.id}` }]);
      const allocation = await this.allocations.inForce(manager, community.countyId, fundYear);
      const share = allocation?.communities.find((c) => c.communityCode === community.code);
      if (!share) throw new DomainError('NO_PACKAGE', 'unprocessable', `no approved package for ${community.code} in ${fundYear}`, [{ field: 'fundYear', rule: 'allocationApproved', message: String(fundYear) }]);
      const balance = await this.ledger.balanceOf(manager, community.countyId, fundYear, communityPackageAccount(community.code));
      const amount = quarterlyAdvanceAmount(Money.of(share.package), params.quarterlyAdvanceRate, balance);
      const result = await manager.query('INSERT INTO quarterly_advance (community_id, county_id, fund_year, quarter, rate, amount, paid_on, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        community.id,
        community.countyId,
        fundYear,
        quarter,
        params.quarterlyAdvanceRate,
        amount.toString(),
        paidOn,
        caller.name,
      ]);
      const id = Number(result.insertId);
      if (amount.isPositive()) {
        await this.ledger.post(manager, community.countyId, fundYear, [{ id: `advance.${community.code}.${fundYear}.Q${quarter}`, debit: communityPackageAccount(community.code), credit: CYCLE_ACCOUNTS.leadAdvance(community.code), amount, memo: `${fundYear} Q${quarter} 按季度预拨` }], {
          type: 'quarterlyAdvance',
          id: String(id),
        });
      }
      const view = { id, communityCode: community.code, fundYear, quarter, rate: params.quarterlyAdvanceRate, amount: amount.toString(), paidOn };
      await this.audit.record(manager, { action: 'quarterlyAdvance.pay', entityType: 'quarterlyAdvance', entityId: String(id), before: null, after: view });
      return view;
    });
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
    const checked: (OutOfCountyRecordInput & { row: number; hash: string })[] = [];
    const seen = new Set<string>();
    if (!isPeriod(period)) errors.push({ field: 'period', rule: 'period', message: 'period must be YYYY-MM' });
    records.forEach((raw, i) => {
      const row = i + 1;
      const bad = (field: string, rule: string, message: string) => errors.push({ row, field, rule, message });
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('', 'object', 'each record must be an object');
      const r = raw as Record<string, unknown>;
      const unknown = Object.keys(r).filter((k) => !OUT_OF_COUNTY_FIELDS.includes(k));
      if (unknown.length) return unknown.forEach((k) => bad(k, 'unknownField', `${k} is not an out-of-county settlement field`));
      const before = errors.length;
      for (const f of ['externalId', 'hospitalName', 'insuredId'] as const) {
        if (typeof r[f] !== 'string' || !(r[f] as string).trim() || (r[f] as string).length > (f === 'hospitalName' ? 200 : 64)) bad(f, 'required', `${f} must be a non-empty string`);
      }
      for (const f of ['totalCost', 'fundPaid'] as const) {
        if (typeof r[f] !== 'string' || !Money.isValid(r[f] as string) || Money.of(r[f] as string).isNegative()) bad(f, 'amount', `${f} must be a non-negative amount in yuan, as a string with at most two decimals`);
      }
      if (typeof r.settlementDate !== 'string' || !isValidDate(r.settlementDate)) bad('settlementDate', 'date', 'settlementDate must be a valid YYYY-MM-DD date');
      else if (r.settlementDate > today) bad('settlementDate', 'notFuture', `settlementDate ${r.settlementDate} is in the future`);
      else if (isPeriod(period) && r.settlementDate.slice(0, 7) !== period) bad('settlementDate', 'inPeriod', `settlementDate ${r.settlementDate} is not in ${period}`);
      if (r.referralNo !== undefined && r.referralNo !== null && typeof r.referralNo !== 'string') bad('referralNo', 'string', 'referralNo must be a string');
      if (errors.length > before) return;
      if (Money.of(r.fundPaid as string).gt(Money.of(r.totalCost as string))) return bad('fundPaid', 'notAboveTotal', 'fundPaid cannot exceed totalCost');
      const input = r as unknown as OutOfCountyRecordInput;
      if (seen.has(input.externalId)) return bad('externalId', 'uniqueInBatch', `externalId ${input.externalId} appears twice`);
      seen.add(input.externalId);
      const hash = createHash('sha256')
        .update([input.hospitalName, this.insuredHash(input.insuredId), input.settlementDate, Money.of(input.totalCost).toString(), Money.of(input.fundPaid).toString(), input.referralNo ?? ''].join('\u001f'))
        .digest('hex');
      checked.push({ ...input, row, hash });
    });
    if (records.length === 0) errors.push({ field: 'records', rule: 'notEmpty', message: 'records must be a non-empty array' });
    if (errors.length) throw new DomainError('BATCH_REJECTED', 'unprocessable', `${new Set(errors.map((e) => e.row)).size} problem row(s); nothing was imported`, errors);

    return inTransaction(this.dataSource, async (manager) => {
      await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [community.id]);
      const existing: { external_id: string; content_hash: string }[] = await manager.query(
        `SELECT external_id, content_hash FROM out_of_county_settlement WHERE community_id = ? AND external_id IN (${checked.map(() => '?').join(', ')})`,
        [community.id, ...checked.map((c) => c.externalId)],
      );
      const known = new Map(existing.map((e) => [e.external_id, e.content_hash]));
      const conflicts = checked.filter((c) => known.has(c.externalId) && known.get(c.externalId) !== c.hash);
      if (conflicts.length) {
        throw new DomainError('BATCH_REJECTED', 'unprocessable', `${conflicts.length} record(s) were imported before with other content; nothing was imported`, conflicts.map((c) => ({ row: c.row, field: 'externalId', rule: 'conflict', message: `externalId ${c.externalId} was imported with other content` })));
      }
      const fresh = checked.filter((c) => !known.has(c.externalId));
      const total = Money.sum(fresh.map((c) => Money.of(c.fundPaid)));
      if (fresh.length === 0) return { importId: null, received: records.length, stored: 0, duplicates: checked.length, total: '0.00', funded: '0.00', unfunded: '0.00' };
      const fundYear = Number(period.slice(0, 4));
      const balance = await this.ledger.balanceOf(manager, community.countyId, fundYear, communityPackageAccount(community.code));
      const funded = total.lt(balance) ? total : balance;
      const unfunded = total.minus(funded);
      const result = await manager.query('INSERT INTO out_of_county_import (community_id, county_id, period, record_count, total, funded, unfunded, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)', [
        community.id,
        community.countyId,
        period,
        fresh.length,
        total.toString(),
        funded.toString(),
        unfunded.toString(),
        caller.name,
      ]);
      const importId = Number(result.insertId);
      await manager.query(
        `INSERT INTO out_of_county_settlement (community_id, import_id, external_id, period, hospital_name, insured_hash, insured_masked, settlement_date, total_cost, fund_paid, referral_no, content_hash) VALUES ${fresh.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        fresh.flatMap((c) => [community.id, importId, c.externalId, period, c.hospitalName, this.insuredHash(c.insuredId), maskInsuredId(c.insuredId), c.settlementDate, Money.of(c.totalCost).toString(), Money.of(c.fundPaid).toString(), c.referralNo ?? null, c.hash]),
      );
      if (funded.isPositive()) {
        await this.ledger.post(manager, community.countyId, fundYear, [{ id: `out-of-county.${importId}`, debit: communityPackageAccount(community.code), credit: CYCLE_ACCOUNTS.outOfCounty(community.code), amount: funded, memo: `${period} 县外异地结算` }], {
          type: 'outOfCountyImport',
          id: String(importId),
        });
      }
      const outcome = { importId, received: records.length, stored: fresh.length, duplicates: checked.length - fresh.length, total: total.toString(), funded: funded.toString(), unfunded: unfunded.toString() };
      await this.audit.record(manager, { action: 'outOfCounty.import', entityType: 'outOfCountyImport', entityId: String(importId), before: null, after: { ...outcome, period, communityCode: community.code } });
      return outcome;
    });
  }

  private insuredHash(insuredId: string): string {
    return createHmac('sha256', this.config.insuredIdHashKey).update(insuredId).digest('hex');
  }
}
