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
}
