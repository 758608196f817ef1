import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Readable } from 'node:stream';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { claimApproved } from '../../domain/claim-adjustment';
import { DeductionOutcome, RecordReviewOutcome } from '../../domain/declaration';
import { Money } from '../../domain/money';

/** A record (alias `r`) that counts as approved: accepted in pre-review (初审) and not deducted (拒付). */
export const APPROVED_RECORD_SQL = "r.review_status = 'ACCEPTED' AND r.deduction_reason IS NULL";

/** Constant words (states, institution types) as an SQL list: `('A', 'B')`. */
export function sqlList(words: readonly string[]): string {
  return `(${words.map((w) => `'${w}'`).join(', ')})`;
}

/**
 * A set of settlement records' amounts by review outcome, as one SQL aggregate over alias `r`:
 * claimed, pending, accepted (初审通过), rejected, deducted (拒付, of the accepted); the approved
 * amount is derived from them by the policy (accepted less deducted).
 */
export const RECORD_TOTALS_SQL = `COUNT(r.id) AS records, COALESCE(SUM(r.fund_paid), 0) AS claimed,
  COALESCE(SUM(CASE WHEN r.review_status = 'PENDING' THEN r.fund_paid END), 0) AS pending,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' THEN r.fund_paid END), 0) AS accepted,
  COALESCE(SUM(CASE WHEN r.review_status = 'REJECTED' THEN r.fund_paid END), 0) AS rejected,
  COALESCE(SUM(CASE WHEN r.review_status = 'ACCEPTED' AND r.deduction_reason IS NOT NULL THEN r.fund_paid END), 0) AS deducted`;

/** The sum of the adjustments of a member claim (alias `c`): carried negative nets, extrapolated deductions. */
export const CLAIM_ADJUSTED_SQL =
  '(SELECT COALESCE(SUM(a.amount), 0) FROM claim_adjustment a WHERE a.submitter_id = c.institution_id AND a.claim_period = c.period)';
/** The same totals summed over kept per-unit totals (unit_period_total, alias `t`) instead of the records. */
export const KEPT_TOTALS_SQL = `COALESCE(SUM(t.records), 0) AS records, COALESCE(SUM(t.claimed), 0) AS claimed,
  COALESCE(SUM(t.pending), 0) AS pending, COALESCE(SUM(t.accepted), 0) AS accepted, COALESCE(SUM(t.rejected), 0) AS rejected,
  COALESCE(SUM(t.deducted), 0) AS deducted`;

export type TotalsRow = {
  /** The claims' adjustments, when the query reads them (zero otherwise). */
  adjusted?: string;
  records: number | string;
  claimed: string;
  pending: string;
  accepted: string;
  rejected: string;
  deducted: string;
};

export interface ClaimTotals {
  records: number;
  claimed: string;
  pending: string;
  accepted: string;
  rejected: string;
  deducted: string;
  /** Claim-level adjustments (carried negative nets, extrapolated deductions), counted in the approved amount. */
  adjusted: string;
  approved: string;
}

/** An aggregate row read as totals, with the approved amount the policy derives. */
export function totals(row: TotalsRow | undefined): ClaimTotals {
  const m = (v: string | undefined) => Money.of(v ?? '0');
  const accepted = m(row?.accepted);
  const deducted = m(row?.deducted);
  const adjusted = m(row?.adjusted);
  return {
    records: Number(row?.records ?? 0),
    claimed: m(row?.claimed).toString(),
    pending: m(row?.pending).toString(),
    accepted: accepted.toString(),
    rejected: m(row?.rejected).toString(),
    deducted: deducted.toString(),
    adjusted: adjusted.toString(),
    approved: claimApproved(accepted, deducted, adjusted).toString(),
  };
}

