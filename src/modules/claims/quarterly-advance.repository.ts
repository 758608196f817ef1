import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface NewQuarterlyAdvance {
  communityId: number;
  countyId: number;
  fundYear: number;
  quarter: number;
  rate: string;
  amount: string;
  paidOn: string;
  recordedBy: string;
}

/** Quarterly advances (按季度预拨): one per community and quarter. */
@Injectable()
export class QuarterlyAdvanceRepository {
  async find(
    manager: EntityManager,
    communityId: number,
    fundYear: number,
    quarter: number,
  ): Promise<{ id: number; amount: string; rate: string; paid_on: string } | undefined> {
    const [existing]: { id: number; amount: string; rate: string; paid_on: string }[] = await manager.query(
      'SELECT id, amount, rate, DATE_FORMAT(paid_on, "%Y-%m-%d") AS paid_on FROM quarterly_advance WHERE community_id = ? AND fund_year = ? AND quarter = ?',
      [communityId, fundYear, quarter],
    );
    return existing;
  }

  async insert(manager: EntityManager, a: NewQuarterlyAdvance): Promise<number> {
    const result = await manager.query(
      'INSERT INTO quarterly_advance (community_id, county_id, fund_year, quarter, rate, amount, paid_on, recorded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [a.communityId, a.countyId, a.fundYear, a.quarter, a.rate, a.amount, a.paidOn, a.recordedBy],
    );
    return Number(result.insertId);
  }
}
