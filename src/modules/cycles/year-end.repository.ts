import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { YearEndStatementLine, YearEndSummary, YearEndUnit } from '../../domain/county-year-end';
import { COMMUNITY_MEMBER_TYPES, InstitutionType } from '../../domain/institution-registry';
import { Money } from '../../domain/money';
import { YearEndState } from '../../domain/year-end-settlement';

/** A settlement row (with its county's code) as MySQL returns it. */
export interface YearEndRow {
  id: number;
  county_id: number;
  county_code: string;
  fund_year: number;
  state: YearEndState;
  version: number;
  revision: number;
  summary: string;
  drafted_by: string;
  drafted_at: Date;
  approved_by: string | null;
  approved_at: Date | null;
  posting_requested_by: string | null;
  posted_transfers: number;
  posted_at: Date | null;
}

/** A statement row with its institution. */
const STATEMENT_COLUMNS = 'SELECT s.*, i.code, i.name, i.type, m.code AS community_code';
const STATEMENT_FROM =
  'FROM year_end_statement s JOIN institution i ON i.id = s.institution_id LEFT JOIN medical_community m ON m.id = s.community_id';
const STATEMENT_ORDER = 's.kind, m.code, i.code, s.id';

export interface StatementRow {
  code: string;
  name: string;
  type: InstitutionType;
  kind: 'MEMBER' | 'PRIVATE';
  community_code: string | null;
  approved_consumption: string;
  overspend_share: string;
  surplus_share: string;
  floor_top_up: string;
  deposit_withheld: string;
  deposit_release: string;
  paid_so_far: string;
  balance_due: string;
}

const list = (words: readonly string[]) => `(${words.map((w) => `'${w}'`).join(', ')})`;

