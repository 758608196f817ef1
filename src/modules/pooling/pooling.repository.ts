import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { staleVersion } from '../../common/record-errors';

export type FundResultRow = {
  id: number;
  county_id: number;
  county_code: string;
  fund_year: number;
  raised_total: string;
  income: string;
  expenditure: string;
  opening_balance: string;
  transition_subsidy_difference: string;
  entered_by: string;
  version: number;
  updated_at: Date;
};

export type PoolingTermsRow = {
  id: number;
  prefecture_id: number;
  fund_year: number;
  city_share: string;
  city_finance_share: string;
  city_finance_cap_rate: string;
  prior_gap_city_share_cut: string;
  prior_gap_city_finance_factor: string;
  below_good_city_share_cut: string;
  transition_surplus_to_county: string;
  surplus_to_county: string;
  transition_year: number;
  pooled_fund_opening: string;
  set_by: string;
  version: number;
};

export type SharingRow = {
  id: number;
  prefecture_id: number;
  prefecture_code: string;
  county_id: number;
  county_code: string;
  fund_year: number;
  state: string;
  gap: string;
  surplus: string;
  pool_pays: string;
  surplus_to_pool: string;
  pooled_fund_balance: string;
  inputs: string;
  figures: string;
  computed_by: string;
  confirmed_by: string | null;
  confirmed_at: Date | null;
  executed_by: string | null;
  executed_at: Date | null;
  version: number;
};

export type ProvincialFundRow = {
  id: number;
  province_id: number;
  province_code: string;
  fund_year: number;
  state: string;
  terms: string;
  regions: string;
  figures: string;
  drafted_by: string;
  approved_by: string | null;
  approved_at: Date | null;
  posted_by: string | null;
  posted_at: Date | null;
  version: number;
};

const SHARING_SELECT = `SELECT s.*, p.code AS prefecture_code, c.code AS county_code
  FROM city_gap_sharing s JOIN prefecture p ON p.id = s.prefecture_id JOIN county c ON c.id = s.county_id`;
const FUND_SELECT = 'SELECT f.*, p.code AS province_code FROM provincial_fund f JOIN province p ON p.id = f.province_id';

