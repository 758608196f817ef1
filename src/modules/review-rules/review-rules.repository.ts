import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { parseFen } from '../../domain/settlement-record';
import { HitStatus, ReviewRecord, RuleDefinition, RuleHit } from '../../domain/review-rules';

export interface RuleSetRow {
  version: number;
  effectiveFrom: string;
  rules: RuleDefinition[];
  savedBy: string;
  savedAt: string;
}

export interface HitRow {
  id: string;
  county_id: number;
  submitter_id: number;
  claim_period: string;
  batch_id: string;
  rule_set_version: number;
  rule_id: string;
  rule_name: string;
  severity: string;
  record_ids: string | string[];
  record_id: string;
  evidence: string | Record<string, unknown>;
  deduction: string;
  status: HitStatus;
  answer: string | null;
  answered_by: string | null;
  answered_at: string | null;
  decided_by: string | null;
  decided_at: string | null;
  decision_note: string | null;
  created_at: string;
}

/** A batch to review: who sent it, its county, and the claim periods its records went to. */
export interface BatchToReview {
  submitterId: number;
  countyId: number;
  periods: string[];
  recordIds: string[];
}

/** The periods with the month before each. */
function withMonthBefore(periods: readonly string[]): string[] {
  const all = new Set<string>();
  for (const p of periods) {
    all.add(p);
    const [y, m] = p.split('-').map(Number);
    all.add(m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`);
  }
  return [...all].sort();
}

const fen = (text: string) => parseFen(text) ?? 0n;
const json = <T>(v: string | T): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

const HIT_SELECT = `SELECT CAST(h.id AS CHAR) AS id, h.county_id, h.submitter_id, h.claim_period, CAST(h.batch_id AS CHAR) AS batch_id, h.rule_set_version,
       h.rule_id, h.rule_name, h.severity, h.record_ids, CAST(h.record_id AS CHAR) AS record_id, h.evidence, h.deduction, h.status,
       h.answer, h.answered_by, DATE_FORMAT(h.answered_at, '%Y-%m-%dT%H:%i:%sZ') AS answered_at, h.decided_by,
       DATE_FORMAT(h.decided_at, '%Y-%m-%dT%H:%i:%sZ') AS decided_at, h.decision_note, DATE_FORMAT(h.created_at, '%Y-%m-%dT%H:%i:%sZ') AS created_at
  FROM review_hit h`;

/** The rule sets, hits and review runs of rule-based pre-review (智能审核). */
@Injectable()
export class ReviewRulesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  // ------------------------------------------------------------ rule sets

  async ruleSets(countyId: number): Promise<RuleSetRow[]> {
    const rows: { version: number; effective_from: string; rules: string | RuleDefinition[]; saved_by: string; saved_at: string }[] =
      await this.dataSource.query(
        `SELECT version, DATE_FORMAT(effective_from, '%Y-%m-%d') AS effective_from, rules, saved_by, DATE_FORMAT(saved_at, '%Y-%m-%dT%H:%i:%sZ') AS saved_at
           FROM review_rule_set WHERE county_id = ? ORDER BY version DESC`,
        [countyId],
      );
    return rows.map((r) => ({
      version: Number(r.version),
      effectiveFrom: r.effective_from,
      rules: json(r.rules),
      savedBy: r.saved_by,
      savedAt: r.saved_at,
    }));
  }

  /** The latest version in force on the date: the highest version whose effective date has come. */
  async ruleSetOn(manager: EntityManager, countyId: number, date: string): Promise<{ version: number; rules: RuleDefinition[] } | null> {
    const [row]: { version: number; rules: string | RuleDefinition[] }[] = await manager.query(
      'SELECT version, rules FROM review_rule_set WHERE county_id = ? AND effective_from <= ? ORDER BY version DESC LIMIT 1',
      [countyId, date],
    );
    return row ? { version: Number(row.version), rules: json(row.rules) } : null;
  }

  async lockCurrentVersion(manager: EntityManager, countyId: number): Promise<number> {
    const [row]: { v: number | null }[] = await manager.query(
      'SELECT MAX(version) AS v FROM review_rule_set WHERE county_id = ? FOR UPDATE',
      [countyId],
    );
    return Number(row?.v ?? 0);
  }

  async insertRuleSet(
    manager: EntityManager,
    row: { countyId: number; version: number; effectiveFrom: string; rules: RuleDefinition[]; savedBy: string },
  ): Promise<void> {
    await manager.query('INSERT INTO review_rule_set (county_id, version, effective_from, rules, saved_by) VALUES (?, ?, ?, ?, ?)', [
      row.countyId,
      row.version,
      row.effectiveFrom,
      JSON.stringify(row.rules),
      row.savedBy,
    ]);
  }

  // ------------------------------------------------------------ runs

  async batch(batchId: string): Promise<BatchToReview | null> {
    const [b]: { submitter_id: number; county_id: number }[] = await this.dataSource.query(
      'SELECT b.submitter_id, i.county_id FROM intake_batch b JOIN institution i ON i.id = b.submitter_id WHERE b.id = ?',
      [batchId],
    );
    if (!b) return null;
    const rows: { id: string; claim_period: string }[] = await this.dataSource.query(
      'SELECT CAST(id AS CHAR) AS id, claim_period FROM settlement_record WHERE batch_id = ?',
      [batchId],
    );
    return {
      submitterId: Number(b.submitter_id),
      countyId: Number(b.county_id),
      periods: [...new Set(rows.map((r) => r.claim_period))].sort(),
      recordIds: rows.map((r) => r.id),
    };
  }

  async ranBefore(batchId: string): Promise<boolean> {
    const [row]: unknown[] = await this.dataSource.query('SELECT 1 FROM review_run WHERE batch_id = ?', [batchId]);
    return row !== undefined;
  }

  /**
   * The county's records the rules compare a batch with: the records of the batch's insured
   * persons (every rule but the cost rule looks at one person's records) in its claim periods and
   * the month before each (a readmission or duplicate may cross the month), with the unit's type.
   * `batchId` null: every record of those periods.
   */
  async reviewRecords(
    countyId: number,
    periods: readonly string[],
    batchId: string | null,
  ): Promise<(ReviewRecord & { submitterId: number; claimPeriod: string })[]> {
    const all = withMonthBefore(periods);
    if (all.length === 0) return [];
    // From the batch's persons (a derived table) to their records by the insured-hash index.
    const from =
      batchId === null
        ? 'settlement_record r JOIN institution u ON u.id = r.unit_id'
        : `(SELECT DISTINCT b.insured_hash FROM settlement_record b WHERE b.batch_id = ?) p
           STRAIGHT_JOIN settlement_record r ON r.insured_hash = p.insured_hash JOIN institution u ON u.id = r.unit_id`;
    const rows: {
      id: string;
      submitter_id: number;
      claim_period: string;
      insured_hash: string;
      unit_code: string;
      unit_type: string;
      visit_type: ReviewRecord['visitType'];
      admission_date: string | null;
      discharge_date: string | null;
      visit_date: string | null;
      settlement_date: string;
      diagnosis_code: string | null;
      total_cost: string;
      fund_paid: string;
    }[] = await this.dataSource.query(
      `SELECT CAST(r.id AS CHAR) AS id, r.submitter_id, r.claim_period, r.insured_hash, u.code AS unit_code, u.type AS unit_type, r.visit_type,
              DATE_FORMAT(r.admission_date, '%Y-%m-%d') AS admission_date, DATE_FORMAT(r.discharge_date, '%Y-%m-%d') AS discharge_date,
              DATE_FORMAT(r.visit_date, '%Y-%m-%d') AS visit_date, DATE_FORMAT(r.settlement_date, '%Y-%m-%d') AS settlement_date,
              r.diagnosis_code, CAST(r.total_cost AS CHAR) AS total_cost, CAST(r.fund_paid AS CHAR) AS fund_paid
         FROM ${from}
        WHERE u.county_id = ? AND r.claim_period IN (?)`,
      batchId === null ? [countyId, all] : [batchId, countyId, all],
    );
    return rows.map((r) => ({
      id: r.id,
      submitterId: Number(r.submitter_id),
      claimPeriod: r.claim_period,
      insuredHash: r.insured_hash,
      unitCode: r.unit_code,
      unitAdmits: r.unit_type !== 'VILLAGE_CLINIC',
      visitType: r.visit_type,
      admissionDate: r.admission_date,
      dischargeDate: r.discharge_date,
      visitDate: r.visit_date,
      settlementDate: r.settlement_date,
      diagnosisCode: r.diagnosis_code,
      totalFen: fen(r.total_cost),
      fundFen: fen(r.fund_paid),
    }));
  }

  /** The county's costs per inpatient stay by diagnosis in the periods (and the month before each), sorted: the cost rule's distribution. */
  async costsByDiagnosis(countyId: number, periods: readonly string[]): Promise<Map<string, bigint[]>> {
    const all = withMonthBefore(periods);
    const out = new Map<string, bigint[]>();
    if (all.length === 0) return out;
    const rows: { d: string; t: string }[] = await this.dataSource.query(
      `SELECT r.diagnosis_code AS d, CAST(r.total_cost AS CHAR) AS t
         FROM settlement_record r JOIN institution u ON u.id = r.unit_id
        WHERE u.county_id = ? AND r.claim_period IN (?) AND r.visit_type = 'INPATIENT' AND r.diagnosis_code IS NOT NULL
        ORDER BY r.diagnosis_code, r.total_cost`,
      [countyId, all],
    );
    for (const r of rows) {
      const list = out.get(r.d);
      if (list) list.push(fen(r.t));
      else out.set(r.d, [fen(r.t)]);
    }
    return out;
  }

  /** Stores the hits of a run and marks the batch reviewed, in one transaction; a hit already stored (same rule and records) is kept as it is. */
  async saveRun(
    manager: EntityManager,
    run: { batchId: string; countyId: number; version: number; records: number },
    hits: { hit: RuleHit; key: string; submitterId: number; claimPeriod: string; deduction: string }[],
  ): Promise<number> {
    let stored = 0;
    for (let i = 0; i < hits.length; i += 500) {
      const part = hits.slice(i, i + 500);
      const res: { affectedRows?: number } = await manager.query(
        `INSERT IGNORE INTO review_hit (county_id, submitter_id, claim_period, batch_id, rule_set_version, rule_id, rule_name, severity, hit_key, record_ids, record_id, evidence, deduction)
         VALUES ?`,
        [
          part.map((h) => [
            run.countyId,
            h.submitterId,
            h.claimPeriod,
            run.batchId,
            run.version,
            h.hit.ruleId,
            h.hit.ruleName,
            h.hit.severity,
            h.key,
            JSON.stringify(h.hit.recordIds),
            h.hit.recordIds[0],
            JSON.stringify(h.hit.evidence),
            h.deduction,
          ]),
        ],
      );
      stored += Number(res?.affectedRows ?? 0);
    }
    await manager.query('INSERT IGNORE INTO review_run (batch_id, rule_set_version, records, hits) VALUES (?, ?, ?, ?)', [
      run.batchId,
      run.version,
      run.records,
      stored,
    ]);
    return stored;
  }

  // ------------------------------------------------------------ hits

  async hitsOf(
    where: { submitterId: number; period: string } | { countyId: number; period: string },
    filter: { status?: string; severity?: string },
    page: number,
    pageSize: number,
  ): Promise<{ rows: HitRow[]; total: number }> {
    const cond = ['submitterId' in where ? 'h.submitter_id = ?' : 'h.county_id = ?', 'h.claim_period = ?'];
    const params: unknown[] = ['submitterId' in where ? where.submitterId : where.countyId, where.period];
    if (filter.status) {
      cond.push('h.status = ?');
      params.push(filter.status);
    }
    if (filter.severity) {
      cond.push('h.severity = ?');
      params.push(filter.severity);
    }
    const sql = cond.join(' AND ');
    // Undecided first, violations before suspicions, then the largest suggested deduction.
    const rows: HitRow[] = await this.dataSource.query(
      `${HIT_SELECT} WHERE ${sql}
        ORDER BY (h.status IN ('OPEN','ANSWERED')) DESC, (h.severity = 'VIOLATION') DESC, h.deduction DESC, h.id LIMIT ? OFFSET ?`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    const [{ n }]: { n: string | number }[] = await this.dataSource.query(`SELECT COUNT(*) AS n FROM review_hit h WHERE ${sql}`, params);
    return { rows, total: Number(n) };
  }

  /** Open hits per record of a claim, for the pre-review queue. */
  async openCounts(submitterId: number, period: string): Promise<{ open: number; answered: number; deduction: string }> {
    const [row]: { open: string | number | null; answered: string | number | null; deduction: string | null }[] =
      await this.dataSource.query(
        `SELECT SUM(status = 'OPEN') AS open, SUM(status = 'ANSWERED') AS answered, CAST(COALESCE(SUM(CASE WHEN status IN ('OPEN','ANSWERED') THEN deduction END), 0) AS CHAR) AS deduction
         FROM review_hit WHERE submitter_id = ? AND claim_period = ?`,
        [submitterId, period],
      );
    return { open: Number(row?.open ?? 0), answered: Number(row?.answered ?? 0), deduction: row?.deduction ?? '0.00' };
  }

  async hit(manager: EntityManager, id: string, lock: boolean): Promise<HitRow | undefined> {
    const [row]: HitRow[] = await manager.query(`${HIT_SELECT} WHERE h.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async answer(manager: EntityManager, id: string, answer: string, by: string): Promise<void> {
    await manager.query(
      "UPDATE review_hit SET status = 'ANSWERED', answer = ?, answered_by = ?, answered_at = CURRENT_TIMESTAMP(3) WHERE id = ?",
      [answer, by, id],
    );
  }

  async decide(manager: EntityManager, id: string, status: 'ACCEPTED' | 'DISMISSED', note: string | null, by: string): Promise<void> {
    await manager.query(
      'UPDATE review_hit SET status = ?, decision_note = ?, decided_by = ?, decided_at = CURRENT_TIMESTAMP(3) WHERE id = ?',
      [status, note, by, id],
    );
  }
}

export const jsonOf = json;
