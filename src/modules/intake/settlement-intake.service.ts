import { Injectable } from '@nestjs/common';
import { actingCountyId } from '../../domain/access-policy';
import { EntityManager } from 'typeorm';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import {
  AMOUNT_FIELDS,
  checkSettlementRecord,
  maskInsuredId,
  SETTLEMENT_RECORD_FIELDS,
  SettlementRecord,
  SettlementRecordInput,
  settlementPeriod,
} from '../../domain/settlement-record';
import { claimPeriodFor, ClaimPeriodAssignment } from '../../domain/claim-cycle';
import {
  assertBatchAccepted,
  assertClaimingUnit,
  claimPeriodLandings,
  ClaimPeriodLanding,
  concurrentIntake,
  confirmClaimPeriods,
} from '../../domain/settlement-intake';
import { memberCutoffDate } from '../../domain/working-days';
import { BusinessClock } from '../../common/business-clock';
import { contentHash, InsuredIdHasher } from '../../common/record-hashing';
import { Caller } from '../../common/caller';
import { currentContext } from '../../common/request-context';
import { isDuplicateKey } from '../../common/record-errors';
import { AuditService } from '../audit';
import { PolicyParametersService } from '../fund-year';
import { CommunityLockRepository } from '../claims';
import { DeclarationRepository } from '../claims';
import { MemberClaimRepository } from '../claims';
import { RowsNotLoaded, SettlementRecordRepository } from '../claims';
import { Transactions } from '../claims';
import { OutboxService } from '../../queue/outbox.service';
import { IntakeBatchRepository } from './intake-batch.repository';
import { NationalIntakeRepository } from './national-intake.repository';
import { mapNationalRow, NationalField, ReportedRow } from '../../domain/national-settlement';
import { addAmounts, decideRefund, OriginalSettlement, zeroAmounts } from '../../domain/settlement-refund';

/** A claim the batch's records landed in (SPEC §4 step 1), with the earlier months rolled into it. */
export interface ClaimLanding extends ClaimPeriodLanding {
  claimId: number;
  institutionCode: string;
}

export interface IntakeOutcome {
  batchId: string | null;
  received: number;
  stored: number;
  /** Records already stored with identical content: re-sending them changes nothing. */
  duplicates: number;
  rejected: number;
  errors: ErrorDetail[];
  /** Where the stored records went: the claim of each claim period, so the clerk knows their month. */
  claims: ClaimLanding[];
  /** Rows of the national extract not stored because they do not count here (other insurance, other units), with the reason. */
  reported: ReportedRow[];
  /** Refunds whose original has not arrived: held until it does or a reviewer drops them. */
  orphans: number;
}

const fenText = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;
/** Fen as yuan text, negative for a refund's amounts. */
const signedText = (fen: bigint) => (fen < 0n ? `-${fenText(-fen)}` : fenText(fen));

/** A checked record; its hashes are computed when first needed (mostly while it streams to the database). */
type StoredRecord = { record: SettlementRecord; insuredHash?: string; contentHash?: string; landsLike?: string };

/** The month whose claim period a record goes into: its settlement month, or for a refund its original's claim period. */
const monthOf = (v: StoredRecord): string => v.landsLike ?? settlementPeriod(v.record);

/**
 * Settlement-record intake (SPEC §4): checks every record, recognises re-sent ones by their
 * `externalId` (identical → duplicate, changed → conflict), and stores a batch in one
 * transaction with multi-row inserts. Insured ids are kept only as a keyed hash and a mask.
 */