/** The year-end settlements (year_end_settlement) and their statements (year_end_statement). */
@Injectable()
export class YearEndRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The county's settlement of the year, locked. */
  async lockOfYear(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ id: number; state: YearEndState; revision: number } | undefined> {
    const [row] = await manager.query(
      'SELECT id, state, revision FROM year_end_settlement WHERE county_id = ? AND fund_year = ? FOR UPDATE',
      [countyId, fundYear],
    );
    return row ? { id: Number(row.id), state: row.state, revision: Number(row.revision) } : undefined;
  }

  /**
   * The county's settlement of the year, locked if there is one. Unlike `lockOfYear` it locks no
   * gap when there is none: counties drafting their first year at once would otherwise each hold
   * the same gap of the year's unique key and deadlock on their inserts. The unique key still
   * refuses a second draft of one county-year.
   */
  async lockIfDrafted(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<{ id: number; state: YearEndState; revision: number } | undefined> {
    const [found] = await manager.query('SELECT id FROM year_end_settlement WHERE county_id = ? AND fund_year = ?', [countyId, fundYear]);
    if (!found) return undefined;
    const [row] = await manager.query('SELECT id, state, revision FROM year_end_settlement WHERE id = ? FOR UPDATE', [found.id]);
    return { id: Number(row.id), state: row.state, revision: Number(row.revision) };
  }

  async insertDraft(
    manager: EntityManager,
    d: { countyId: number; fundYear: number; summary: YearEndSummary; draftedBy: string },
  ): Promise<number> {
    const result = await manager.query(
      "INSERT INTO year_end_settlement (county_id, fund_year, state, options, summary, drafted_by, drafted_at) VALUES (?, ?, 'DRAFT', ?, ?, ?, CURRENT_TIMESTAMP(3))",
      [d.countyId, d.fundYear, JSON.stringify(d.summary.options), JSON.stringify(d.summary), d.draftedBy],
    );
    return Number(result.insertId);
  }

  /** Replaces a draft's summary (its statements are deleted, to be inserted again). */
  async redraft(manager: EntityManager, id: number, d: { summary: YearEndSummary; draftedBy: string }): Promise<void> {
    await manager.query('DELETE FROM year_end_statement WHERE settlement_id = ?', [id]);
    await manager.query(
      'UPDATE year_end_settlement SET summary = ?, options = ?, drafted_by = ?, drafted_at = CURRENT_TIMESTAMP(3), revision = revision + 1, version = version + 1 WHERE id = ?',
      [JSON.stringify(d.summary), JSON.stringify(d.summary.options), d.draftedBy, id],
    );
  }

  async insertStatements(manager: EntityManager, id: number, statements: readonly YearEndStatementLine[]): Promise<void> {
    if (!statements.length) return;
    await manager.query(
      `INSERT INTO year_end_statement (settlement_id, institution_id, community_id, kind, approved_consumption, overspend_share, surplus_share, floor_top_up, deposit_withheld, deposit_release, paid_so_far, balance_due) VALUES ${statements.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      statements.flatMap(({ unit, kind, s }) => [
        id,
        unit.id,
        unit.communityId,
        kind,
        ...[
          s.approvedConsumption,
          s.overspendShare,
          s.surplusShare,
          s.floorTopUp,
          s.depositWithheld,
          s.depositRelease,
          s.paidSoFar,
          s.balanceDue,
        ].map(String),
      ]),
    );
  }

  async markApproved(manager: EntityManager, id: number, by: string): Promise<void> {
    await manager.query(
      "UPDATE year_end_settlement SET state = 'APPROVED', approved_by = ?, approved_at = CURRENT_TIMESTAMP(3), version = version + 1 WHERE id = ?",
      [by, id],
    );
  }

  async markPostingRequested(manager: EntityManager, id: number, by: string): Promise<void> {
    await manager.query('UPDATE year_end_settlement SET posting_requested_by = ?, version = version + 1 WHERE id = ?', [by, id]);
  }

  /** Progress of a posting: `count` transfers posted (never lowered). */
  async recordPosted(manager: EntityManager, id: number, count: number): Promise<void> {
    await manager.query('UPDATE year_end_settlement SET posted_transfers = GREATEST(posted_transfers, ?) WHERE id = ?', [count, id]);
  }

  /** Marks an approved settlement posted; false when it was not approved (already posted by another run). */
  async markPosted(manager: EntityManager, id: number): Promise<boolean> {
    const result = await manager.query(
      "UPDATE year_end_settlement SET state = 'POSTED', posted_at = CURRENT_TIMESTAMP(3), version = version + 1 WHERE id = ? AND state = 'APPROVED'",
      [id],
    );
    return Number(result.affectedRows) === 1;
  }

  async find(manager: EntityManager, id: number, lock: boolean): Promise<YearEndRow | undefined> {
    const [row]: YearEndRow[] = await manager.query(
      `SELECT s.*, c.code AS county_code FROM year_end_settlement s JOIN county c ON c.id = s.county_id WHERE s.id = ?${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return row;
  }

  async idOfYear(countyId: number, fundYear: number): Promise<number | null> {
    const [row] = await this.dataSource.query('SELECT id FROM year_end_settlement WHERE county_id = ? AND fund_year = ?', [
      countyId,
      fundYear,
    ]);
    return row ? Number(row.id) : null;
  }

  /** The settlement of the institution's county for the year. */
  async idOfInstitutionYear(institutionCode: string, fundYear: number): Promise<number | null> {
    const [row] = await this.dataSource.query(
      'SELECT s.id FROM year_end_settlement s JOIN institution i ON i.county_id = s.county_id WHERE i.code = ? AND s.fund_year = ?',
      [institutionCode, fundYear],
    );
    return row ? Number(row.id) : null;
  }

  async statements(manager: EntityManager, id: number): Promise<StatementRow[]> {
    return manager.query(`${STATEMENT_COLUMNS} ${STATEMENT_FROM} WHERE s.settlement_id = ? ORDER BY ${STATEMENT_ORDER}`, [id]);
  }

  /** One page of the statements of one community's units in a settlement. */
  statementsOfCommunity(settlementId: number, communityId: number, window: PageWindow): Promise<{ rows: StatementRow[]; total: number }> {
    return selectPage(
      this.dataSource,
      { select: STATEMENT_COLUMNS, from: `${STATEMENT_FROM} WHERE s.settlement_id = ? AND s.community_id = ?`, orderBy: STATEMENT_ORDER },
      [settlementId, communityId],
      window,
    );
  }

  // ------------------------------------------------------------ what the year end reads of the registry

  /** The county's member units and private institutions. */
  async units(manager: EntityManager, countyId: number): Promise<YearEndUnit[]> {
    const rows: { id: number; code: string; name: string; type: InstitutionType; community_id: number | null }[] = await manager.query(
      `SELECT id, code, name, type, community_id FROM institution WHERE county_id = ? AND (community_id IS NOT NULL OR type = 'PRIVATE_DESIGNATED') AND type IN ${list([...COMMUNITY_MEMBER_TYPES, 'PRIVATE_DESIGNATED'])}`,
      [countyId],
    );
    return rows.map((u) => ({
      id: Number(u.id),
      code: u.code,
      name: u.name,
      type: u.type,
      communityId: u.community_id === null ? null : Number(u.community_id),
    }));
  }

  /** The county's communities in code order. */
  async communities(manager: EntityManager, countyId: number): Promise<{ id: number; code: string }[]> {
    const rows: { id: number; code: string }[] = await manager.query(
      'SELECT id, code FROM medical_community WHERE county_id = ? ORDER BY code',
      [countyId],
    );
    return rows.map((c) => ({ id: Number(c.id), code: c.code }));
  }

  /**
   * The county-year's executed surplus plans (结余资金分配方案, §9.3) by community code: the plan's
   * id and its amount per unit code. Read from the governance tables inside the year end's transaction.
   */
  async executedSurplusPlans(
    manager: EntityManager,
    countyId: number,
    fundYear: number,
  ): Promise<Map<string, { id: number; amounts: Map<string, Money> }>> {
    const rows: { id: number; community_code: string; unit_code: string; amount: string }[] = await manager.query(
      `SELECT p.id, m.code AS community_code, i.code AS unit_code, l.amount
         FROM surplus_plan p JOIN governance_chain g ON g.id = p.chain_id JOIN medical_community m ON m.id = p.community_id
         JOIN surplus_plan_line l ON l.plan_id = p.id JOIN institution i ON i.id = l.institution_id
        WHERE p.county_id = ? AND p.fund_year = ? AND g.status = 'EXECUTED' ORDER BY p.id`,
      [countyId, fundYear],
    );
    const plans = new Map<string, { id: number; amounts: Map<string, Money> }>();
    for (const r of rows) {
      // A later executed plan of the same community replaces an earlier one.
      const plan = plans.get(r.community_code);
      if (!plan || plan.id !== Number(r.id)) plans.set(r.community_code, { id: Number(r.id), amounts: new Map() });
      plans.get(r.community_code)!.amounts.set(r.unit_code, Money.of(r.amount));
    }
    return plans;
  }
}
