import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { Money } from '../../domain/money';
import { Allocation } from './allocation.entity';

/** One community's share of an allocation, with the community's code and name. */
export type ShareRow = { community_id: number; code: string; name: string; enrolled_population: string; package: string };

/** Every statement on fund_year_allocation and allocation_community_share. */
@Injectable()
export class AllocationRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  find(manager: EntityManager, id: number): Promise<Allocation | null> {
    return manager.findOne(Allocation, { where: { id } });
  }

  /** Locked until the caller's transaction ends. */
  lock(manager: EntityManager, id: number): Promise<Allocation | null> {
    return manager.findOne(Allocation, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** The latest document version of the county's allocation for the year, whatever its state. */
  async latestId(manager: EntityManager, countyId: number, fundYear: number): Promise<number | null> {
    const [row]: { id: number }[] = await manager.query(
      'SELECT id FROM fund_year_allocation WHERE county_id = ? AND fund_year = ? ORDER BY document_version DESC LIMIT 1',
      [countyId, fundYear],
    );
    return row ? row.id : null;
  }

  /** The county an allocation belongs to, or null when it does not exist (for scope checks). */
  async countyOf(id: number): Promise<number | null> {
    const [row]: { county_id: number }[] = await this.dataSource.query('SELECT county_id FROM fund_year_allocation WHERE id = ?', [id]);
    return row ? row.county_id : null;
  }

  /** A draft or submitted correction of the allocation, if one is open. */
  async openCorrectionId(manager: EntityManager, id: number): Promise<number | null> {
    const [row]: { id: number }[] = await manager.query(
      "SELECT id FROM fund_year_allocation WHERE supersedes_id = ? AND state IN ('DRAFT','SUBMITTED')",
      [id],
    );
    return row ? row.id : null;
  }

  /** One page of the county's allocations in the given states (optionally one fund year's), newest fund year and version first. */
  async idsOfCounty(
    countyIds: readonly number[],
    states: readonly string[],
    fundYear: number | undefined,
    window: PageWindow,
  ): Promise<{ ids: number[]; total: number }> {
    if (!states.length || !countyIds.length) return { ids: [], total: 0 };
    const { rows, total } = await selectPage<{ id: number }>(
      this.dataSource,
      {
        select: 'SELECT id',
        from: `FROM fund_year_allocation WHERE county_id IN (${countyIds.map(() => '?').join(', ')}) AND state IN (${states.map(() => '?').join(', ')}) ${fundYear ? 'AND fund_year = ?' : ''}`,
        orderBy: 'fund_year DESC, document_version DESC, id DESC',
      },
      [...countyIds, ...states, ...(fundYear ? [fundYear] : [])],
      window,
    );
    return { ids: rows.map((r) => r.id), total };
  }

  async publishedId(countyCode: string, fundYear: number): Promise<number | null> {
    const [row]: { id: number }[] = await this.dataSource.query(
      "SELECT a.id FROM fund_year_allocation a JOIN county c ON c.id = a.county_id WHERE c.code = ? AND a.fund_year = ? AND a.state = 'PUBLISHED' ORDER BY a.document_version DESC LIMIT 1",
      [countyCode, fundYear],
    );
    return row ? row.id : null;
  }

  /** The approved (or published) version in force. */
  async inForceId(manager: EntityManager, countyId: number, fundYear: number): Promise<number | null> {
    const [row]: { id: number }[] = await manager.query(
      "SELECT id FROM fund_year_allocation WHERE county_id = ? AND fund_year = ? AND state IN ('APPROVED','PUBLISHED') ORDER BY document_version DESC LIMIT 1",
      [countyId, fundYear],
    );
    return row ? row.id : null;
  }

  async insert(manager: EntityManager, allocation: Partial<Allocation>): Promise<number> {
    const saved = await manager.save(manager.create(Allocation, allocation));
    return saved.id;
  }

  /** Applies the changes only at `version` (the caller holds the row lock). */
  async update(manager: EntityManager, id: number, version: number, changes: Partial<Allocation>): Promise<void> {
    await manager.update(Allocation, { id, version }, changes);
  }

  async setState(manager: EntityManager, id: number, changes: Pick<Allocation, 'state' | 'version'>): Promise<void> {
    await manager.update(Allocation, { id }, changes);
  }

  shares(manager: EntityManager, id: number): Promise<ShareRow[]> {
    return manager.query(
      'SELECT s.community_id, m.code, m.name, s.enrolled_population, s.package FROM allocation_community_share s JOIN medical_community m ON m.id = s.community_id WHERE s.allocation_id = ? ORDER BY m.code',
      [id],
    );
  }

  async replaceShares(
    manager: EntityManager,
    allocationId: number,
    shares: readonly { communityId: number; enrolledPopulation: string; package: Money }[],
  ): Promise<void> {
    await manager.query('DELETE FROM allocation_community_share WHERE allocation_id = ?', [allocationId]);
    await this.insertShares(manager, allocationId, shares);
  }

  async insertShares(
    manager: EntityManager,
    allocationId: number,
    shares: readonly { communityId: number; enrolledPopulation: string; package: Money }[],
  ): Promise<void> {
    for (const s of shares) {
      await manager.query(
        'INSERT INTO allocation_community_share (allocation_id, community_id, enrolled_population, package) VALUES (?, ?, ?, ?)',
        [allocationId, s.communityId, s.enrolledPopulation, s.package.toString()],
      );
    }
  }
}
