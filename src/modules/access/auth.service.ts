import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import * as jwt from 'jsonwebtoken';
import { createHash, createSecretKey, KeyObject, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import {
  isRole,
  normalizeUsername,
  passwordOfTokenRefused,
  refreshSessionLive,
  Role,
  ScopeInstitution,
  scopeOf,
  signInAllowed,
  unauthenticated,
  wrongCurrentPassword,
} from '../../domain/access-policy';
import { AuditService } from '../audit';
import { ApiTokenRepository } from './api-token.repository';
import { AuthSessionRepository, CallerRow } from './auth-session.repository';
import { CallerCache } from './caller-cache';
import { Caller } from '../../common/caller';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './password';
import { UserRepository } from './user.repository';

// Kept for the modules that took the refusal from here; it is decided in src/domain/access-policy.ts.
export { unauthenticated } from '../../domain/access-policy';

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

export const API_TOKEN_PREFIX = 'cbm_';
/** The actor the audit trail and the rate limit name for requests made with the configured metrics scrape token. */
export const METRICS_SCRAPER = 'system:metrics-scraper';
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** Sign-in, refresh, logout, and turning a bearer token into a Caller. */
@Injectable()
export class AuthService {
  /** The signing key as a key object, made once: handing the library the secret text makes it parse the text as a key on every request. */
  private readonly signingKey: KeyObject;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly users: UserRepository,
    private readonly sessions: AuthSessionRepository,
    private readonly tokens: ApiTokenRepository,
    private readonly audit: AuditService,
    private readonly callers: CallerCache<CallerRow & { secret_hash?: string }>,
  ) {
    this.signingKey = createSecretKey(Buffer.from(this.config.auth.jwtSecret));
  }

  /** `username` in any spelling: it is looked up and audited in its one spelling (normalizeUsername). */
  async login(typed: string, password: string): Promise<TokenPair> {
    const username = normalizeUsername(typed);
    const user = await this.users.findWithPasswordHash(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
    if (!user || !signInAllowed(user, ok)) {
      await this.audit.recordStandalone(
        { action: 'auth.login', entityType: 'user', entityId: username, before: null, after: null, outcome: 'DENIED' },
        { actor: username },
      );
      throw unauthenticated('unknown username, wrong password, or a deactivated user');
    }
    const sessionId = randomUUID();
    const refreshToken = randomBytes(32).toString('base64url');
    await this.dataSource.transaction(async (manager) => {
      await this.sessions.insert(manager, {
        id: sessionId,
        userId: user.id,
        refreshHash: sha256(refreshToken),
        expiresAt: this.refreshExpiry(),
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
    const session = await this.sessions.findByRefreshHash(sha256(refreshToken));
    if (!session || !refreshSessionLive(session, new Date()))
      throw unauthenticated('the refresh token is unknown, expired or revoked; sign in again');
    const next = randomBytes(32).toString('base64url');
    if (!(await this.sessions.rotate(session, sha256(next), this.refreshExpiry())))
      throw unauthenticated('the refresh token was already used; sign in again');
    return this.pair(session.userId, session.id, next);
  }

  async logout(caller: Caller): Promise<void> {
    if (!caller.sessionId) return;
    await this.dataSource.transaction(async (manager) => {
      await this.sessions.revoke(manager, caller.sessionId!);
      await this.audit.record(manager, {
        action: 'auth.logout',
        entityType: 'user',
        entityId: caller.name,
        before: null,
        after: { session: caller.sessionId },
      });
    });
    this.callers.forget();
  }

  /**
   * A signed-in user changes their own password: the current one is asked for again, and every
   * other session of the user ends (this one stays signed in). API tokens have no password.
   */
  async changeOwnPassword(caller: Caller, currentPassword: string, password: string): Promise<void> {
    if (caller.kind !== 'user' || caller.userId === null) throw passwordOfTokenRefused();
    const user = await this.users.findWithPasswordHash(normalizeUsername(caller.name));
    if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) {
      await this.audit.recordStandalone({
        action: 'user.password',
        entityType: 'user',
        entityId: caller.name,
        before: null,
        after: null,
        outcome: 'DENIED',
      });
      throw wrongCurrentPassword();
    }
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (manager) => {
      await this.users.setPasswordHash(manager, user.id, passwordHash);
      await this.sessions.revokeOthersOf(manager, user.id, caller.sessionId);
      await this.audit.record(manager, {
        action: 'user.password',
        entityType: 'user',
        entityId: caller.name,
        before: null,
        after: { password: '[changed]', by: 'self' },
      });
    });
    this.callers.forget();
  }

  /** Verifies a bearer credential: a signed access token of a live session, or an unrevoked API token. */
  async authenticate(bearer: string): Promise<Caller> {
    if (bearer.startsWith(API_TOKEN_PREFIX)) return this.authenticateApiToken(bearer);
    let claims: AccessClaims;
    try {
      claims = jwt.verify(bearer, this.signingKey, { algorithms: ['HS256'] }) as AccessClaims;
    } catch {
      throw unauthenticated('the access token is invalid or expired; refresh it or sign in again');
    }
    const userId = Number(claims.sub);
    const row = await this.callers.get(`session:${claims.sid}:${userId}`, () => this.sessions.callerOf(claims.sid, userId));
    if (!row) throw unauthenticated('the session has ended (logged out, or the user was deactivated); sign in again');
    return toCaller('user', row, claims.sid, await this.countiesBelow(row));
  }

  /**
   * An active user as the caller of in-process work (the demo seeding acts as the demo users):
   * no session, no token; the same roles, institution and scope a signed-in request would carry.
   */
  async callerOfUser(username: string): Promise<Caller> {
    const row = await this.sessions.callerOfUsername(username);
    if (!row) throw unauthenticated(`no active user ${username}`);
    return toCaller('user', row, null, await this.countiesBelow(row));
  }

  /** Whether the bearer is the configured metrics scrape token (METRICS_TOKEN); compared in constant time. */
  isMetricsScrapeToken(bearer: string): boolean {
    const configured = this.config.auth.metricsToken;
    return configured !== null && timingSafeEqual(Buffer.from(sha256(bearer)), Buffer.from(sha256(configured)));
  }

  private async authenticateApiToken(bearer: string): Promise<Caller> {
    const [, id, secret] = /^cbm_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{20,})$/.exec(bearer) ?? [];
    if (!id) throw unauthenticated('malformed API token');
    const row = await this.callers.get(`token:${id}`, () => this.tokens.callerOf(id));
    if (!row?.secret_hash || !timingSafeEqual(Buffer.from(row.secret_hash), Buffer.from(sha256(secret))))
      throw unauthenticated('the API token is unknown or revoked');
    return toCaller('token', row, null, await this.countiesBelow(row));
  }

  /** The counties a caller above the county reads (none asked for a county's caller). */
  private countiesBelow(row: CallerRow): Promise<number[]> {
    if (row.prefecture_id !== null) return this.sessions.countiesBelow('PREFECTURE', row.prefecture_id);
    if (row.province_id !== null) return this.sessions.countiesBelow('PROVINCE', row.province_id);
    return Promise.resolve([]);
  }

  private pair(userId: number, sessionId: string, refreshToken: string): TokenPair {
    const accessToken = jwt.sign({ sid: sessionId } satisfies Omit<AccessClaims, 'sub'>, this.signingKey, {
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

function toCaller(kind: Caller['kind'], row: CallerRow, sessionId: string | null, countiesBelow: readonly number[]): Caller {
  const roles = row.roles.split(',').filter(isRole) as Role[];
  const level = row.county_id !== null ? 'COUNTY' : row.prefecture_id !== null ? 'PREFECTURE' : 'PROVINCE';
  const regionId = row.prefecture_id ?? row.province_id;
  const institution = {
    id: row.institution_id,
    code: row.code,
    type: row.type,
    level,
    countyId: row.county_id,
    regionId,
    communityId: row.community_id,
  } as const;
  const placed: ScopeInstitution =
    level === 'COUNTY'
      ? { level, id: row.institution_id, type: row.type, countyId: row.county_id!, communityId: row.community_id }
      : { level, id: row.institution_id, type: row.type, regionId: regionId!, countyIds: countiesBelow };
  return { kind, name: row.name, userId: row.user_id, sessionId, roles, institution, scope: scopeOf(placed, roles) };
}
