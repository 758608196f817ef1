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
  county_id: number;
  community_id: number | null;
};

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
      `SELECT u.id AS user_id, u.username AS name, u.roles, i.id AS institution_id, i.code, i.type, i.county_id, i.community_id
         FROM app_user u JOIN institution i ON i.id = u.institution_id
        WHERE u.username = ? AND u.active = 1 AND i.active = 1`,
      [username],
    );
    return row ?? null;
  }

  async callerOf(sessionId: string, userId: number): Promise<CallerRow | null> {
    const [row]: CallerRow[] = await this.dataSource.query(
      `SELECT u.id AS user_id, u.username AS name, u.roles, i.id AS institution_id, i.code, i.type, i.county_id, i.community_id
         FROM auth_session s JOIN app_user u ON u.id = s.user_id JOIN institution i ON i.id = u.institution_id
        WHERE s.id = ? AND u.id = ? AND s.revoked_at IS NULL AND u.active = 1 AND i.active = 1`,
      [sessionId, userId],
    );
    return row ?? null;
  }
}
