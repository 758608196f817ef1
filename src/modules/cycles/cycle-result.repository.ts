import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { isDuplicateKey } from '../../common/record-errors';

/** Where a cycle runs: a county, or one community of it. */
export interface CycleScope {
  countyId: number;
  countyCode: string;
  communityId: number | null;
  communityCode: string | null;
}

export interface CycleResultRow {
  cycle: string;
  period: string;
  scope: string;
  result: string;
  job_id: string;
  created_at: Date;
}

/**
 * The kept results of the cycles (cycle_result), keyed by (cycle, period, scope), and the
 * counties and communities the cycles run for.
 */
@Injectable()
export class CycleResultRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Claims the run's key with an empty result; false when the key is taken. */
  async claim(manager: EntityManager, key: { cycle: string; period: string; scope: string }, jobId: string): Promise<boolean> {
    try {
      await manager.query("INSERT INTO cycle_result (cycle, period, scope, result, job_id) VALUES (?, ?, ?, '{}', ?)", [
        key.cycle,
        key.period,
        key.scope,
        jobId,
      ]);
      return true;
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
      return false;
    }
  }

  async lock(manager: EntityManager, key: { cycle: string; period: string; scope: string }): Promise<void> {
    await manager.query('SELECT id FROM cycle_result WHERE cycle = ? AND period = ? AND scope = ? FOR UPDATE', [
      key.cycle,
      key.period,
      key.scope,
    ]);
  }

  /** Frees the key (a run that did nothing). */
  async release(manager: EntityManager, key: { cycle: string; period: string; scope: string }): Promise<void> {
    await manager.query('DELETE FROM cycle_result WHERE cycle = ? AND period = ? AND scope = ?', [key.cycle, key.period, key.scope]);
  }

  async keep(manager: EntityManager, key: { cycle: string; period: string; scope: string }, result: unknown, jobId: string): Promise<void> {
    await manager.query('UPDATE cycle_result SET result = ?, job_id = ? WHERE cycle = ? AND period = ? AND scope = ?', [
      JSON.stringify(result),
      jobId,
      key.cycle,
      key.period,
      key.scope,
    ]);
  }

  /** The kept result's text ('{}' while the run is under way), or undefined when there is none. */
  async keptResult(manager: EntityManager, key: { cycle: string; period: string; scope: string }): Promise<string | undefined> {
    const [done] = await manager.query('SELECT result FROM cycle_result WHERE cycle = ? AND period = ? AND scope = ?', [
      key.cycle,
      key.period,
      key.scope,
    ]);
    return done?.result;
  }

  /** The kept results' text of many scopes of one cycle and period, in one statement, by scope. */
  async keptResults(manager: EntityManager, cycle: string, period: string, scopes: readonly string[]): Promise<Map<string, string>> {
    if (scopes.length === 0) return new Map();
    const rows: { scope: string; result: string }[] = await manager.query(
      `SELECT scope, result FROM cycle_result WHERE cycle = ? AND period = ? AND scope IN (${scopes.map(() => '?').join(', ')})`,
      [cycle, period, ...scopes],
    );
    return new Map(rows.map((r) => [r.scope, r.result]));
  }

  /** One page of the kept results of the given scopes, newest first. */
  async results(
    scopes: string[],
    cycle: string | undefined,
    period: string | undefined,
    window: PageWindow,
  ): Promise<{ rows: CycleResultRow[]; total: number }> {
    if (scopes.length === 0) return { rows: [], total: 0 };
    const where = [`scope IN (${scopes.map(() => '?').join(',')})`];
    const params: unknown[] = [...scopes];
    if (cycle) {
      where.push('cycle = ?');
      params.push(cycle);
    }
    if (period) {
      where.push('period = ?');
      params.push(period);
    }
    return selectPage(
      this.dataSource,
      { select: 'SELECT *', from: `FROM cycle_result WHERE ${where.join(' AND ')}`, orderBy: 'id DESC' },
      params,
      window,
    );
  }

  /** The scope codes of a county: its own and its communities' (only `ownCommunity` when given). */
  async scopeCodes(countyId: number, ownCommunity: number | null): Promise<string[]> {
    const codes: { code: string }[] = await this.dataSource.query(
      'SELECT code FROM county WHERE id = ? UNION ALL SELECT code FROM medical_community WHERE county_id = ? AND (? IS NULL OR id = ?)',
      [countyId, countyId, ownCommunity, ownCommunity],
    );
    return codes.map((c) => c.code);
  }

  /** Active counties (all, or one). */
  async activeCounties(countyId: number | null): Promise<CycleScope[]> {
    const rows: { id: number; code: string }[] = await this.dataSource.query(
      `SELECT c.id, c.code FROM county c WHERE c.active = 1${countyId !== null ? ' AND c.id = ?' : ''} ORDER BY c.code`,
      countyId !== null ? [countyId] : [],
    );
    return rows.map((r) => ({ countyId: Number(r.id), countyCode: r.code, communityId: null, communityCode: null }));
  }

  /** Active communities of active counties, narrowed to a county, one community id or one code. */
  async activeCommunities(filter: { countyId: number | null; communityId: number | null; communityCode?: string }): Promise<CycleScope[]> {
    const where: string[] = ['c.active = 1'];
    const params: unknown[] = [];
    if (filter.countyId !== null) {
      where.push('c.id = ?');
      params.push(filter.countyId);
    }
    where.push('m.active = 1');
    if (filter.communityId !== null) {
      where.push('m.id = ?');
      params.push(filter.communityId);
    }
    if (filter.communityCode !== undefined) {
      where.push('m.code = ?');
      params.push(filter.communityCode);
    }
    const rows: { county_id: number; county_code: string; id: number; code: string }[] = await this.dataSource.query(
      `SELECT c.id AS county_id, c.code AS county_code, m.id, m.code FROM medical_community m JOIN county c ON c.id = m.county_id WHERE ${where.join(' AND ')} ORDER BY m.code`,
      params,
    );
    return rows.map((r) => ({
      countyId: Number(r.county_id),
      countyCode: r.county_code,
      communityId: Number(r.id),
      communityCode: r.code,
    }));
  }

  /**
   * The latest kept monitoring reading of each active community: the last period whose result
   * holds a burn ratio (a run skipped for want of a package holds none), with its county.
   */
  async latestMonitoringReadings(): Promise<
    { countyId: number; countyCode: string; communityCode: string; period: string; result: string }[]
  > {
    const rows: { county_id: number; county_code: string; community_code: string; period: string; result: string }[] =
      await this.dataSource.query(
        `SELECT c.id AS county_id, c.code AS county_code, m.code AS community_code, r.period, r.result
           FROM medical_community m
           JOIN county c ON c.id = m.county_id
           JOIN cycle_result r ON r.cycle = 'monitoring' AND r.scope = m.code
          WHERE m.active = 1 AND c.active = 1
            AND r.period = (SELECT MAX(k.period) FROM cycle_result k
                             WHERE k.cycle = 'monitoring' AND k.scope = m.code AND JSON_VALUE(k.result, '$.burnRatio') IS NOT NULL)`,
      );
    return rows.map((r) => ({
      countyId: Number(r.county_id),
      countyCode: r.county_code,
      communityCode: r.community_code,
      period: r.period,
      result: r.result,
    }));
  }
}
