import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { Scope } from '../../domain/access-policy';
import { PassDownState } from '../../domain/claim-cycle';
import { allOf, scopeCondition } from './member-claim.repository';

export type PassDownRow = {
  id: number;
  declaration_id: number;
  level: 'MEMBER' | 'VILLAGE';
  upstream_id: number | null;
  payer_id: number;
  payer_code: string;
  payee_id: number;
  payee_code: string;
  approved: string;
  amount: string;
  received_on: string;
  deadline: string;
  deadline_confirmed: number;
  state: PassDownState;
  version: number;
  paid_on: string | null;
  paid_by: string | null;
  late: number;
  community_code: string;
  county_id: number;
  fund_year: number;
  period: string;
};

/** Which pass-downs a list shows. */
export interface PassDownFilter {
  /** Paid or received by an institution within the scope. */
  scope?: Scope;
  /** Paid or received by this institution. */
  party?: number;
  declarationId?: number;
  state?: string;
}

/** A new pass-down (a member's from the lead unit, or a village's from its township). */
export interface NewPassDown {
  declarationId: number;
  level: 'MEMBER' | 'VILLAGE';
  upstreamId: number | null;
  payerId: number;
  payeeId: number;
  approved: string;
  amount: string;
  receivedOn: string;
  deadline: string;
  deadlineConfirmed: boolean;
  /** Recorded as paid at once (the lead unit's own share). */
  paid: { on: string; by: string } | null;
}

const PASS_DOWN_COLUMNS = `SELECT p.id, p.declaration_id, p.level, p.upstream_id, p.payer_id, pr.code AS payer_code, p.payee_id, pe.code AS payee_code, p.approved, p.amount,
  DATE_FORMAT(p.received_on, '%Y-%m-%d') AS received_on, DATE_FORMAT(p.deadline, '%Y-%m-%d') AS deadline, p.deadline_confirmed, p.state, p.version,
  DATE_FORMAT(p.paid_on, '%Y-%m-%d') AS paid_on, p.paid_by, p.late, m.code AS community_code, d.county_id, d.fund_year, d.period`;
const PASS_DOWN_FROM = `FROM pass_down p JOIN institution pr ON pr.id = p.payer_id JOIN institution pe ON pe.id = p.payee_id
  JOIN claim_declaration d ON d.id = p.declaration_id JOIN medical_community m ON m.id = d.community_id`;
const PASS_DOWN_SELECT = `${PASS_DOWN_COLUMNS} ${PASS_DOWN_FROM}`;
const PASS_DOWN_ORDER = 'd.period DESC, p.level, pe.code, p.id';

function passDownConditions(filter: PassDownFilter): { sql: string; params: unknown[] } {
  return allOf([
    ...(filter.scope
      ? [
          (() => {
            const payer = scopeCondition(filter.scope, 'pr');
            const payee = scopeCondition(filter.scope, 'pe');
            return { sql: `(${payer.sql}) OR (${payee.sql})`, params: [...payer.params, ...payee.params] };
          })(),
        ]
      : []),
    ...(filter.party !== undefined ? [{ sql: 'p.payer_id = ? OR p.payee_id = ?', params: [filter.party, filter.party] }] : []),
    ...(filter.declarationId ? [{ sql: 'p.declaration_id = ?', params: [filter.declarationId] }] : []),
    ...(filter.state ? [{ sql: 'p.state = ?', params: [filter.state] }] : []),
  ]);
}

/** Pass-downs (拨付到成员单位、村卫生室). */
@Injectable()
export class PassDownRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async find(manager: EntityManager, id: number, lock: boolean): Promise<PassDownRow | undefined> {
    const [row]: PassDownRow[] = await manager.query(`${PASS_DOWN_SELECT} WHERE p.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  list(filter: PassDownFilter): Promise<PassDownRow[]> {
    const where = passDownConditions(filter);
    return this.dataSource.query(`${PASS_DOWN_SELECT} WHERE ${where.sql} ORDER BY ${PASS_DOWN_ORDER} LIMIT 1000`, where.params);
  }

  /** One page of pass-downs, newest period first. */
  page(filter: PassDownFilter, window: PageWindow): Promise<{ rows: PassDownRow[]; total: number }> {
    const where = passDownConditions(filter);
    return selectPage(
      this.dataSource,
      { select: PASS_DOWN_COLUMNS, from: `${PASS_DOWN_FROM} WHERE ${where.sql}`, orderBy: PASS_DOWN_ORDER },
      where.params,
      window,
    );
  }

  async insert(manager: EntityManager, p: NewPassDown): Promise<number> {
    const result = await manager.query(
      `INSERT INTO pass_down (declaration_id, level, upstream_id, payer_id, payee_id, approved, amount, received_on, deadline, deadline_confirmed, state, paid_on, paid_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        p.declarationId,
        p.level,
        p.upstreamId,
        p.payerId,
        p.payeeId,
        p.approved,
        p.amount,
        p.receivedOn,
        p.deadline,
        p.deadlineConfirmed ? 1 : 0,
        p.paid ? 'PAID' : 'DUE',
        p.paid?.on ?? null,
        p.paid?.by ?? null,
      ],
    );
    return Number(result.insertId);
  }

  async markPaid(manager: EntityManager, id: number, paidOn: string, paidBy: string, late: boolean): Promise<void> {
    await manager.query("UPDATE pass_down SET state = 'PAID', paid_on = ?, paid_by = ?, late = ?, version = version + 1 WHERE id = ?", [
      paidOn,
      paidBy,
      late ? 1 : 0,
      id,
    ]);
  }

  /** The community's active lead unit (the first, should there be more), which receives disbursements. */
  async leadUnitOf(manager: EntityManager, communityId: number): Promise<{ id: number; code: string } | undefined> {
    const [lead]: { id: number; code: string }[] = await manager.query(
      "SELECT id, code FROM institution WHERE community_id = ? AND type = 'LEAD_HOSPITAL' AND active = 1 ORDER BY id LIMIT 1",
      [communityId],
    );
    return lead;
  }

  /** Pass-downs still due after their deadline, counted per active county (0 where there is none). */
  async overdueByCounty(today: string): Promise<{ countyId: number; countyCode: string; overdue: number }[]> {
    const rows: { id: number; code: string; overdue: string }[] = await this.dataSource.query(
      `SELECT c.id, c.code, COUNT(p.id) AS overdue
         FROM county c
         LEFT JOIN claim_declaration d ON d.county_id = c.id
         LEFT JOIN pass_down p ON p.declaration_id = d.id AND p.state = 'DUE' AND p.deadline < ?
        WHERE c.active = 1
        GROUP BY c.id, c.code`,
      [today],
    );
    return rows.map((r) => ({ countyId: Number(r.id), countyCode: r.code, overdue: Number(r.overdue) }));
  }
}
