import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChainStatus } from '../../domain/approval-chain';

export type SurplusPlanRow = {
  id: number;
  chain_id: number;
  county_id: number;
  county_code: string;
  community_id: number;
  community_code: string;
  fund_year: number;
  surplus: string;
  council_decision: string;
  created_by: string;
  created_at: Date;
  executed_on: string | null;
  executed_by: string | null;
};

export type SurplusPlanLineRow = { institution_id: number; code: string; name: string; type: string; proposed: string; amount: string };

const SELECT = `SELECT p.id, p.chain_id, p.county_id, c.code AS county_code, p.community_id, m.code AS community_code, p.fund_year, p.surplus,
       p.council_decision, p.created_by, p.created_at, DATE_FORMAT(p.executed_on, '%Y-%m-%d') AS executed_on, p.executed_by
  FROM surplus_plan p JOIN county c ON c.id = p.county_id JOIN medical_community m ON m.id = p.community_id`;

/** Surplus plans (结余资金分配方案, 基金管理办法 第二十三条) and their amount per member unit. */
@Injectable()
export class SurplusPlanRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async insert(
    manager: EntityManager,
    p: {
      chainId: number;
      countyId: number;
      communityId: number;
      fundYear: number;
      surplus: string;
      councilDecision: string;
      createdBy: string;
    },
  ): Promise<number> {
    const result = await manager.query(
      `INSERT INTO surplus_plan (chain_id, county_id, community_id, fund_year, surplus, council_decision, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [p.chainId, p.countyId, p.communityId, p.fundYear, p.surplus, p.councilDecision, p.createdBy],
    );
    return Number(result.insertId);
  }

  /** Replaces the plan's lines (a draft or returned plan being edited). */
  async saveLines(
    manager: EntityManager,
    planId: number,
    lines: readonly { code: string; proposed: string; amount: string }[],
  ): Promise<void> {
    await manager.query('DELETE FROM surplus_plan_line WHERE plan_id = ?', [planId]);
    for (const l of lines)
      await manager.query(
        `INSERT INTO surplus_plan_line (plan_id, institution_id, proposed, amount) SELECT ?, id, ?, ? FROM institution WHERE code = ?`,
        [planId, l.proposed, l.amount, l.code],
      );
  }

  async updateDecision(manager: EntityManager, planId: number, councilDecision: string): Promise<void> {
    await manager.query('UPDATE surplus_plan SET council_decision = ? WHERE id = ?', [councilDecision, planId]);
  }

  async find(manager: EntityManager, id: number): Promise<SurplusPlanRow | undefined> {
    const [row]: SurplusPlanRow[] = await manager.query(`${SELECT} WHERE p.id = ?`, [id]);
    return row;
  }

  async lines(manager: EntityManager, planId: number): Promise<SurplusPlanLineRow[]> {
    return manager.query(
      `SELECT l.institution_id, i.code, i.name, i.type, l.proposed, l.amount
         FROM surplus_plan_line l JOIN institution i ON i.id = l.institution_id WHERE l.plan_id = ? ORDER BY i.code`,
      [planId],
    );
  }

  /** The community-year's plans still alive (not rejected or withdrawn), under lock. */
  async liveOfYear(manager: EntityManager, communityId: number, fundYear: number): Promise<{ id: number; status: ChainStatus }[]> {
    return manager.query(
      `SELECT p.id, g.status FROM surplus_plan p JOIN governance_chain g ON g.id = p.chain_id
        WHERE p.community_id = ? AND p.fund_year = ? AND g.status NOT IN ('REJECTED', 'WITHDRAWN') FOR UPDATE`,
      [communityId, fundYear],
    );
  }

  async markExecuted(manager: EntityManager, id: number, on: string, by: string): Promise<void> {
    await manager.query('UPDATE surplus_plan SET executed_on = ?, executed_by = ? WHERE id = ?', [on, by, id]);
  }

  async page(
    communityId: number,
    filter: { fundYear?: number; status?: ChainStatus },
    page: number,
    pageSize: number,
  ): Promise<{ ids: number[]; total: number }> {
    const where = ['p.community_id = ?', ...(filter.fundYear ? ['p.fund_year = ?'] : []), ...(filter.status ? ['g.status = ?'] : [])];
    const args = [communityId, ...(filter.fundYear ? [filter.fundYear] : []), ...(filter.status ? [filter.status] : [])];
    const from = `FROM surplus_plan p JOIN governance_chain g ON g.id = p.chain_id WHERE ${where.join(' AND ')}`;
    const [{ total }]: { total: string }[] = await this.dataSource.query(`SELECT COUNT(*) AS total ${from}`, args);
    const rows: { id: number }[] = await this.dataSource.query(`SELECT p.id ${from} ORDER BY p.id DESC LIMIT ? OFFSET ?`, [
      ...args,
      pageSize,
      (page - 1) * pageSize,
    ]);
    return { ids: rows.map((r) => r.id), total: Number(total) };
  }
}
