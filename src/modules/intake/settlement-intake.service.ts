import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import { CLAIMING_TYPES } from '../../domain/institution-registry';
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
import { memberCutoffDate } from '../../domain/working-days';
import { BusinessClock } from '../../common/business-clock';
import { contentHash, InsuredIdHasher } from '../../common/record-hashing';
import { Caller } from '../../common/caller';
import { currentContext } from '../../common/request-context';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit/audit.service';
import { isDuplicateKey } from '../../common/record-errors';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';

export interface IntakeOutcome {
  batchId: string | null;
  received: number;
  stored: number;
  /** Records already stored with identical content: re-sending them changes nothing. */
  duplicates: number;
  rejected: number;
  errors: ErrorDetail[];
}

const CHUNK = 1000;
const COLUMNS =
  'submitter_id, external_id, unit_id, insured_hash, insured_masked, insured_township_code, visit_type, admission_date, discharge_date, visit_date, settlement_date, period, claim_period, ' +
  'total_cost, covered_cost, fund_paid, critical_illness_paid, medical_aid_paid, self_paid, diagnosis_code, clinical_pathway, referral_no, content_hash, batch_id';
const PLACEHOLDERS = `(${COLUMNS.split(',')
  .map(() => '?')
  .join(', ')})`;

const fenText = (fen: bigint) => `${fen / 100n}.${String(fen % 100n).padStart(2, '0')}`;

/** A load that left rows out or warned: never accepted as stored. */
class RowsNotLoaded extends Error {}

type LoadDataConnection = {
  query(
    options: { sql: string; infileStreamFactory: () => Readable },
    callback: (err: Error | null, result: { affectedRows: number; warningStatus: number }) => void,
  ): void;
};

/** LOAD DATA LOCAL disabled: MySQL 1148 / 3948, MariaDB 4166, client 2068. */
function isLocalInfileRefused(err: unknown): boolean {
  const errno = (err as { errno?: number }).errno;
  return errno === 1148 || errno === 3948 || errno === 4166 || errno === 2068;
}

/** Tab-separated text as LOAD DATA reads it: \N for NULL, backslash escapes for the separators. */
function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  return String(value).replace(/[\\\t\n\r\0]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' })[c]!);
}

/** Rows per piece of the streamed load: the next piece is built while the server stores the last. */
const LOAD_PIECE = 2000;

/**
 * Streams rows to `LOAD DATA LOCAL INFILE`, building each piece of text only when the previous
 * one has gone to the server, so that building rows (hashing included) overlaps with storing them.
 */