@Injectable()
export class SettlementIntakeService {
  constructor(
    private readonly transactions: Transactions,
    private readonly batches: IntakeBatchRepository,
    private readonly records: SettlementRecordRepository,
    private readonly claims: MemberClaimRepository,
    private readonly declarations: DeclarationRepository,
    private readonly communities: CommunityLockRepository,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
    private readonly parameters: PolicyParametersService,
    private readonly insuredIds: InsuredIdHasher,
    private readonly national: NationalIntakeRepository,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Rows of the national settlement extract (docs/national-format.md): each is mapped to our
   * record with the code tables and the county units' national codes; rows that do not count
   * here are reported, not stored; the rest is taken like any batch.
   */
  async ingestNational(
    caller: Caller,
    rows: readonly Partial<Record<NationalField, string>>[],
    source: 'json' | 'csv' | 'xlsx',
    onError: 'reject' | 'skip',
    rowOf: (i: number) => number = (i) => i + 1,
  ): Promise<IntakeOutcome> {
    assertClaimingUnit(caller.institution);
    const ctx = {
      codes: await this.national.codes(),
      unitOfNationalCode: await this.national.unitsByNationalCode(actingCountyId(caller.scope)),
    };
    const reported: ReportedRow[] = [];
    const errors: ErrorDetail[] = [];
    const inputs: SettlementRecordInput[] = [];
    const rowsOfInputs: number[] = [];
    rows.forEach((r, i) => {
      const m = mapNationalRow(r, ctx);
      if ('reported' in m) reported.push({ row: rowOf(i), ...m.reported });
      else if ('errors' in m) errors.push(...m.errors.map((e) => ({ ...e, row: rowOf(i) })));
      else {
        inputs.push(m.record);
        rowsOfInputs.push(rowOf(i));
      }
    });
    if (inputs.length === 0) {
      assertBatchAccepted(errors, rows.length, onError);
      return {
        batchId: null,
        received: rows.length,
        stored: 0,
        duplicates: 0,
        rejected: new Set(errors.map((e) => e.row)).size,
        errors,
        claims: [],
        reported,
        orphans: 0,
      };
    }
    const outcome = await this.ingest(caller, inputs, source, onError, (i) => rowsOfInputs[i], errors);
    return { ...outcome, received: rows.length, reported };
  }

  /** `rowOf(i)`: the row number reported for record i (1-based array index, or the file line). */
  async ingest(
    caller: Caller,
    inputs: readonly SettlementRecordInput[],
    source: 'json' | 'csv' | 'xlsx',
    onError: 'reject' | 'skip',
    rowOf: (i: number) => number = (i) => i + 1,
    extraErrors: ErrorDetail[] = [],
  ): Promise<IntakeOutcome> {
    assertClaimingUnit(caller.institution);
    const units = await this.unitsOf(caller);
    const today = this.clock.today();
    const errors: ErrorDetail[] = [...extraErrors];
    const valid: (StoredRecord & { row: number })[] = [];
    const seen = new Map<string, StoredRecord & { row: number }>();
    let duplicates = 0;
    inputs.forEach((input, i) => {
      const row = rowOf(i);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        errors.push({ row, field: '', rule: 'object', message: 'each record must be an object' });
        return;
      }
      const unknown = Object.keys(input).filter((k) => !(SETTLEMENT_RECORD_FIELDS as readonly string[]).includes(k));
      if (unknown.length) {
        errors.push(
          ...unknown.map((field) => ({ row, field, rule: 'unknownField', message: `${field} is not a settlement record field` })),
        );
        return;
      }
      const checked = checkSettlementRecord(input, { allowedUnits: units.allowed, today });
      if ('errors' in checked) {
        errors.push(...checked.errors.map((e) => ({ ...e, row })));
        return;
      }
      const current: StoredRecord & { row: number } = { row, record: checked.record };
      const earlier = seen.get(checked.record.externalId);
      if (earlier) {
        if (this.hashed(earlier).contentHash === this.hashed(current).contentHash) duplicates++;
        else
          errors.push({
            row,
            field: 'externalId',
            rule: 'uniqueInBatch',
            message: `externalId ${checked.record.externalId} already appears with other content on row ${earlier.row}`,
          });
        return;
      }
      seen.set(checked.record.externalId, current);
      valid.push(current);
    });

    const orphans = await this.judgeRefunds(caller, valid, errors);

    // Each record goes into the claim period its settlement month rolls to (SPEC §4 step 1).
    const { assignments: periods } = await this.claimPeriods(this.claims.manager, caller, valid.map(monthOf), today, false);
    for (let i = valid.length - 1; i >= 0; i--) {
      const assigned = periods.get(monthOf(valid[i]))!;
      if ('closed' in assigned) {
        errors.push({ row: valid[i].row, field: 'settlementDate', rule: 'periodClosed', message: assigned.message });
        valid.splice(i, 1);
      }
    }

    // Most batches are new records: try storing them directly, and look up earlier records
    // only when the database says some external ids are already taken.
    if (errors.length === 0 && valid.length > 0) {
      const landed = await this.store(caller, units.ids, valid, source, onError, inputs.length, duplicates, 0, true, periods, today);
      if (landed !== null) {
        const held = await this.holdOrphans(caller, orphans);
        await this.applyOrphans(caller, valid);
        return {
          batchId: landed.batchId,
          received: inputs.length,
          stored: valid.length,
          duplicates,
          rejected: 0,
          errors,
          claims: landed.claims,
          reported: [],
          orphans: held,
        };
      }
    }

    // Records sent before: identical ones are duplicates, changed ones conflicts.
    const stored = await this.records.storedHashes(
      caller.institution.id,
      valid.map((v) => v.record.externalId),
    );
    const fresh = valid.filter((v) => {
      const previous = stored.get(v.record.externalId);
      if (previous === undefined) return true;
      if (previous === this.hashed(v).contentHash) duplicates++;
      else
        errors.push({
          row: v.row,
          field: 'externalId',
          rule: 'conflict',
          message: `externalId ${v.record.externalId} was already stored with other content`,
        });
      return false;
    });
    errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
    const rejected = new Set(errors.map((e) => e.row)).size;
    assertBatchAccepted(errors, inputs.length, onError);
    if (fresh.length === 0) {
      const held = await this.holdOrphans(caller, orphans);
      return { batchId: null, received: inputs.length, stored: 0, duplicates, rejected, errors, claims: [], reported: [], orphans: held };
    }
    const landed = await this.store(caller, units.ids, fresh, source, onError, inputs.length, duplicates, rejected, false, periods, today);
    const held = await this.holdOrphans(caller, orphans);
    await this.applyOrphans(caller, fresh);
    return {
      batchId: landed!.batchId,
      received: inputs.length,
      stored: fresh.length,
      duplicates,
      rejected,
      errors,
      claims: landed!.claims,
      reported: [],
      orphans: held,
    };
  }

