import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ChainStatus } from '../../domain/approval-chain';

export type ReferralRow = {
  id: number;
  chain_id: number;
  county_id: number;
  community_id: number;
  community_code: string;
  from_unit_code: string;
  insured_hash: string;
  insured_masked: string;
  receiving_hospital: string;
  diagnosis_code: string | null;
  valid_from: string;
  valid_to: string;
  reason: string;
  recorded_by: string;
  created_at: Date;
};

export interface NewReferral {
  chainId: number;
  countyId: number;
  communityId: number;
  fromUnitId: number;
  insuredHash: string;
  insuredMasked: string;
  receivingHospital: string;
  diagnosisCode: string | null;
  validFrom: string;
  validTo: string;
  reason: string;
  recordedBy: string;
}

/** An out-of-county stay as the referral match reads it (the out-of-county settlements of a community). */
export type StayRow = {
  id: number;
  external_id: string;
  period: string;
  hospital_name: string;
  insured_hash: string;
  insured_masked: string;
  stay_date: string;
  fund_paid: string;
};

const SELECT = `SELECT f.id, f.chain_id, f.county_id, f.community_id, m.code AS community_code, u.code AS from_unit_code, f.insured_hash,
       f.insured_masked, f.receiving_hospital, f.diagnosis_code, DATE_FORMAT(f.valid_from, '%Y-%m-%d') AS valid_from,
       DATE_FORMAT(f.valid_to, '%Y-%m-%d') AS valid_to, f.reason, f.recorded_by, f.created_at
  FROM referral f JOIN medical_community m ON m.id = f.community_id JOIN institution u ON u.id = f.from_unit_id`;

/** Out-of-county referrals (县外转诊) of a community, and the stays they are matched with. */
@Injectable()
export class ReferralRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async insert(manager: EntityManager, r: NewReferral): Promise<number> {
    const result = await manager.query(
      `INSERT INTO referral (chain_id, county_id, community_id, from_unit_id, insured_hash, insured_masked, receiving_hospital, diagnosis_code,
                             valid_from, valid_to, reason, recorded_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.chainId,
        r.countyId,
        r.communityId,
        r.fromUnitId,
        r.insuredHash,
        r.insuredMasked,
        r.receivingHospital,
        r.diagnosisCode,
        r.validFrom,
        r.validTo,
        r.reason,
        r.recordedBy,
      ],
    );
    return Number(result.insertId);
  }

  async find(manager: EntityManager, id: number): Promise<ReferralRow | undefined> {
    const [row]: ReferralRow[] = await manager.query(`${SELECT} WHERE f.id = ?`, [id]);
    return row;
  }

  async page(
    communityId: number,
    filter: { status?: ChainStatus },
    page: number,
    pageSize: number,
  ): Promise<{ ids: number[]; total: number }> {
    const status = filter.status ? 'AND g.status = ?' : '';
    const args = [communityId, ...(filter.status ? [filter.status] : [])];
    const from = `FROM referral f JOIN governance_chain g ON g.id = f.chain_id WHERE f.community_id = ? ${status}`;
    const [{ total }]: { total: string }[] = await this.dataSource.query(`SELECT COUNT(*) AS total ${from}`, args);
    const rows: { id: number }[] = await this.dataSource.query(`SELECT f.id ${from} ORDER BY f.id DESC LIMIT ? OFFSET ?`, [
      ...args,
      pageSize,
      (page - 1) * pageSize,
    ]);
    return { ids: rows.map((r) => r.id), total: Number(total) };
  }

  /** The community's approved referrals whose window reaches into [from, to]. */
  async approved(
    communityId: number,
    from: string,
    to: string,
  ): Promise<{ id: number; insured_hash: string; valid_from: string; valid_to: string }[]> {
    return this.dataSource.query(
      `SELECT f.id, f.insured_hash, DATE_FORMAT(f.valid_from, '%Y-%m-%d') AS valid_from, DATE_FORMAT(f.valid_to, '%Y-%m-%d') AS valid_to
         FROM referral f JOIN governance_chain g ON g.id = f.chain_id
        WHERE f.community_id = ? AND g.status = 'APPROVED' AND f.valid_from <= ? AND f.valid_to >= ? ORDER BY f.id`,
      [communityId, to, from],
    );
  }

  /** The community's out-of-county settlements of the periods [from, to] (YYYY-MM), with the day a referral must hold. */
  async stays(communityId: number, fromPeriod: string, toPeriod: string): Promise<StayRow[]> {
    return this.dataSource.query(
      `SELECT id, external_id, period, hospital_name, insured_hash, insured_masked,
              DATE_FORMAT(COALESCE(admission_date, settlement_date), '%Y-%m-%d') AS stay_date, fund_paid
         FROM out_of_county_settlement WHERE community_id = ? AND period BETWEEN ? AND ? ORDER BY period, id`,
      [communityId, fromPeriod, toPeriod],
    );
  }
}
