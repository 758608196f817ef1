import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { InstitutionType } from '../../domain/institution-registry';
import { AuthSession } from './auth-session.entity';

/** Who a credential belongs to: the user or token, its roles and its institution. */
export type CallerRow = {
  user_id: number | null;
  name: string;
  roles: string;
  institution_id: number;
  code: string;
  type: InstitutionType;
  /** Exactly one of county, prefecture and province is set: where the institution sits. */
  county_id: number | null;
  prefecture_id: number | null;
  province_id: number | null;
  community_id: number | null;
};

/** The institution columns a caller row reads. */
export const CALLER_INSTITUTION_COLUMNS =
  'i.id AS institution_id, i.code, i.type, i.county_id, i.prefecture_id, i.province_id, i.community_id';

/** Every statement on auth_session. */
@Injectable()
export class AuthSessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(manager: EntityManager, session: { id: string; userId: number; refreshHash: string; expiresAt: Date }): Promise<void> {
    await manager.insert(AuthSession, { ...session, revokedAt: null });
  }

  findByRefreshHash(refreshHash: string): Promise<AuthSession | null> {
    return this.dataSource.manager.findOne(AuthSession, { where: { refreshHash } });
  }

  /** Swaps the refresh token only if it is still the one presented; false when another refresh won. */
  async rotate(session: AuthSession, refreshHash: string, expiresAt: Date): Promise<boolean> {
    const result = await this.dataSource.manager.update(
      AuthSession,
      { id: session.id, refreshHash: session.refreshHash },
      { refreshHash, expiresAt },
    );
    return result.affected === 1;
  }

  async revoke(manager: EntityManager, sessionId: string): Promise<void> {
    await manager.update(AuthSession, { id: sessionId }, { revokedAt: new Date() });
  }

  /** Ends every open session of a user. */
  /** Ends every live session of the user but `keep` (the one that asked). */
  async revokeOthersOf(manager: EntityManager, userId: number, keep: string | null): Promise<void> {
    await manager.query('UPDATE auth_session SET revoked_at = CURRENT_TIMESTAMP(3) WHERE user_id = ? AND revoked_at IS NULL AND id <> ?', [
      userId,
      keep ?? '',
    ]);
  }

  async revokeAllOf(manager: EntityManager, userId: number): Promise<void> {
    await manager.query('UPDATE auth_session SET revoked_at = CURRENT_TIMESTAMP(3) WHERE user_id = ? AND revoked_at IS NULL', [userId]);
  }

  /** The caller behind a live session of an active user of an active institution, or null. */
  /** An active user as a caller, without a session (in-process tools acting as a known user). */
  async callerOfUsername(username: string): Promise<CallerRow | null> {
    const [row]: CallerRow[] = await this.dataSource.query(
      `SELECT u.id AS user_id, u.username AS name, u.roles, ${CALLER_INSTITUTION_COLUMNS}
         FROM app_user u JOIN institution i ON i.id = u.institution_id
        WHERE u.username = ? AND u.active = 1 AND i.active = 1`,
      [username],
    );
    return row ?? null;
  }

  async callerOf(sessionId: string, userId: number): Promise<CallerRow | null> {
    const [row]: CallerRow[] = await this.dataSource.query(
      `SELECT u.id AS user_id, u.username AS name, u.roles, ${CALLER_INSTITUTION_COLUMNS}
         FROM auth_session s JOIN app_user u ON u.id = s.user_id JOIN institution i ON i.id = u.institution_id
        WHERE s.id = ? AND u.id = ? AND s.revoked_at IS NULL AND u.active = 1 AND i.active = 1`,
      [sessionId, userId],
    );
    return row ?? null;
  }

  /**
   * The counties below a prefecture or the province: read once per authentication of a caller
   * above the county (one indexed query; county callers never run it).
   */
  async countiesBelow(level: 'PREFECTURE' | 'PROVINCE', id: number): Promise<number[]> {
    const rows: { id: number }[] = await this.dataSource.query(
      level === 'PREFECTURE'
        ? 'SELECT id FROM county WHERE prefecture_id = ? ORDER BY id'
        : 'SELECT c.id FROM county c JOIN prefecture p ON p.id = c.prefecture_id WHERE p.province_id = ? ORDER BY c.id',
      [id],
    );
    return rows.map((r) => Number(r.id));
  }
}