  /**
   * Refunds of the batch against their originals (stored, or earlier in the batch): refused over
   * what remains or when the original is another unit's (an error on the row); accepted ones go
   * where a record of the original's claim period goes now; those whose original has not arrived
   * are taken out of the batch and returned, to be held as orphans.
   */
  private async judgeRefunds(
    caller: Caller,
    valid: (StoredRecord & { row: number })[],
    errors: ErrorDetail[],
  ): Promise<(StoredRecord & { row: number })[]> {
    const refunds = valid.filter((v) => v.record.refundOf !== null);
    if (refunds.length === 0) return [];
    // A refund sent again is judged as a duplicate (or conflict) below, not against its original a second time.
    const already = await this.records.storedHashes(
      caller.institution.id,
      refunds.map((v) => v.record.externalId),
    );
    const inBatch = new Map(valid.filter((v) => v.record.refundOf === null).map((v) => [v.record.externalId, v]));
    const stored = await this.national.originals(
      this.claims.manager,
      caller.institution.id,
      [...new Set(refunds.map((v) => v.record.refundOf!))].filter((id) => !inBatch.has(id)),
    );
    const originals = new Map<string, OriginalSettlement>(stored);
    for (const [id, v] of inBatch)
      originals.set(id, {
        unitCode: v.record.unitCode,
        claimPeriod: settlementPeriod(v.record),
        amounts: v.record.amounts,
        refunded: zeroAmounts(),
      });
    const orphans: (StoredRecord & { row: number })[] = [];
    const drop = new Set<StoredRecord>();
    for (const v of refunds) {
      if (already.has(v.record.externalId)) continue;
      const original = originals.get(v.record.refundOf!);
      const decision = decideRefund({ unitCode: v.record.unitCode, amounts: v.record.amounts }, original);
      if (decision.kind === 'orphan') {
        orphans.push(v);
        drop.add(v);
      } else if (decision.kind === 'refused') {
        errors.push({ row: v.row, field: decision.field, rule: decision.rule, message: decision.message });
        drop.add(v);
      } else {
        original!.refunded = addAmounts(original!.refunded, v.record.amounts);
        v.landsLike = decision.landsLikePeriod;
      }
    }
    for (let i = valid.length - 1; i >= 0; i--) if (drop.has(valid[i])) valid.splice(i, 1);
    return orphans;
  }

