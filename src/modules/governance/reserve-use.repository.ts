import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChainStatus } from '../../domain/approval-chain';

export type ReserveUseRow = {
  id: number;
  chain_id: number;
  county_id: number;
  county_code: string;
  fund_year: number;
  purpose: string;
  amount: string;
  target_kind: 'PACKAGE_INCREASE' | 'DIRECT_PAYMENT';
  community_id: number | null;
  community_code: string | null;
  risk: string | null;
  reason: string;
  attachments: string;
  created_by: string;
  created_at: Date;
  executed_on: string | null;
  executed_by: string | null;
};

export interface NewReserveUse {
  chainId: number;
  countyId: number;
  fundYear: number;
  purpose: string;
  amount: string;
  targetKind: 'PACKAGE_INCREASE' | 'DIRECT_PAYMENT';
  communityId: number | null;
  risk: string | null;
  reason: string;
  attachments: string;
  createdBy: string;
}

const SELECT = `SELECT r.id, r.chain_id, r.county_id, c.code AS county_code, r.fund_year, r.purpose, r.amount, r.target_kind, r.community_id,
       m.code AS community_code, r.risk, r.reason, r.attachments, r.created_by, r.created_at,
       DATE_FORMAT(r.executed_on, '%Y-%m-%d') AS executed_on, r.executed_by
  FROM reserve_use r JOIN county c ON c.id = r.county_id LEFT JOIN medical_community m ON m.id = r.community_id`;

/** Uses of a county's adjustment reserve (调剂金, 基金管理办法 第十六条). */
@Injectable()
export class ReserveUseRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async insert(manager: EntityManager, u: NewReserveUse): Promise<number> {
    const result = await manager.query(
      `INSERT INTO reserve_use (chain_id, county_id, fund_year, purpose, amount, target_kind, community_id, risk, reason, attachments, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [u.chainId, u.countyId, u.fundYear, u.purpose, u.amount, u.targetKind, u.communityId, u.risk, u.reason, u.attachments, u.createdBy],
    );
    return Number(result.insertId);
  }

  async find(manager: EntityManager, id: number): Promise<ReserveUseRow | undefined> {
    const [row]: ReserveUseRow[] = await manager.query(`${SELECT} WHERE r.id = ?`, [id]);
    return row;
  }

  async markExecuted(manager: EntityManager, id: number, executedOn: string, executedBy: string): Promise<void> {
    await manager.query('UPDATE reserve_use SET executed_on = ?, executed_by = ? WHERE id = ?', [executedOn, executedBy, id]);
  }

  /** A county's reserve uses, newest first, one page, with the total. */
  async page(
    countyId: number,
    filter: { fundYear?: number; status?: ChainStatus },
    page: number,
    pageSize: number,
  ): Promise<{ ids: number[]; total: number }> {
    const where = ['r.county_id = ?'];
    const args: unknown[] = [countyId];
    if (filter.fundYear !== undefined) {
      where.push('r.fund_year = ?');
      args.push(filter.fundYear);
    }
    if (filter.status !== undefined) {
      where.push('g.status = ?');
      args.push(filter.status);
    }
    const from = `FROM reserve_use r JOIN governance_chain g ON g.id = r.chain_id WHERE ${where.join(' AND ')}`;
    const [{ total }]: { total: string }[] = await this.dataSource.query(`SELECT COUNT(*) AS total ${from}`, args);
    const rows: { id: number }[] = await this.dataSource.query(`SELECT r.id ${from} ORDER BY r.id DESC LIMIT ? OFFSET ?`, [
      ...args,
      pageSize,
      (page - 1) * pageSize,
    ]);
    return { ids: rows.map((r) => r.id), total: Number(total) };
  }
}
