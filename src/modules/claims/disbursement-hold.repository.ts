import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { HoldState } from '../../domain/claim-cycle';

export type HoldRow = {
  id: number;
  community_id: number;
  county_id: number;
  community_code: string;
  state: HoldState;
  version: number;
  reason: string;
  placed_by: string;
  placed_at: Date;
  lifted_by: string | null;
  lifted_at: Date | null;
  lift_note: string | null;
};

/** Disbursement holds (暂缓拨付) on a community. */
@Injectable()
export class DisbursementHoldRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async find(manager: EntityManager, id: number, lock = false): Promise<HoldRow | undefined> {
    const [r]: HoldRow[] = await manager.query(
      `SELECT h.*, m.code AS community_code, m.county_id FROM disbursement_hold h JOIN medical_community m ON m.id = h.community_id WHERE h.id = ?${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return r;
  }

  /** The community's hold in force, if any. */
  async active(manager: EntityManager, communityId: number): Promise<{ id: number; reason: string } | undefined> {
    const [hold]: { id: number; reason: string }[] = await manager.query(
      "SELECT id, reason FROM disbursement_hold WHERE community_id = ? AND state = 'ACTIVE' LIMIT 1",
      [communityId],
    );
    return hold;
  }

  /** One page of a community's holds, newest first, optionally only those in one state. */
  async idsOf(communityId: number, state: HoldState | undefined, window: PageWindow): Promise<{ ids: number[]; total: number }> {
    const { rows, total } = await selectPage<{ id: number }>(
      this.dataSource,
      { select: 'SELECT id', from: `FROM disbursement_hold WHERE community_id = ? ${state ? 'AND state = ?' : ''}`, orderBy: 'id DESC' },
      state ? [communityId, state] : [communityId],
      window,
    );
    return { ids: rows.map((r) => r.id), total };
  }

  async insert(manager: EntityManager, communityId: number, reason: string, placedBy: string): Promise<number> {
    const result = await manager.query(
      "INSERT INTO disbursement_hold (community_id, state, reason, placed_by) VALUES (?, 'ACTIVE', ?, ?)",
      [communityId, reason, placedBy],
    );
    return Number(result.insertId);
  }

  async lift(manager: EntityManager, id: number, liftedBy: string, note: string): Promise<void> {
    await manager.query(
      "UPDATE disbursement_hold SET state = 'LIFTED', lifted_by = ?, lifted_at = CURRENT_TIMESTAMP(3), lift_note = ?, version = version + 1 WHERE id = ?",
      [liftedBy, note, id],
    );
  }
}
