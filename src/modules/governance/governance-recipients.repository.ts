import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** The institutions a governance chain speaks to: the active bodies of a county by type, and codes for its history. */
@Injectable()
export class GovernanceRecipientsRepository {
  async ofTypes(manager: EntityManager, countyId: number, types: readonly string[]): Promise<number[]> {
    if (types.length === 0) return [];
    const rows: { id: number }[] = await manager.query(
      `SELECT id FROM institution WHERE county_id = ? AND active = 1 AND type IN (${types.map(() => '?').join(', ')}) ORDER BY id`,
      [countyId, ...types],
    );
    return rows.map((r) => r.id);
  }

  async codesOf(manager: EntityManager, ids: readonly number[]): Promise<Map<number, string>> {
    if (ids.length === 0) return new Map();
    const rows: { id: number; code: string }[] = await manager.query(
      `SELECT id, code FROM institution WHERE id IN (${ids.map(() => '?').join(', ')})`,
      [...ids],
    );
    return new Map(rows.map((r) => [r.id, r.code]));
  }

  /** Who hears that a rectification is overdue: the community's lead unit, the county's bureau and its health bureau. */
  async leadBureauAndHealth(manager: EntityManager, countyId: number, communityId: number): Promise<number[]> {
    const rows: { id: number }[] = await manager.query(
      `SELECT id FROM institution WHERE active = 1 AND (
          (type = 'LEAD_HOSPITAL' AND community_id = ?) OR (county_id = ? AND type IN ('BUREAU', 'HEALTH_BUREAU'))) ORDER BY id`,
      [communityId, countyId],
    );
    return rows.map((r) => r.id);
  }
}
