import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';

export interface NewOutOfCountyImport {
  communityId: number;
  countyId: number;
  period: string;
  records: number;
  total: string;
  funded: string;
  unfunded: string;
  importedBy: string;
}

export interface StoredOutOfCountySettlement {
  externalId: string;
  hospitalName: string;
  insuredHash: string;
  insuredMasked: string;
  settlementDate: string;
  admissionDate: string | null;
  totalCost: string;
  fundPaid: string;
  referralNo: string | null;
  contentHash: string;
}

/** Out-of-county settlements (县外异地就医) and the monthly imports that brought them. */
@Injectable()
export class OutOfCountyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The content hash of each of the community's settlements stored under the named external ids. */
  async storedHashes(manager: EntityManager, communityId: number, externalIds: readonly string[]): Promise<Map<string, string>> {
    const existing: { external_id: string; content_hash: string }[] = await manager.query(
      `SELECT external_id, content_hash FROM out_of_county_settlement WHERE community_id = ? AND external_id IN (${externalIds.map(() => '?').join(', ')})`,
      [communityId, ...externalIds],
    );
    return new Map(existing.map((e) => [e.external_id, e.content_hash]));
  }

  async insertImport(manager: EntityManager, i: NewOutOfCountyImport): Promise<number> {
    const result = await manager.query(
      'INSERT INTO out_of_county_import (community_id, county_id, period, record_count, total, funded, unfunded, imported_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [i.communityId, i.countyId, i.period, i.records, i.total, i.funded, i.unfunded, i.importedBy],
    );
    return Number(result.insertId);
  }

  async insertSettlements(
    manager: EntityManager,
    communityId: number,
    importId: number,
    period: string,
    settlements: readonly StoredOutOfCountySettlement[],
  ): Promise<void> {
    await manager.query(
      `INSERT INTO out_of_county_settlement (community_id, import_id, external_id, period, hospital_name, insured_hash, insured_masked, settlement_date, admission_date, total_cost, fund_paid, referral_no, content_hash) VALUES ${settlements.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      settlements.flatMap((c) => [
        communityId,
        importId,
        c.externalId,
        period,
        c.hospitalName,
        c.insuredHash,
        c.insuredMasked,
        c.settlementDate,
        c.admissionDate,
        c.totalCost,
        c.fundPaid,
        c.referralNo,
        c.contentHash,
      ]),
    );
  }

  /** A community's imports of a period together. */
  async periodTotals(communityId: number, period: string): Promise<{ records: number; total: string; funded: string; unfunded: string }> {
    const [ooc]: { records: number; total: string; funded: string; unfunded: string }[] = await this.dataSource.query(
      'SELECT COALESCE(SUM(record_count), 0) AS records, COALESCE(SUM(total), 0) AS total, COALESCE(SUM(funded), 0) AS funded, COALESCE(SUM(unfunded), 0) AS unfunded FROM out_of_county_import WHERE community_id = ? AND period = ?',
      [communityId, period],
    );
    return ooc;
  }

  /** The ids of a community's imports of a period. */
  async importIds(communityId: number, period: string): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      'SELECT CAST(id AS CHAR) AS id FROM out_of_county_import WHERE community_id = ? AND period = ?',
      [communityId, period],
    );
    return rows.map((r) => r.id);
  }
}