  /** Keeps refunds whose original has not arrived (audited); returns how many are newly held. */
  private async holdOrphans(caller: Caller, orphans: (StoredRecord & { row: number })[]): Promise<number> {
    if (orphans.length === 0) return 0;
    return this.transactions.run(async (manager) => {
      let held = 0;
      for (const v of orphans) {
        const r = v.record;
        const input: SettlementRecordInput = {
          externalId: r.externalId,
          unitCode: r.unitCode,
          insuredId: r.insuredId,
          insuredTownshipCode: r.insuredTownshipCode ?? undefined,
          visitType: r.visitType,
          admissionDate: r.admissionDate ?? undefined,
          dischargeDate: r.dischargeDate ?? undefined,
          visitDate: r.visitDate ?? undefined,
          settlementDate: r.settlementDate,
          ...Object.fromEntries(AMOUNT_FIELDS.map((f) => [f, signedText(r.amounts[f])])),
          diagnosisCode: r.diagnosisCode ?? undefined,
          clinicalPathway: r.clinicalPathway ? 'true' : 'false',
          referralNo: r.referralNo ?? undefined,
          refundOf: r.refundOf!,
        };
        const isNew = await this.national.holdOrphan(manager, {
          submitterId: caller.institution.id,
          externalId: r.externalId,
          refundOf: r.refundOf!,
          unitCode: r.unitCode,
          settlementDate: r.settlementDate,
          fundPaid: signedText(r.amounts.fundPaid),
          totalCost: signedText(r.amounts.totalCost),
          record: input,
          by: caller.name,
        });
        if (!isNew) continue;
        held++;
        await this.audit.record(manager, {
          action: 'settlement.refund-orphan.hold',
          entityType: 'refundOrphan',
          entityId: `${caller.institution.code}/${r.externalId}`,
          before: null,
          after: { refundOf: r.refundOf, fundPaid: signedText(r.amounts.fundPaid) },
        });
      }
      return held;
    });
  }

  /** Refunds held for originals now stored are taken as records (or dropped with the refusal's reason), audited. */
  private async applyOrphans(caller: Caller, stored: StoredRecord[]): Promise<void> {
    const waiting = await this.national.waitingFor(
      caller.institution.id,
      stored.filter((v) => v.record.refundOf === null).map((v) => v.record.externalId),
    );
    for (const o of waiting) {
      let outcome: IntakeOutcome;
      try {
        outcome = await this.ingest(caller, [o.record], 'json', 'skip');
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        outcome = {
          batchId: null,
          received: 1,
          stored: 0,
          duplicates: 0,
          rejected: 1,
          errors: err.details,
          claims: [],
          reported: [],
          orphans: 0,
        };
      }
      const applied = outcome.stored + outcome.duplicates > 0;
      const reason = applied
        ? null
        : outcome.errors
            .map((e) => `${e.field}: ${e.message}`)
            .join('; ')
            .slice(0, 500);
      await this.transactions.run(async (manager) => {
        if (!(await this.national.decide(manager, o.id, applied ? 'APPLIED' : 'DROPPED', 'intake', reason))) return;
        await this.audit.record(manager, {
          action: applied ? 'settlement.refund-orphan.apply' : 'settlement.refund-orphan.refuse',
          entityType: 'refundOrphan',
          entityId: String(o.id),
          before: { state: 'WAITING' },
          after: { state: applied ? 'APPLIED' : 'DROPPED', reason },
        });
      });
    }
  }

