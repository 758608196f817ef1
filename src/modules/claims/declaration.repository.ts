import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { DeclarationState, FUNDED_DECLARATION_STATES } from '../../domain/claim-cycle';
import { sqlList } from './settlement-record.repository';

/** The declaration states whose claims the bureau funded, as an SQL list. */
export const FUNDED_DECLARATION_SQL = sqlList(FUNDED_DECLARATION_STATES);

export type DeclarationRow = {
  id: number;
  community_id: number;
  community_code: string;
  county_id: number;
  fund_year: number;
  period: string;
  state: DeclarationState;
  version: number;
  deadline: string;
  deadline_confirmed: number;
  declared_on: string;
  declared_by: string;
  late: number;
  record_count: number;
  claimed: string;
  rejected: string;
  accepted: string;
  deducted: string;
  adjusted: string;
  approved: string;
  funded: string;
  unfunded: string;
  deposit: string;
  advance_offset: string;
  cash: string;
  reviewed_by: string | null;
  return_note: string | null;
  approved_by: string | null;
  payment_due: string;
  payment_due_confirmed: number;
  disbursed_on: string | null;
  disbursed_by: string | null;
  disbursement_ref: string | null;
  payment_late: number;
};

/** What a new declaration records. */
export interface NewDeclaration {
  communityId: number;
  countyId: number;
  fundYear: number;
  period: string;
  deadline: string;
  deadlineConfirmed: boolean;
  declaredOn: string;
  declaredBy: string;
  late: boolean;
  records: number;
  claimed: string;
  rejected: string;
  accepted: string;
  adjusted: string;
  approved: string;
  paymentDue: string;
  paymentDueConfirmed: boolean;
}

const DECLARATION_COLUMNS = `SELECT d.*, m.code AS community_code, DATE_FORMAT(d.deadline, '%Y-%m-%d') AS deadline, DATE_FORMAT(d.declared_on, '%Y-%m-%d') AS declared_on,
  DATE_FORMAT(d.payment_due, '%Y-%m-%d') AS payment_due, DATE_FORMAT(d.disbursed_on, '%Y-%m-%d') AS disbursed_on`;
const DECLARATION_FROM = 'FROM claim_declaration d JOIN medical_community m ON m.id = d.community_id';
const DECLARATION_SELECT = `${DECLARATION_COLUMNS} ${DECLARATION_FROM}`;

/** Which declarations a list shows: a county's, one community's when given, by period and state. */
export interface DeclarationFilter {
  countyId: number | readonly number[];
  communityId: number | null;
  period?: string;
  /** One state, or any of several. */
  state?: string | readonly string[];
}

function declarationConditions(f: DeclarationFilter): { sql: string; params: unknown[] } {
  const counties = typeof f.countyId === 'number' ? [f.countyId] : f.countyId.length ? f.countyId : [0];
  return {
    sql: `d.county_id IN (${counties.map(() => '?').join(', ')}) ${f.communityId !== null ? 'AND d.community_id = ?' : ''} ${f.period ? 'AND d.period = ?' : ''} ${f.state?.length ? 'AND d.state IN (?)' : ''}`,
    params: [
      ...counties,
      ...(f.communityId !== null ? [f.communityId] : []),
      ...(f.period ? [f.period] : []),
      ...(f.state?.length ? [typeof f.state === 'string' ? [f.state] : f.state] : []),
    ],
  };
}

/** Declarations (申报): one per community and period. */
@Injectable()
export class DeclarationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async find(manager: EntityManager, id: number, lock: boolean): Promise<DeclarationRow | undefined> {
    const [row]: DeclarationRow[] = await manager.query(`${DECLARATION_SELECT} WHERE d.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  async idOf(manager: EntityManager, communityId: number, period: string): Promise<number | undefined> {
    const [existing]: { id: number }[] = await manager.query('SELECT id FROM claim_declaration WHERE community_id = ? AND period = ?', [
      communityId,
      period,
    ]);
    return existing ? Number(existing.id) : undefined;
  }

  /** The periods a community has declared. */
  async declaredPeriods(communityId: number): Promise<Set<string>> {
    const rows: { period: string }[] = await this.dataSource.query('SELECT period FROM claim_declaration WHERE community_id = ?', [
      communityId,
    ]);
    return new Set(rows.map((r) => r.period));
  }

  /** A county's declarations (one community's, when given), newest period first (at most 500). */
  list(countyId: number, communityId: number | null, period?: string, state?: string | readonly string[]): Promise<DeclarationRow[]> {
    const where = declarationConditions({ countyId, communityId, period, state });
    return this.dataSource.query(`${DECLARATION_SELECT} WHERE ${where.sql} ORDER BY d.period DESC, m.code, d.id LIMIT 500`, where.params);
  }

  /** One page of a county's (or community's) declarations, newest period first. */
  page(filter: DeclarationFilter, window: PageWindow): Promise<{ rows: DeclarationRow[]; total: number }> {
    const where = declarationConditions(filter);
    return selectPage(
      this.dataSource,
      { select: DECLARATION_COLUMNS, from: `${DECLARATION_FROM} WHERE ${where.sql}`, orderBy: 'd.period DESC, m.code, d.id' },
      where.params,
      window,
    );
  }

  async insert(manager: EntityManager, d: NewDeclaration): Promise<number> {
    const result = await manager.query(
      `INSERT INTO claim_declaration (community_id, county_id, fund_year, period, state, deadline, deadline_confirmed, declared_on, declared_by, late, record_count, claimed, rejected, accepted, adjusted, approved, funded, payment_due, payment_due_confirmed)
       VALUES (?, ?, ?, ?, 'DECLARED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
      [
        d.communityId,
        d.countyId,
        d.fundYear,
        d.period,
        d.deadline,
        d.deadlineConfirmed ? 1 : 0,
        d.declaredOn,
        d.declaredBy,
        d.late ? 1 : 0,
        d.records,
        d.claimed,
        d.rejected,
        d.accepted,
        d.adjusted,
        d.approved,
        d.paymentDue,
        d.paymentDueConfirmed ? 1 : 0,
      ],
    );
    return Number(result.insertId);
  }

  /** Applies a transition's changes and bumps the version. */
  async update(manager: EntityManager, id: number, changes: Record<string, unknown>): Promise<void> {
    await manager.query(
      `UPDATE claim_declaration SET ${Object.keys(changes)
        .map((k) => `${k} = ?`)
        .join(', ')}, version = version + 1 WHERE id = ?`,
      [...Object.values(changes), id],
    );
  }

  /** Records the deducted and approved amounts; funding is decided again on approval. */
  async saveDeducted(manager: EntityManager, id: number, deducted: string, adjusted: string, approved: string): Promise<void> {
    await manager.query(
      'UPDATE claim_declaration SET deducted = ?, adjusted = ?, approved = ?, funded = 0, unfunded = 0, deposit = 0, advance_offset = 0, cash = 0 WHERE id = ?',
      [deducted, adjusted, approved, id],
    );
  }

  /** Periods of a community declared from a period on. */
  async periodsFrom(manager: EntityManager, communityId: number, fromPeriod: string): Promise<string[]> {
    const rows: { period: string }[] = await manager.query('SELECT period FROM claim_declaration WHERE community_id = ? AND period >= ?', [
      communityId,
      fromPeriod,
    ]);
    return rows.map((r) => r.period);
  }
}