/** Every statement on the pooling tables: county fund results, city terms, gap sharings, the provincial fund. */
@Injectable()
export class PoolingRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** Versioned update of one row: the change applies only to the version it was based on (409 otherwise). */
  private async updateVersioned(
    manager: EntityManager,
    table: string,
    id: number,
    expected: number,
    current: number,
    set: Record<string, unknown>,
  ): Promise<void> {
    const columns = Object.keys(set);
    const result = await manager.query(
      `UPDATE ${table} SET ${columns.map((c) => `${c} = ?`).join(', ')}, version = version + 1 WHERE id = ? AND version = ?`,
      [...columns.map((c) => set[c]), id, expected],
    );
    if ((result as { affectedRows: number }).affectedRows !== 1) throw staleVersion(current);
  }

  async fundResult(manager: EntityManager, countyId: number, fundYear: number, lock = false): Promise<FundResultRow | null> {
    const [row]: FundResultRow[] = await manager.query(
      `SELECT r.*, c.code AS county_code FROM county_fund_result r JOIN county c ON c.id = r.county_id WHERE r.county_id = ? AND r.fund_year = ?${lock ? ' FOR UPDATE' : ''}`,
      [countyId, fundYear],
    );
    return row ?? null;
  }

  fundResultsOf(countyIds: readonly number[], fundYear?: number): Promise<FundResultRow[]> {
    if (!countyIds.length) return Promise.resolve([]);
    return this.manager.query(
      `SELECT r.*, c.code AS county_code FROM county_fund_result r JOIN county c ON c.id = r.county_id
        WHERE r.county_id IN (${countyIds.map(() => '?').join(', ')}) ${fundYear ? 'AND r.fund_year = ?' : ''} ORDER BY r.fund_year DESC, c.code`,
      [...countyIds, ...(fundYear ? [fundYear] : [])],
    );
  }

  async insertFundResult(manager: EntityManager, r: Omit<FundResultRow, 'id' | 'county_code' | 'version' | 'updated_at'>): Promise<void> {
    await manager.query(
      `INSERT INTO county_fund_result (county_id, fund_year, raised_total, income, expenditure, opening_balance, transition_subsidy_difference, entered_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      [r.county_id, r.fund_year, r.raised_total, r.income, r.expenditure, r.opening_balance, r.transition_subsidy_difference, r.entered_by],
    );
  }

  updateFundResult(manager: EntityManager, current: FundResultRow, expected: number, set: Record<string, unknown>): Promise<void> {
    return this.updateVersioned(manager, 'county_fund_result', current.id, expected, current.version, set);
  }

  /** F of the county's latest approved (or published) allocation of the year, or null. */
  async allocationRaisedTotal(manager: EntityManager, countyId: number, fundYear: number): Promise<string | null> {
    const [row]: { raised_total: string }[] = await manager.query(
      "SELECT raised_total FROM fund_year_allocation WHERE county_id = ? AND fund_year = ? AND state IN ('APPROVED', 'PUBLISHED') ORDER BY document_version DESC LIMIT 1",
      [countyId, fundYear],
    );
    return row ? row.raised_total : null;
  }

  async poolingTerms(manager: EntityManager, prefectureId: number, fundYear: number, lock = false): Promise<PoolingTermsRow | null> {
    const [row]: PoolingTermsRow[] = await manager.query(
      `SELECT * FROM city_pooling_terms WHERE prefecture_id = ? AND fund_year = ?${lock ? ' FOR UPDATE' : ''}`,
      [prefectureId, fundYear],
    );
    return row ?? null;
  }

  async insertPoolingTerms(manager: EntityManager, t: Record<string, unknown>): Promise<void> {
    const columns = Object.keys(t);
    await manager.query(`INSERT INTO city_pooling_terms (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, [
      ...columns.map((c) => t[c]),
    ]);
  }

  updatePoolingTerms(manager: EntityManager, current: PoolingTermsRow, expected: number, set: Record<string, unknown>): Promise<void> {
    return this.updateVersioned(manager, 'city_pooling_terms', current.id, expected, current.version, set);
  }

  /** Serialises the sharings of one prefecture-year (the pooled fund is shared by its counties). */
  async lockPrefecture(manager: EntityManager, prefectureId: number): Promise<void> {
    await manager.query('SELECT id FROM prefecture WHERE id = ? FOR UPDATE', [prefectureId]);
  }

  async sharing(manager: EntityManager, id: number, lock = false): Promise<SharingRow | null> {
    const [row]: SharingRow[] = await manager.query(`${SHARING_SELECT} WHERE s.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row ?? null;
  }

  async sharingOf(manager: EntityManager, countyId: number, fundYear: number): Promise<SharingRow | null> {
    const [row]: SharingRow[] = await manager.query(`${SHARING_SELECT} WHERE s.county_id = ? AND s.fund_year = ? FOR UPDATE`, [
      countyId,
      fundYear,
    ]);
    return row ?? null;
  }

  /** Executed sharings of a county-year (read without lock), for its fund result. */
  async executedSharingOf(countyId: number, fundYear: number): Promise<SharingRow | null> {
    const [row]: SharingRow[] = await this.manager.query(
      `${SHARING_SELECT} WHERE s.county_id = ? AND s.fund_year = ? AND s.state = 'EXECUTED'`,
      [countyId, fundYear],
    );
    return row ?? null;
  }

  /** The id and state of a county-year's sharing, if one was computed. */
  async sharingStateOf(countyId: number, fundYear: number): Promise<{ id: number; state: string } | null> {
    const [row]: { id: number; state: string }[] = await this.manager.query(
      'SELECT id, state FROM city_gap_sharing WHERE county_id = ? AND fund_year = ?',
      [countyId, fundYear],
    );
    return row ?? null;
  }

  sharingsOf(prefectureId: number, fundYear?: number): Promise<SharingRow[]> {
    return this.manager.query(
      `${SHARING_SELECT} WHERE s.prefecture_id = ? ${fundYear ? 'AND s.fund_year = ?' : ''} ORDER BY s.fund_year DESC, c.code`,
      [prefectureId, ...(fundYear ? [fundYear] : [])],
    );
  }

  /** What executed sharings of the prefecture-year moved through the pooled fund. */
  executedPoolMovements(
    manager: EntityManager,
    prefectureId: number,
    fundYear: number,
  ): Promise<{ pool_pays: string; surplus_to_pool: string }[]> {
    return manager.query(
      "SELECT pool_pays, surplus_to_pool FROM city_gap_sharing WHERE prefecture_id = ? AND fund_year = ? AND state = 'EXECUTED'",
      [prefectureId, fundYear],
    );
  }

  async insertSharing(manager: EntityManager, s: Record<string, unknown>): Promise<number> {
    const columns = Object.keys(s);
    const result = await manager.query(
      `INSERT INTO city_gap_sharing (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map((c) => s[c]),
    );
    return Number((result as { insertId: number }).insertId);
  }

  updateSharing(manager: EntityManager, current: SharingRow, expected: number, set: Record<string, unknown>): Promise<void> {
    return this.updateVersioned(manager, 'city_gap_sharing', current.id, expected, current.version, set);
  }

  async fund(manager: EntityManager, id: number, lock = false): Promise<ProvincialFundRow | null> {
    const [row]: ProvincialFundRow[] = await manager.query(`${FUND_SELECT} WHERE f.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row ?? null;
  }

  async fundOf(manager: EntityManager, provinceId: number, fundYear: number): Promise<ProvincialFundRow | null> {
    const [row]: ProvincialFundRow[] = await manager.query(`${FUND_SELECT} WHERE f.province_id = ? AND f.fund_year = ? FOR UPDATE`, [
      provinceId,
      fundYear,
    ]);
    return row ?? null;
  }

  fundsOf(provinceId: number): Promise<ProvincialFundRow[]> {
    return this.manager.query(`${FUND_SELECT} WHERE f.province_id = ? ORDER BY f.fund_year DESC`, [provinceId]);
  }

  async insertFund(manager: EntityManager, f: Record<string, unknown>): Promise<number> {
    const columns = Object.keys(f);
    const result = await manager.query(
      `INSERT INTO provincial_fund (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      columns.map((c) => f[c]),
    );
    return Number((result as { insertId: number }).insertId);
  }

  updateFund(manager: EntityManager, current: ProvincialFundRow, expected: number, set: Record<string, unknown>): Promise<void> {
    return this.updateVersioned(manager, 'provincial_fund', current.id, expected, current.version, set);
  }
}
