import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { SampleStratum } from '../../domain/sampling';

export type SampleRecordRow = {
  id: string;
  external_id: string;
  unit_code: string;
  fund_paid: string;
  review_status: string;
  review_reason: string | null;
  deduction_reason: string | null;
  submitter_id: number;
};

export type SampleRow = {
  id: number;
  claim_id: number | null;
  declaration_id: number | null;
  seed: number;
  size_share: string | null;
  size_count: number | null;
  population: number;
  record_ids: string;
  strata: string;
  drawn_on: string;
  drawn_by: string;
};

const RECORD_COLUMNS = `CAST(r.id AS CHAR) AS id, r.external_id, u.code AS unit_code, r.fund_paid, r.review_status, r.review_reason, r.deduction_reason, r.submitter_id`;

/** Samples (抽样审核) and the records they are drawn from. */
@Injectable()
export class SampleRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** A claim's records, stratified by the unit that provided the care. */
  claimRecords(manager: EntityManager, institutionId: number, period: string): Promise<SampleRecordRow[]> {
    return manager.query(
      `SELECT ${RECORD_COLUMNS} FROM settlement_record r JOIN institution u ON u.id = r.unit_id
        WHERE r.submitter_id = ? AND r.claim_period = ? ORDER BY r.id`,
      [institutionId, period],
    );
  }

  /** A declaration's records accepted in pre-review (those the bureau may deduct), stratified by claiming unit. */
  declarationRecords(manager: EntityManager, declarationId: number): Promise<SampleRecordRow[]> {
    return manager.query(
      `SELECT ${RECORD_COLUMNS} FROM settlement_record r
         JOIN member_claim c ON c.institution_id = r.submitter_id AND c.period = r.claim_period
         JOIN institution u ON u.id = r.submitter_id
        WHERE c.declaration_id = ? AND r.review_status = 'ACCEPTED' ORDER BY r.id`,
      [declarationId],
    );
  }

  async declarationState(manager: EntityManager, id: number): Promise<string | undefined> {
    return (await this.declaration(manager, id))?.state;
  }

  /** A declaration's state, county and fund year. */
  async declaration(manager: EntityManager, id: number): Promise<{ state: string; countyId: number; fundYear: number } | undefined> {
    const [row]: { state: string; county_id: number; fund_year: number }[] = await manager.query(
      'SELECT state, county_id, fund_year FROM claim_declaration WHERE id = ?',
      [id],
    );
    return row && { state: row.state, countyId: Number(row.county_id), fundYear: Number(row.fund_year) };
  }

  async insert(
    manager: EntityManager,
    s: {
      claimId: number | null;
      declarationId: number | null;
      seed: number;
      share: string | null;
      count: number | null;
      population: number;
      recordIds: readonly number[];
      strata: readonly SampleStratum[];
      on: string;
      by: string;
    },
  ): Promise<number> {
    const result: { insertId: number } = await manager.query(
      `INSERT INTO record_sample (claim_id, declaration_id, seed, size_share, size_count, population, record_ids, strata, drawn_on, drawn_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        s.claimId,
        s.declarationId,
        s.seed,
        s.share,
        s.count,
        s.population,
        JSON.stringify(s.recordIds),
        JSON.stringify(s.strata),
        s.on,
        s.by,
      ],
    );
    return Number(result.insertId);
  }

  /** The latest sample of a claim or of a declaration. */
  async latest(manager: EntityManager, subject: { claimId: number } | { declarationId: number }): Promise<SampleRow | undefined> {
    const [column, value] = 'claimId' in subject ? ['claim_id', subject.claimId] : ['declaration_id', subject.declarationId];
    const [row]: SampleRow[] = await manager.query(
      `SELECT id, claim_id, declaration_id, seed, CAST(size_share AS CHAR) AS size_share, size_count, population, record_ids, strata,
              DATE_FORMAT(drawn_on, '%Y-%m-%d') AS drawn_on, drawn_by
         FROM record_sample WHERE ${column} = ? ORDER BY id DESC LIMIT 1`,
      [value],
    );
    return row;
  }
}
