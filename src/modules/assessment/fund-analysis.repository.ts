import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { FundAnalysisState } from '../../domain/fund-analysis';

/** A fund analysis row with its community's code and name, as MySQL returns it. */
export type AnalysisRow = {
  id: number | string;
  community_id: number;
  county_id: number;
  community_code: string;
  community_name: string;
  fund_year: number;
  quarter: number;
  state: FundAnalysisState;
  version: number;
  content: string;
  summary: string | null;
  risks: string | null;
  measures: string | null;
  drafted_at: Date;
  refreshed_at: Date;
  submitted_by: string | null;
  submitted_at: Date | null;
};

const ANALYSIS_COLUMNS = 'SELECT a.*, m.code AS community_code, m.name AS community_name';
const ANALYSIS_FROM = 'FROM fund_analysis a JOIN medical_community m ON m.id = a.community_id';
const SELECT_ANALYSIS = `${ANALYSIS_COLUMNS} ${ANALYSIS_FROM}`;

/** The quarterly fund analyses (fund_analysis). */
@Injectable()
export class FundAnalysisRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Serialises drafts of one community (the community's row is the lock). */
  async lockCommunity(manager: EntityManager, communityId: number): Promise<void> {
    await manager.query('SELECT id FROM medical_community WHERE id = ? FOR UPDATE', [communityId]);
  }

  async ofQuarter(manager: EntityManager, communityId: number, fundYear: number, quarter: number): Promise<AnalysisRow | undefined> {
    const [row]: AnalysisRow[] = await manager.query(
      `${SELECT_ANALYSIS} WHERE a.community_id = ? AND a.fund_year = ? AND a.quarter = ? FOR UPDATE`,
      [communityId, fundYear, quarter],
    );
    return row;
  }

  async find(manager: EntityManager, id: number, lock = false): Promise<AnalysisRow | undefined> {
    const [row]: AnalysisRow[] = await manager.query(`${SELECT_ANALYSIS} WHERE a.id = ?${lock ? ' FOR UPDATE' : ''}`, [id]);
    return row;
  }

  /** One page of a community's analyses, latest quarter first. */
  async list(
    communityId: number,
    filter: { fundYear?: number; state?: string },
    window: PageWindow,
  ): Promise<{ rows: AnalysisRow[]; total: number }> {
    const { fundYear, state } = filter;
    return selectPage(
      this.dataSource,
      {
        select: ANALYSIS_COLUMNS,
        from: `${ANALYSIS_FROM} WHERE a.community_id = ?${fundYear === undefined ? '' : ' AND a.fund_year = ?'}${state === undefined ? '' : ' AND a.state = ?'}`,
        orderBy: 'a.fund_year DESC, a.quarter DESC, a.id DESC',
      },
      [communityId, ...(fundYear === undefined ? [] : [fundYear]), ...(state === undefined ? [] : [state])],
      window,
    );
  }

  async insertDraft(
    manager: EntityManager,
    a: { communityId: number; countyId: number; fundYear: number; quarter: number; content: string },
  ): Promise<number> {
    const result = await manager.query(
      "INSERT INTO fund_analysis (community_id, county_id, fund_year, quarter, state, content) VALUES (?, ?, ?, ?, 'DRAFT', ?)",
      [a.communityId, a.countyId, a.fundYear, a.quarter, a.content],
    );
    return Number(result.insertId);
  }

  async refreshContent(manager: EntityManager, id: number | string, content: string): Promise<void> {
    await manager.query('UPDATE fund_analysis SET content = ?, version = version + 1, refreshed_at = CURRENT_TIMESTAMP(3) WHERE id = ?', [
      content,
      id,
    ]);
  }

  async saveNarrative(
    manager: EntityManager,
    id: number,
    n: { summary: string | null; risks: string | null; measures: string | null },
  ): Promise<void> {
    await manager.query('UPDATE fund_analysis SET summary = ?, risks = ?, measures = ?, version = version + 1 WHERE id = ?', [
      n.summary,
      n.risks,
      n.measures,
      id,
    ]);
  }

  async markSubmitted(manager: EntityManager, id: number, state: FundAnalysisState, by: string): Promise<void> {
    await manager.query(
      'UPDATE fund_analysis SET state = ?, submitted_by = ?, submitted_at = CURRENT_TIMESTAMP(3), version = version + 1 WHERE id = ?',
      [state, by, id],
    );
  }
}