  /**
   * Stores records and their batch in one transaction. `optimistic`: some external ids may
   * already be taken; then nothing is kept and null is returned (the caller sorts them out).
   * Returns the batch and the claims its records landed in.
   */
  private async store(
    caller: Caller,
    unitIds: Map<string, number>,
    records: StoredRecord[],
    source: string,
    onError: string,
    received: number,
    duplicates: number,
    rejected: number,
    optimistic: boolean,
    periods: Map<string, ClaimPeriodAssignment>,
    today: string,
  ): Promise<{ batchId: string; claims: ClaimLanding[] } | null> {
    let reviewJob = '';
    try {
      const landed = await this.transactions.run(async (manager) => {
        // Decided again under lock: a claim submitted or a period declared meanwhile changes where records go.
        const { assignments: locked, cutoffDays } = await this.claimPeriods(manager, caller, [...periods.keys()], today, true);
        const claimPeriodOf = confirmClaimPeriods(periods, locked);
        // Claim periods stay in their settlement year, so the cut-off days read above cover them.
        await this.openClaims(manager, caller, [...new Set(claimPeriodOf.values())], cutoffDays);
        const id = await this.batches.insert(manager, {
          submitterId: caller.institution.id,
          source,
          onError,
          received,
          stored: records.length,
          duplicates,
          rejected,
          submittedBy: caller.name,
          requestId: currentContext().requestId,
        });
        // A taken (submitter, external id) fails the load and rolls the batch back.
        await this.records.bulkLoad(manager, records.length, (i) =>
          this.values(caller.institution.id, unitIds, records[i], id, claimPeriodOf),
        );
        await this.audit.record(manager, {
          action: 'settlement.intake',
          entityType: 'intakeBatch',
          entityId: id,
          before: null,
          after: { source, received, stored: records.length, duplicates, rejected },
        });
        // The county's review rules (智能审核) run over the batch once it is committed.
        reviewJob = await this.outbox.add(manager, 'rules.review-batch', { batchId: id });
        return { batchId: id, claims: await this.landings(manager, caller, records, claimPeriodOf) };
      });
      await this.outbox.relay([reviewJob]);
      return landed;
    } catch (err) {
      if (!isDuplicateKey(err) && !(err instanceof RowsNotLoaded)) throw err;
      if (optimistic) return null;
      throw concurrentIntake();
    }
  }

  /**
   * The claim period each settlement month's records go into. A period is closed to the unit
   * once its claim left OPEN or the community declared it. `lock`: inside the storing
   * transaction, shares the community row (declaring takes it exclusively) and locks the
   * unit's claims, so that submitting or declaring waits for the batch, or the batch for them.
   */
  private async claimPeriods(
    manager: EntityManager,
    caller: Caller,
    months: string[],
    today: string,
    lock: boolean,
  ): Promise<{ assignments: Map<string, ClaimPeriodAssignment>; cutoffDays: Map<number, number> }> {
    const out = new Map<string, ClaimPeriodAssignment>();
    const cutoffDays = new Map<number, number>();
    const distinct = [...new Set(months)].sort();
    if (distinct.length === 0) return { assignments: out, cutoffDays };
    const communityId = caller.institution.communityId;
    if (lock && communityId !== null) await this.communities.share(manager, communityId);
    const claims = await this.claims.statesFrom(manager, caller.institution.id, distinct[0], lock);
    const declared = communityId === null ? [] : await this.declarations.periodsFrom(manager, communityId, distinct[0]);
    // A claim returned for correction takes its unit's corrected records, as an open one does.
    const closed = new Set([...claims.filter((c) => c.state !== 'OPEN' && c.state !== 'RETURNED').map((c) => c.period), ...declared]);
    for (const year of new Set(distinct.map((m) => Number(m.slice(0, 4))))) {
      const terms = await this.parameters.terms(manager, { id: actingCountyId(caller.scope), code: '' }, year);
      cutoffDays.set(year, terms.memberCutoffDay);
    }
    for (const month of distinct)
      out.set(
        month,
        claimPeriodFor(`${month}-01`, today, cutoffDays.get(Number(month.slice(0, 4)))!, (p) => closed.has(p)),
      );
    return { assignments: out, cutoffDays };
  }

