import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { RoleChangeEvents } from '../../common/role-change-events';
import { DataSource, EntityManager } from 'typeorm';
import {
  assertAssignableInstitution,
  assertNotOwnRoleChange,
  assertRolesFitInstitution,
  assertSeparationOfDuties,
  institutionAdministrable,
  levelOf,
  normalizeUsername,
  Role,
  rolesDiffer,
  usernameTaken,
} from '../../domain/access-policy';
import { Caller } from '../../common/caller';
import { Page } from '../../common/pagination';
import { AuditService } from '../audit';
import { Institution } from '../registry';
import { InstitutionService } from '../registry';
import { isDuplicateKey, notFound, outOfScope } from '../../common/record-errors';
import { AuthSessionRepository } from './auth-session.repository';
import { CallerCache } from './caller-cache';
import { CreateUserDto, SetPasswordDto, UpdateUserDto, UserQuery } from './dto/access.dto';
import { hashPassword } from './password';
import { User } from './user.entity';
import { UserRepository } from './user.repository';

export interface UserView {
  username: string;
  displayName: string;
  institutionCode: string;
  roles: Role[];
  active: boolean;
  version: number;
}

const view = (u: User): UserView => ({
  username: u.username,
  displayName: u.displayName,
  institutionCode: u.institution.code,
  roles: u.roles,
  active: u.active,
  version: u.version,
});
const snapshot = (v: UserView) => ({ ...v }) as Record<string, unknown>;

/** Looks up an institution the caller may act on (any, for provisioning with no caller), for assigning users and tokens to it. */
export async function institutionForAssignment(
  institutions: InstitutionService,
  manager: EntityManager,
  caller: Caller | null,
  code: string,
): Promise<Institution> {
  const institution = await institutions.find(manager, code);
  assertAssignableInstitution(code, institution);
  if (caller && !institutionAdministrable(caller.scope, institution!)) throw outOfScope('institutionCode', `institution ${code}`);
  return institution!;
}

/** The roles fit the institution, and ADMIN is never held with a role that moves or approves money. */
export function assertRolesFit(institution: Institution, roles: Role[]): void {
  assertRolesFitInstitution(institution.type, roles, levelOf(institution));
  assertSeparationOfDuties(roles);
}

/** User administration (ADMIN), within the administrator's county. */
@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly users: UserRepository,
    private readonly sessions: AuthSessionRepository,
    private readonly institutions: InstitutionService,
    private readonly audit: AuditService,
    private readonly roleChanges: RoleChangeEvents,
    private readonly callers: CallerCache,
  ) {}

  /** `caller` null: provisioning by an operator (demo data, the user CLI), not limited to a scope. */
  async create(caller: Caller | null, dto: CreateUserDto): Promise<UserView> {
    const username = normalizeUsername(dto.username);
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const institution = await institutionForAssignment(this.institutions, manager, caller, dto.institutionCode);
        assertRolesFit(institution, dto.roles);
        await this.users.create(manager, {
          username,
          displayName: dto.displayName,
          institutionId: institution.id,
          roles: [...new Set(dto.roles)],
          passwordHash,
        });
        const v = view(await this.load(manager, username));
        await this.audit.record(manager, {
          action: 'user.create',
          entityType: 'user',
          entityId: v.username,
          before: null,
          after: snapshot(v),
        });
        await this.recordRoleChange(manager, v.username, institution.countyId, [], v.roles, caller);
        return v;
      });
    } catch (err) {
      if (isDuplicateKey(err)) throw usernameTaken(username);
      throw err;
    }
  }

  async list(caller: Caller, q: UserQuery): Promise<Page<UserView>> {
    const [rows, total] = await this.users.list(caller.scope, q);
    return { items: rows.map(view), page: q.page, pageSize: q.pageSize, total };
  }

  async get(username: string): Promise<UserView> {
    return view(await this.load(this.users.manager, username));
  }

  /** The usernames of those given that exist already (in their one spelling). */
  existingUsernames(usernames: string[]): Promise<Set<string>> {
    return this.users.existingUsernames(usernames.map(normalizeUsername));
  }

  /** `caller` null: an operator outside HTTP, who is nobody's own user (and so may set any roles that fit). */
  async update(caller: Caller | null, typed: string, dto: UpdateUserDto): Promise<UserView> {
    // Roles and deactivation take effect on this instance's next request (other instances: AUTH_CACHE_TTL_MS).
    return this.forgettingCallers(() =>
      this.dataSource.transaction(async (manager) => {
        const current = await this.load(manager, typed);
        const username = current.username;
        const before = view(current);
        if (dto.roles) {
          if (caller) assertNotOwnRoleChange(caller.name, username, current.roles, dto.roles);
          assertRolesFit(current.institution, dto.roles);
        }
        await this.users.update(manager, current, dto.version, {
          displayName: dto.displayName ?? current.displayName,
          roles: [...new Set(dto.roles ?? current.roles)],
          active: dto.active ?? current.active,
        });
        if (dto.active === false) await this.sessions.revokeAllOf(manager, current.id);
        const after = view(await this.load(manager, username));
        await this.audit.record(manager, {
          action: 'user.update',
          entityType: 'user',
          entityId: username,
          before: snapshot(before),
          after: snapshot(after),
        });
        await this.recordRoleChange(manager, username, current.institution.countyId, before.roles, after.roles, caller);
        return after;
      }),
    );
  }

  /**
   * Every change of a user's roles gets its own audit entry, before → after, and is told to the
   * county's auditors (through RoleChangeEvents: the notifications belong to another module).
   */
  private async recordRoleChange(
    manager: EntityManager,
    username: string,
    countyId: number | null,
    before: Role[],
    after: Role[],
    caller: Caller | null,
  ): Promise<void> {
    if (!rolesDiffer(before, after)) return;
    await this.audit.record(manager, {
      action: 'user.roles',
      entityType: 'user',
      entityId: username,
      before: { roles: before },
      after: { roles: after },
    });
    // The county's auditors are told; a prefecture's or the province's change is in the audit log only.
    if (countyId === null) return;
    await this.roleChanges.rolesChanged({ manager, username, countyId, before, after, changedBy: caller?.name ?? null });
  }

  /** Sets a new password and ends every session of that user. */
  async setPassword(typed: string, dto: SetPasswordDto): Promise<void> {
    const passwordHash = await hashPassword(dto.password);
    await this.forgettingCallers(() =>
      this.dataSource.transaction(async (manager) => {
        const current = await this.load(manager, typed);
        const username = current.username;
        await this.users.setPasswordHash(manager, current.id, passwordHash);
        await this.sessions.revokeAllOf(manager, current.id);
        await this.audit.record(manager, {
          action: 'user.password',
          entityType: 'user',
          entityId: username,
          before: null,
          after: { password: '[changed]' },
        });
      }),
    );
  }

  /** Runs a committed change of a user, then forgets the verified credentials (see CallerCache). */
  private async forgettingCallers<T>(change: () => Promise<T>): Promise<T> {
    try {
      return await change();
    } finally {
      this.callers.forget();
    }
  }

  /** The user of a username in any spelling (looked up in its one spelling). */
  private async load(manager: EntityManager, typed: string): Promise<User> {
    const username = normalizeUsername(typed);
    const user = await this.users.findByUsername(manager, username);
    if (!user) throw notFound('user', username);
    return user;
  }
}