function loadRows(
  connection: LoadDataConnection,
  count: number,
  rowAt: (i: number) => unknown[],
): Promise<{ affectedRows: number; warningStatus: number }> {
  const sql =
    "LOAD DATA LOCAL INFILE 'settlement-records.tsv' INTO TABLE settlement_record CHARACTER SET utf8mb4 " +
    "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' " +
    `(${COLUMNS})`;
  async function* pieces(): AsyncGenerator<Buffer> {
    for (let start = 0; start < count; start += LOAD_PIECE) {
      let text = '';
      for (let i = start; i < Math.min(count, start + LOAD_PIECE); i++) text += rowAt(i).map(tsvField).join('\t') + '\n';
      yield Buffer.from(text, 'utf8');
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  return new Promise((resolve, reject) =>
    connection.query({ sql, infileStreamFactory: () => Readable.from(pieces()) }, (err, result) => (err ? reject(err) : resolve(result))),
  );
}

/** A checked record; its hashes are computed when first needed (mostly while it streams to the database). */
type StoredRecord = { record: SettlementRecord; insuredHash?: string; contentHash?: string };

/**
 * Settlement-record intake (SPEC §4): checks every record, recognises re-sent ones by their
 * `externalId` (identical → duplicate, changed → conflict), and stores a batch in one
 * transaction with multi-row inserts. Insured ids are kept only as a keyed hash and a mask.
 */
@Injectable()
export class SettlementIntakeService {
  /** Whether the server accepts LOAD DATA LOCAL INFILE; learned on first use. */
  private loadDataAllowed: boolean | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
    private readonly parameters: PolicyParametersService,
    private readonly insuredIds: InsuredIdHasher,
  ) {}

  /** `rowOf(i)`: the row number reported for record i (1-based array index, or the file line). */
  async ingest(
    caller: Caller,
    inputs: readonly SettlementRecordInput[],
    source: 'json' | 'csv' | 'xlsx',
    onError: 'reject' | 'skip',
    rowOf: (i: number) => number = (i) => i + 1,
    extraErrors: ErrorDetail[] = [],
  ): Promise<IntakeOutcome> {
    if (!CLAIMING_TYPES.includes(caller.institution.type)) {
      throw new DomainError('NOT_A_CLAIMING_UNIT', 'forbidden', `a ${caller.institution.type} does not claim settlement records`, [
        { field: '', rule: 'claimingUnit', message: caller.institution.code },
      ]);
    }
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

    // Each record goes into the claim period its settlement month rolls to (SPEC §4 step 1).
    const { assignments: periods } = await this.claimPeriods(
      this.dataSource.manager,
      caller,
      valid.map((v) => settlementPeriod(v.record)),
      today,
      false,
    );
    for (let i = valid.length - 1; i >= 0; i--) {
      const assigned = periods.get(settlementPeriod(valid[i].record))!;
      if ('closed' in assigned) {
        errors.push({ row: valid[i].row, field: 'settlementDate', rule: 'periodClosed', message: assigned.message });
        valid.splice(i, 1);
      }
    }

    // Most batches are new records: try storing them directly, and look up earlier records
    // only when the database says some external ids are already taken.
    if (errors.length === 0 && valid.length > 0) {
      const batchId = await this.store(caller, units.ids, valid, source, onError, inputs.length, duplicates, 0, true, periods, today);
      if (batchId !== null) return { batchId, received: inputs.length, stored: valid.length, duplicates, rejected: 0, errors };
    }

    // Records sent before: identical ones are duplicates, changed ones conflicts.
    const stored = await this.storedHashes(
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
    if (errors.length && onError === 'reject') {
      throw new DomainError(
        'BATCH_REJECTED',
        'unprocessable',
        `${rejected} of ${inputs.length} record(s) are invalid; nothing was stored`,
        errors,
      );
    }
    if (fresh.length === 0) return { batchId: null, received: inputs.length, stored: 0, duplicates, rejected, errors };
    const batchId = await this.store(caller, units.ids, fresh, source, onError, inputs.length, duplicates, rejected, false, periods, today);
    return { batchId, received: inputs.length, stored: fresh.length, duplicates, rejected, errors };
  }

  /**
   * Stores records and their batch in one transaction. `optimistic`: some external ids may
   * already be taken; then nothing is kept and null is returned (the caller sorts them out).
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
  ): Promise<string | null> {
    try {
      return await inTransaction(this.dataSource, async (manager) => {
        // Decided again under lock: a claim submitted or a period declared meanwhile changes where records go.
        const { assignments: locked, cutoffDays } = await this.claimPeriods(manager, caller, [...periods.keys()], today, true);
        const claimPeriodOf = new Map<string, string>();
        for (const [month, assigned] of periods) {
          const now = locked.get(month)!;
          if ('closed' in now || 'closed' in assigned || now.period !== assigned.period) {
            throw new DomainError(
              'CLAIM_PERIOD_CHANGED',
              'conflict',
              `the claim period for records settled in ${month} changed while they were being stored; send the batch again`,
              [{ field: 'settlementDate', rule: 'retry', message: month }],
            );
          }
          claimPeriodOf.set(month, now.period);
        }
        // Claim periods stay in their settlement year, so the cut-off days read above cover them.
        await this.openClaims(manager, caller, [...new Set(claimPeriodOf.values())], cutoffDays);
        const result = await manager.query(
          'INSERT INTO intake_batch (submitter_id, source, on_error, received, stored, duplicates, rejected, submitted_by, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
          [caller.institution.id, source, onError, received, records.length, duplicates, rejected, caller.name, currentContext().requestId],
        );
        const id = String(result.insertId);
        // A taken (submitter, external id) fails the load and rolls the batch back.
        await this.insertRecords(manager, records.length, (i) =>
          this.values(caller.institution.id, unitIds, records[i], id, claimPeriodOf),
        );
        await this.audit.record(manager, {
          action: 'settlement.intake',
          entityType: 'intakeBatch',
          entityId: id,
          before: null,
          after: { source, received, stored: records.length, duplicates, rejected },
        });
        return id;
      });
    } catch (err) {
      if (!isDuplicateKey(err) && !(err instanceof RowsNotLoaded)) throw err;
      if (optimistic) return null;
      throw new DomainError(
        'CONCURRENT_INTAKE',
        'conflict',
        'some of these records were stored by a concurrent request; send the batch again',
        [{ field: 'records', rule: 'retry', message: 'concurrent intake' }],
      );
    }
  }

  /**
   * Bulk load: `LOAD DATA LOCAL INFILE` from memory where the server allows it (about twice
   * as fast as multi-row INSERT here), multi-row INSERT otherwise (MySQL 8 ships with
   * local_infile off). LOCAL loads turn row errors into warnings, so any warning or missing
   * row fails the batch instead of being accepted.
   */
  private async insertRecords(manager: EntityManager, count: number, rowAt: (i: number) => unknown[]): Promise<void> {
    const connection = (manager.queryRunner as unknown as { databaseConnection?: LoadDataConnection } | undefined)?.databaseConnection;
    if (this.loadDataAllowed !== false && connection) {
      const loaded = await loadRows(connection, count, rowAt).catch((err: unknown) => {
        if (!isLocalInfileRefused(err)) throw err;
        this.loadDataAllowed = false;
        return null;
      });
      if (loaded) {
        this.loadDataAllowed = true;
        if (loaded.affectedRows !== count || loaded.warningStatus > 0) throw new RowsNotLoaded();
        return;
      }
    }
    for (let start = 0; start < count; start += CHUNK) {
      const chunk = Array.from({ length: Math.min(CHUNK, count - start) }, (_, k) => rowAt(start + k));
      await manager.query(`INSERT INTO settlement_record (${COLUMNS}) VALUES ${chunk.map(() => PLACEHOLDERS).join(', ')}`, chunk.flat());
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
    if (lock && communityId !== null)
      await manager.query('SELECT id FROM medical_community WHERE id = ? LOCK IN SHARE MODE', [communityId]);
    const claims: { period: string; state: string }[] = await manager.query(
      `SELECT period, state FROM member_claim WHERE institution_id = ? AND period >= ?${lock ? ' FOR UPDATE' : ''}`,
      [caller.institution.id, distinct[0]],
    );
    const declared: { period: string }[] =
      communityId === null
        ? []
        : await manager.query('SELECT period FROM claim_declaration WHERE community_id = ? AND period >= ?', [communityId, distinct[0]]);
    const closed = new Set([...claims.filter((c) => c.state !== 'OPEN').map((c) => c.period), ...declared.map((d) => d.period)]);
    for (const year of new Set(distinct.map((m) => Number(m.slice(0, 4))))) {
      const params = await this.parameters.current(manager, { id: caller.institution.countyId, code: '' }, year);
      cutoffDays.set(year, Number(params.values.memberCutoffDay));
    }
    for (const month of distinct)
      out.set(
        month,
        claimPeriodFor(`${month}-01`, today, cutoffDays.get(Number(month.slice(0, 4)))!, (p) => closed.has(p)),
      );
    return { assignments: out, cutoffDays };
  }

  /** Opens the unit's claim for each period records now go into (a no-op where it exists). */
  private async openClaims(manager: EntityManager, caller: Caller, periods: string[], cutoffDays: Map<number, number>): Promise<void> {
    if (periods.length === 0) return;
    const rows = periods.map((p) => [
      caller.institution.id,
      caller.institution.communityId,
      caller.institution.countyId,
      p,
      memberCutoffDate(p, cutoffDays.get(Number(p.slice(0, 4)))!),
    ]);
    await manager.query(
      `INSERT IGNORE INTO member_claim (institution_id, community_id, county_id, period, state, cutoff) VALUES ${rows.map(() => "(?, ?, ?, ?, 'OPEN', ?)").join(', ')}`,
      rows.flat(),
    );
  }

  private async unitsOf(caller: Caller): Promise<{ allowed: Set<string>; ids: Map<string, number> }> {
    const rows: { id: number; code: string }[] = await this.dataSource.query(
      'SELECT id, code FROM institution WHERE (id = ? OR (parent_id = ? AND type = ?)) AND active = 1',
      [caller.institution.id, caller.institution.id, 'VILLAGE_CLINIC'],
    );
    return { allowed: new Set(rows.map((r) => r.code)), ids: new Map(rows.map((r) => [r.code, r.id])) };
  }

  private async storedHashes(submitterId: number, externalIds: string[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    for (let start = 0; start < externalIds.length; start += CHUNK) {
      const chunk = externalIds.slice(start, start + CHUNK);
      const rows: { external_id: string; content_hash: string }[] = await this.dataSource.query(
        `SELECT external_id, content_hash FROM settlement_record WHERE submitter_id = ? AND external_id IN (${chunk.map(() => '?').join(', ')})`,
        [submitterId, ...chunk],
      );
      for (const r of rows) out.set(r.external_id, r.content_hash);
    }
    return out;
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
      claimPeriodOf.get(settlementPeriod(r)),
      ...AMOUNT_FIELDS.map((f) => fenText(r.amounts[f])),
      r.diagnosisCode,
      r.clinicalPathway ? 1 : 0,
      r.referralNo,
      contentHash,
      batchId,
    ];
  }
}