  /** The unit's claims the stored records landed in, per claim period. */
  private async landings(
    manager: EntityManager,
    caller: Caller,
    records: StoredRecord[],
    claimPeriodOf: Map<string, string>,
  ): Promise<ClaimLanding[]> {
    const landings = claimPeriodLandings(records.map(monthOf), claimPeriodOf);
    const ids = await this.claims.idsOfPeriods(
      manager,
      caller.institution.id,
      landings.map((l) => l.period),
    );
    return landings.map((l) => ({
      period: l.period,
      claimId: ids.get(l.period)!,
      institutionCode: caller.institution.code,
      records: l.records,
      rolledOver: l.rolledOver,
    }));
  }

  /** Opens the unit's claim for each period records now go into (a no-op where it exists). */
  private async openClaims(manager: EntityManager, caller: Caller, periods: string[], cutoffDays: Map<number, number>): Promise<void> {
    const { id, communityId } = caller.institution;
    const countyId = actingCountyId(caller.scope);
    await this.claims.openClaims(manager, {
      claims: periods.map((period) => ({
        institutionId: id,
        communityId,
        countyId,
        period,
        cutoff: memberCutoffDate(period, cutoffDays.get(Number(period.slice(0, 4)))!),
      })),
    });
  }

  private async unitsOf(caller: Caller): Promise<{ allowed: Set<string>; ids: Map<string, number> }> {
    const rows = await this.batches.unitsOf(caller.institution.id);
    return { allowed: new Set(rows.map((r) => r.code)), ids: new Map(rows.map((r) => [r.code, r.id])) };
  }

  /** Everything a record says, canonically; the insured id only through its keyed hash. */
  private contentHash(r: SettlementRecord, insuredHash: string): string {
    const parts = [
      r.unitCode,
      insuredHash,
      r.insuredTownshipCode,
      r.visitType,
      r.admissionDate,
      r.dischargeDate,
      r.visitDate,
      r.settlementDate,
      ...AMOUNT_FIELDS.map((f) => r.amounts[f].toString()),
      r.diagnosisCode,
      String(r.clinicalPathway),
      r.referralNo,
      // Appended only for refunds, so the hashes of earlier records stay as they were.
      ...(r.refundOf === null ? [] : [r.refundOf]),
    ];
    return contentHash(parts);
  }

  /** The record's keyed insured-id hash and content hash, computed once. */
  private hashed(v: StoredRecord): { insuredHash: string; contentHash: string } {
    if (v.insuredHash === undefined || v.contentHash === undefined) {
      v.insuredHash = this.insuredIds.hash(v.record.insuredId);
      v.contentHash = this.contentHash(v.record, v.insuredHash);
    }
    return { insuredHash: v.insuredHash, contentHash: v.contentHash };
  }

  private values(
    submitterId: number,
    unitIds: Map<string, number>,
    v: StoredRecord,
    batchId: string,
    claimPeriodOf: Map<string, string>,
  ): unknown[] {
    const r = v.record;
    const { insuredHash, contentHash } = this.hashed(v);
    return [
      submitterId,
      r.externalId,
      unitIds.get(r.unitCode),
      insuredHash,
      maskInsuredId(r.insuredId),
      r.insuredTownshipCode,
      r.visitType,
      r.admissionDate,
      r.dischargeDate,
      r.visitDate,
      r.settlementDate,
      settlementPeriod(r),
      claimPeriodOf.get(monthOf(v)),
      ...AMOUNT_FIELDS.map((f) => signedText(r.amounts[f])),
      r.diagnosisCode,
      r.clinicalPathway ? 1 : 0,
      r.referralNo,
      r.refundOf,
      contentHash,
      batchId,
    ];
  }
}