/** The columns a stored settlement record is loaded with, in load order. */
export const SETTLEMENT_RECORD_COLUMNS =
  'submitter_id, external_id, unit_id, insured_hash, insured_masked, insured_township_code, visit_type, admission_date, discharge_date, visit_date, settlement_date, period, claim_period, ' +
  'total_cost, covered_cost, fund_paid, critical_illness_paid, medical_aid_paid, self_paid, diagnosis_code, clinical_pathway, referral_no, refund_of, content_hash, batch_id';
const PLACEHOLDERS = `(${SETTLEMENT_RECORD_COLUMNS.split(',')
  .map(() => '?')
  .join(', ')})`;
const CHUNK = 1000;

/** A load that left rows out or warned: never accepted as stored. */
export class RowsNotLoaded extends Error {}

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
const TSV_SPECIAL = /[\\\t\n\r\0]/;
const TSV_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', '\0': '\\0' };
function tsvField(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const text = typeof value === 'string' ? value : String(value);
  // Most fields hold no separator: one test instead of a replacement with a callback.
  return TSV_SPECIAL.test(text) ? text.replace(/[\\\t\n\r\0]/g, (c) => TSV_ESCAPES[c]) : text;
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
    `(${SETTLEMENT_RECORD_COLUMNS})`;
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

const RECORDS_OF_DECLARATION = 'settlement_record r JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period';

/**
 * Settlement records (即时结算记录): the bulk load of intake, the review outcomes of pre-review and
 * the bureau's deductions, and the totals the claim cycle reads. A claim's records are those of
 * its submitter with its claim period.
 */
@Injectable()
export class SettlementRecordRepository {
  /** Whether the server accepts LOAD DATA LOCAL INFILE; learned on first use. */
  private loadDataAllowed: boolean | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    // BULK_LOAD=insert: never try LOAD DATA LOCAL (a database that lacks it or treats it differently).
    if (config.bulkLoad === 'insert') this.loadDataAllowed = false;
  }

  /** How the bulk load writes rows now: LOAD DATA LOCAL, multi-row INSERT, or not yet known (tried on first use). */
  bulkLoadMethod(): 'load-data' | 'insert' | 'unknown' {
    return this.loadDataAllowed === null ? 'unknown' : this.loadDataAllowed ? 'load-data' : 'insert';
  }

  /** The totals of one unit's claim for a period. */
  async claimTotals(manager: EntityManager, institutionId: number, period: string): Promise<ClaimTotals> {
    const [row]: TotalsRow[] = await manager.query(
      `SELECT ${RECORD_TOTALS_SQL},
              (SELECT COALESCE(SUM(a.amount), 0) FROM claim_adjustment a WHERE a.submitter_id = ? AND a.claim_period = ?) AS adjusted
         FROM settlement_record r WHERE r.submitter_id = ? AND r.claim_period = ?`,
      [institutionId, period, institutionId, period],
    );
    return totals(row);
  }

  /** The sum of the adjustments of some member claims (carried negative nets, extrapolated deductions). */
  async adjustedOfClaims(manager: EntityManager, claimIds: readonly number[]): Promise<Money> {
    if (claimIds.length === 0) return Money.ZERO;
    const [row]: { s: string }[] = await manager.query(
      `SELECT COALESCE(SUM(a.amount), 0) AS s FROM claim_adjustment a
         JOIN member_claim c ON c.institution_id = a.submitter_id AND c.period = a.claim_period
        WHERE c.id IN (${claimIds.map(() => '?').join(', ')})`,
      [...claimIds],
    );
    return Money.of(row.s);
  }

  /** The totals of a declaration's records, from its claims' per-unit totals (kept with every change since it was declared), with the claims' adjustments. */
  async totalsOfDeclaration(manager: EntityManager, declarationId: number): Promise<ClaimTotals> {
    const [row]: TotalsRow[] = await manager.query(
      `SELECT ${KEPT_TOTALS_SQL},
              (SELECT COALESCE(SUM(a.amount), 0) FROM claim_adjustment a JOIN member_claim c ON c.institution_id = a.submitter_id AND c.period = a.claim_period
                WHERE c.declaration_id = ?) AS adjusted
         FROM unit_period_total t JOIN member_claim c ON c.id = t.claim_id WHERE c.declaration_id = ?`,
      [declarationId, declarationId],
    );
    return totals(row);
  }

  async countOfClaim(manager: EntityManager, institutionId: number, period: string): Promise<number> {
    const [{ n }]: { n: number }[] = await manager.query(
      'SELECT COUNT(*) AS n FROM settlement_record WHERE submitter_id = ? AND claim_period = ?',
      [institutionId, period],
    );
    return Number(n);
  }

  /** How many of the unit's records of the claim period are still PENDING pre-review. */
  async countPending(manager: EntityManager, institutionId: number, period: string): Promise<number> {
    const [{ n }]: { n: number }[] = await manager.query(
      "SELECT COUNT(*) AS n FROM settlement_record WHERE submitter_id = ? AND claim_period = ? AND review_status = 'PENDING'",
      [institutionId, period],
    );
    return Number(n);
  }

  /** Which of the named records belong to the unit's claim for the period. */
  async idsInClaim(manager: EntityManager, institutionId: number, period: string, ids: readonly string[]): Promise<Set<string>> {
    const found: { id: string }[] = ids.length
      ? await manager.query(
          `SELECT CAST(id AS CHAR) AS id FROM settlement_record WHERE submitter_id = ? AND claim_period = ? AND id IN (${ids.map(() => '?').join(', ')})`,
          [institutionId, period, ...ids],
        )
      : [];
    return new Set(found.map((f) => f.id));
  }

  /** The review status of each named record of a declaration (records outside it are absent). */
  async reviewStatusInDeclaration(manager: EntityManager, declarationId: number, ids: readonly string[]): Promise<Map<string, string>> {
    const found: { id: string; review_status: string }[] = ids.length
      ? await manager.query(
          `SELECT CAST(r.id AS CHAR) AS id, r.review_status FROM ${RECORDS_OF_DECLARATION}
            WHERE c.declaration_id = ? AND r.id IN (${ids.map(() => '?').join(', ')})`,
          [declarationId, ...ids],
        )
      : [];
    return new Map(found.map((f) => [f.id, f.review_status]));
  }

  async saveReviewOutcomes(manager: EntityManager, outcomes: readonly RecordReviewOutcome[]): Promise<void> {
    for (const o of outcomes)
      await manager.query('UPDATE settlement_record SET review_status = ?, review_reason = ?, review_note = ? WHERE id = ?', [
        o.status,
        o.reason,
        o.note,
        o.recordId,
      ]);
  }

  /** Ends pre-review of a claim: records not rejected are accepted. */
  async acceptPending(manager: EntityManager, institutionId: number, period: string): Promise<void> {
    await manager.query(
      "UPDATE settlement_record SET review_status = 'ACCEPTED' WHERE submitter_id = ? AND claim_period = ? AND review_status = 'PENDING'",
      [institutionId, period],
    );
  }

  async saveDeductions(manager: EntityManager, deductions: readonly DeductionOutcome[]): Promise<void> {
    for (const d of deductions)
      await manager.query('UPDATE settlement_record SET deduction_reason = ?, deduction_note = ? WHERE id = ?', [
        d.reason,
        d.note,
        d.recordId,
      ]);
  }

  /** Moves a unit's records of one claim period to another (a claim rolling over), and the claim's adjustments with them. */
  async moveToPeriod(manager: EntityManager, institutionId: number, from: string, to: string): Promise<void> {
    await manager.query('UPDATE settlement_record SET claim_period = ? WHERE submitter_id = ? AND claim_period = ?', [
      to,
      institutionId,
      from,
    ]);
    await manager.query('UPDATE claim_adjustment SET claim_period = ? WHERE submitter_id = ? AND claim_period = ?', [
      to,
      institutionId,
      from,
    ]);
  }

  /** A claim's records, masked, with their review outcome, a page at a time. */
  async pageOfClaim(
    institutionId: number,
    period: string,
    filter: { reviewStatus?: string; externalId?: string },
    page: number,
    pageSize: number,
  ): Promise<{ rows: Record<string, unknown>[]; total: number }> {
    const status = `${filter.reviewStatus ? 'AND r.review_status = ?' : ''} ${filter.externalId ? 'AND r.external_id = ?' : ''}`;
    const params = [
      institutionId,
      period,
      ...(filter.reviewStatus ? [filter.reviewStatus] : []),
      ...(filter.externalId ? [filter.externalId] : []),
    ];
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT CAST(r.id AS CHAR) AS id, r.external_id AS externalId, u.code AS unitCode, r.visit_type AS visitType, DATE_FORMAT(r.settlement_date, '%Y-%m-%d') AS settlementDate,
              r.insured_masked AS insuredMasked, r.total_cost AS totalCost, r.fund_paid AS fundPaid, r.review_status AS reviewStatus, r.review_reason AS reviewReason,
              r.review_note AS reviewNote, r.deduction_reason AS deductionReason, r.deduction_note AS deductionNote
         FROM settlement_record r JOIN institution u ON u.id = r.unit_id
        WHERE r.submitter_id = ? AND r.claim_period = ? ${status} ORDER BY r.id LIMIT ? OFFSET ?`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    const [{ n }]: { n: string | number }[] = await this.dataSource.query(
      `SELECT COUNT(*) AS n FROM settlement_record r WHERE r.submitter_id = ? AND r.claim_period = ? ${status}`,
      params,
    );
    return {
      rows: rows.map((r) => ({
        ...r,
        totalCost: Money.of(r.totalCost as string).toString(),
        fundPaid: Money.of(r.fundPaid as string).toString(),
      })),
      total: Number(n),
    };
  }

  /** Approved amounts of a member's accepted records in a declaration, by the unit that provided care. */
  async approvedByUnit(
    manager: EntityManager,
    declarationId: number,
    submitterId: number,
  ): Promise<{ unitId: number; code: string; approved: Money }[]> {
    const rows: (TotalsRow & { unit_id: number; code: string })[] = await manager.query(
      `SELECT r.unit_id, i.code, ${RECORD_TOTALS_SQL}
         FROM settlement_record r JOIN institution i ON i.id = r.unit_id JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
        WHERE c.declaration_id = ? AND r.submitter_id = ? AND r.review_status = 'ACCEPTED' GROUP BY r.unit_id, i.code`,
      [declarationId, submitterId],
    );
    return rows.map((u) => ({ unitId: u.unit_id, code: u.code, approved: Money.of(totals(u).approved) }));
  }

  /** The content hash of each of the submitter's records already stored under the named external ids. */
  async storedHashes(submitterId: number, externalIds: readonly string[]): Promise<Map<string, string>> {
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

  /**
   * Bulk load of `count` rows (columns as SETTLEMENT_RECORD_COLUMNS): `LOAD DATA LOCAL INFILE`
   * from memory where the server allows it (about twice as fast as multi-row INSERT here),
   * multi-row INSERT otherwise (MySQL 8 ships with local_infile off). LOCAL loads turn row errors
   * into warnings, so any warning or missing row fails the batch (RowsNotLoaded) instead of being
   * accepted. A taken (submitter, external id) fails the load.
   */
  async bulkLoad(manager: EntityManager, count: number, rowAt: (i: number) => unknown[]): Promise<void> {
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
      await manager.query(
        `INSERT INTO settlement_record (${SETTLEMENT_RECORD_COLUMNS}) VALUES ${chunk.map(() => PLACEHOLDERS).join(', ')}`,
        chunk.flat(),
      );
    }
  }
}
