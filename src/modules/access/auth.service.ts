import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as jwt from 'jsonwebtoken';
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { isRole, Role, scopeOf } from '../../domain/access-policy';
import { DomainError } from '../../domain/domain-error';
import { InstitutionType } from '../../domain/institution-registry';
import { AuditService } from '../audit/audit.service';
import { AuthSession } from './auth-session.entity';
import { Caller } from '../../common/caller';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './password';
import { User } from './user.entity';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

interface AccessClaims {
  sub: string;
  sid: string;
}

type CallerRow = {
  user_id: number | null;
  name: string;
  roles: string;
  institution_id: number;
  code: string;
  type: InstitutionType;
  county_id: number;
  community_id: number | null;
};

export const API_TOKEN_PREFIX = 'cbm_';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function unauthenticated(message = 'sign in first: send Authorization: Bearer <access token or API token>'): DomainError {
  return new DomainError('UNAUTHENTICATED', 'unauthenticated', message);
}

/** Sign-in, refresh, logout, and turning a bearer token into a Caller. */
@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditService,
  ) {}

  async login(username: string, password: string): Promise<TokenPair> {
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username })
      .getOne();
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !ok || !user.active) {
      await this.audit.recordStandalone(
        { action: 'auth.login', entityType: 'user', entityId: username, before: null, after: null, outcome: 'DENIED' },
        { actor: username },
      );
      throw unauthenticated('unknown username, wrong password, or a deactivated user');
    }
    const sessionId = randomUUID();
    const refreshToken = randomBytes(32).toString('base64url');
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(AuthSession, {
        id: sessionId,
        userId: user.id,
        refreshHash: sha256(refreshToken),
        expiresAt: this.refreshExpiry(),
        revokedAt: null,
      });
      await this.audit.record(
        manager,
        { action: 'auth.login', entityType: 'user', entityId: username, before: null, after: { session: sessionId } },
        { actor: username },
      );
    });
    return this.pair(user.id, sessionId, refreshToken);
  }

  /** Rotates the refresh token: the one presented stops working. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const session = await this.dataSource.manager.findOne(AuthSession, { where: { refreshHash: sha256(refreshToken) } });
    if (!session || session.revokedAt || session.expiresAt.getTime() < Date.now())
      throw unauthenticated('the refresh token is unknown, expired or revoked; sign in again');
    const next = randomBytes(32).toString('base64url');
    const result = await this.dataSource.manager.update(
      AuthSession,
      { id: session.id, refreshHash: session.refreshHash },
      { refreshHash: sha256(next), expiresAt: this.refreshExpiry() },
    );
    if (result.affected !== 1) throw unauthenticated('the refresh token was already used; sign in again');
    return this.pair(session.userId, session.id, next);
  }

  async logout(caller: Caller): Promise<void> {
    if (!caller.sessionId) return;
    await this.dataSource.transaction(async (manager) => {
      await manager.update(AuthSession, { id: caller.sessionId! }, { revokedAt: new Date() });
      await this.audit.record(manager, {
        action: 'auth.logout',
        entityType: 'user',
        entityId: caller.name,
        before: null,
        after: { session: caller.sessionId },
      });
    });
  }

  /** Verifies a bearer credential: a signed access token of a live session, or an unrevoked API token. */
  async authenticate(bearer: string): Promise<Caller> {
    if (bearer.startsWith(API_TOKEN_PREFIX)) return this.authenticateApiToken(bearer);
    let claims: AccessClaims;
    try {
      claims = jwt.verify(bearer, this.config.auth.jwtSecret, { algorithms: ['HS256'] }) as AccessClaims;
    } catch {
      throw unauthenticated('the access token is invalid or expired; refresh it or sign in again');
    }
    const [row]: CallerRow[] = await this.dataSource.query(
      `SELECT u.id AS user_id, u.username AS name, u.roles, i.id AS institution_id, i.code, i.type, i.county_id, i.community_id
         FROM auth_session s JOIN app_user u ON u.id = s.user_id JOIN institution i ON i.id = u.institution_id
        WHERE s.id = ? AND u.id = ? AND s.revoked_at IS NULL AND u.active = 1 AND i.active = 1`,
      [claims.sid, Number(claims.sub)],
    );
    if (!row) throw unauthenticated('the session has ended (logged out, or the user was deactivated); sign in again');
    return toCaller('user', row, claims.sid);
  }

  private async authenticateApiToken(bearer: string): Promise<Caller> {
    const [, id, secret] = /^cbm_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{20,})$/.exec(bearer) ?? [];
    if (!id) throw unauthenticated('malformed API token');
    const [row]: (CallerRow & { secret_hash: string })[] = await this.dataSource.query(
      `SELECT NULL AS user_id, CONCAT('token:', t.id) AS name, t.roles, t.secret_hash, i.id AS institution_id, i.code, i.type, i.county_id, i.community_id
         FROM api_token t JOIN institution i ON i.id = t.institution_id
        WHERE t.id = ? AND t.revoked_at IS NULL AND i.active = 1`,
      [id],
    );
    if (!row || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(sha256(secret))))
      throw unauthenticated('the API token is unknown or revoked');
    return toCaller('token', row, null);
  }

  private pair(userId: number, sessionId: string, refreshToken: string): TokenPair {
    const accessToken = jwt.sign({ sid: sessionId } satisfies Omit<AccessClaims, 'sub'>, this.config.auth.jwtSecret, {
      algorithm: 'HS256',
      subject: String(userId),
      expiresIn: this.config.auth.accessTtlSeconds,
    });
    return { accessToken, refreshToken, tokenType: 'Bearer', expiresIn: this.config.auth.accessTtlSeconds };
  }

  private refreshExpiry(): Date {
    return new Date(Date.now() + this.config.auth.refreshTtlSeconds * 1000);
  }
}

export function hashApiTokenSecret(secret: string): string {
  return sha256(secret);
}

function toCaller(kind: Caller['kind'], row: CallerRow, sessionId: string | null): Caller {
  const roles = row.roles.split(',').filter(isRole) as Role[];
  const institution = { id: row.institution_id, code: row.code, type: row.type, countyId: row.county_id, communityId: row.community_id };
  return { kind, name: row.name, userId: row.user_id, sessionId, roles, institution, scope: scopeOf(institution, roles) };
}
