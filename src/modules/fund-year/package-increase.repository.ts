import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

export interface PackageIncreaseRow {
  community_id: number;
  amount: string;
  source_type: string;
  source_id: string;
  reason: string;
  effective_on: string;
  created_by: string;
}

/** Increases of a community's package M after its allocation (an executed adjustment-reserve use, 调剂金). */
@Injectable()
export class PackageIncreaseRepository {
  async ofCounty(manager: EntityManager, countyId: number, fundYear: number): Promise<PackageIncreaseRow[]> {
    return manager.query(
      `SELECT i.community_id, i.amount, i.source_type, i.source_id, i.reason, DATE_FORMAT(i.effective_on, '%Y-%m-%d') AS effective_on, i.created_by
         FROM community_package_increase i JOIN medical_community m ON m.id = i.community_id
        WHERE m.county_id = ? AND i.fund_year = ? ORDER BY i.id`,
      [countyId, fundYear],
    );
  }

  /** Inserts the increase once per source; returns false when that source already increased the package. */
  async insert(
    manager: EntityManager,
    row: {
      communityId: number;
      fundYear: number;
      amount: string;
      sourceType: string;
      sourceId: string;
      reason: string;
      effectiveOn: string;
      createdBy: string;
    },
  ): Promise<boolean> {
    const result = await manager.query(
      `INSERT INTO community_package_increase (community_id, fund_year, amount, source_type, source_id, reason, effective_on, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id`,
      [row.communityId, row.fundYear, row.amount, row.sourceType, row.sourceId, row.reason, row.effectiveOn, row.createdBy],
    );
    return Number(result.affectedRows) === 1;
  }
}
