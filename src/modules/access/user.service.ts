import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { institutionInScope, Role, rolesNotAllowedFor } from '../../domain/access-policy';
import { DomainError } from '../../domain/domain-error';
import { Caller } from '../../common/caller';
import { Page } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { Institution } from '../registry/institution.entity';
import { isDuplicateKey, notFound, outOfScope } from '../../common/record-errors';
import { updateVersioned } from '../../database/versioned-update';
import { CreateUserDto, SetPasswordDto, UpdateUserDto, UserQuery } from './dto/access.dto';
import { hashPassword } from './password';
import { User } from './user.entity';
import { scopeWhere } from './scope-sql';

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
export async function institutionForAssignment(manager: EntityManager, caller: Caller | null, code: string): Promise<Institution> {
  const institution = await manager.findOne(Institution, { where: { code } });
  if (!institution || !institution.active) {
    throw new DomainError('INSTITUTION_INVALID', 'unprocessable', `institution ${code} does not exist or is deactivated`, [
      { field: 'institutionCode', rule: 'exists', message: `no active institution ${code}` },
    ]);
  }
  if (caller && !institutionInScope(caller.scope, institution)) throw outOfScope('institutionCode', `institution ${code}`);
  return institution;
}

export function assertRolesFit(institution: Institution, roles: Role[]): void {
  const wrong = rolesNotAllowedFor(institution.type, roles);
  if (wrong.length) {
    throw new DomainError(
      'ROLE_NOT_FOR_INSTITUTION',
      'unprocessable',
      `a ${institution.type} cannot hold ${wrong.join(', ')}`,
      wrong.map((r) => ({ field: 'roles', rule: 'roleFitsInstitution', message: `${r} is not held at a ${institution.type}` })),
    );
  }
}

/** User administration (ADMIN), within the administrator's county. */
@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** `caller` null: provisioning by an operator (demo data, the user CLI), not limited to a scope. */
  async create(caller: Caller | null, dto: CreateUserDto): Promise<UserView> {
    const passwordHash = await hashPassword(dto.password);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const institution = await institutionForAssignment(manager, caller, dto.institutionCode);
        assertRolesFit(institution, dto.roles);
        const saved = await manager.save(
          manager.create(User, {
            username: dto.username,
            displayName: dto.displayName,
            institutionId: institution.id,
            roles: [...new Set(dto.roles)],
            passwordHash,
          }),
        );
        const v = view(await this.load(manager, saved.username));
        await this.audit.record(manager, {
          action: 'user.create',
          entityType: 'user',
          entityId: v.username,
          before: null,
          after: snapshot(v),
        });
        return v;
      });
    } catch (err) {
      if (isDuplicateKey(err))
        throw new DomainError('USERNAME_TAKEN', 'conflict', `username ${dto.username} is taken`, [
          { field: 'username', rule: 'unique', message: 'taken' },
        ]);
      throw err;
    }
  }

  async list(caller: Caller, q: UserQuery): Promise<Page<UserView>> {
    const qb = this.dataSource.manager
      .createQueryBuilder(User, 'u')
      .innerJoinAndSelect('u.institution', 'i')
      .orderBy('u.username')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    qb.andWhere(...scopeWhere(caller.scope, 'i'));
    if (q.institutionCode) qb.andWhere('i.code = :code', { code: q.institutionCode });
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(view), page: q.page, pageSize: q.pageSize, total };
  }

  async get(username: string): Promise<UserView> {
    return view(await this.load(this.dataSource.manager, username));
  }

  async update(username: string, dto: UpdateUserDto): Promise<UserView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.load(manager, username);
      const before = view(current);
      if (dto.roles) assertRolesFit(current.institution, dto.roles);
      await updateVersioned(manager, User, current.id, dto.version, current.version, {
        displayName: dto.displayName ?? current.displayName,
        roles: [...new Set(dto.roles ?? current.roles)],
        active: dto.active ?? current.active,
      });
      if (dto.active === false)
        await manager.query('UPDATE auth_session SET revoked_at = CURRENT_TIMESTAMP(3) WHERE user_id = ? AND revoked_at IS NULL', [
          current.id,
        ]);
      const after = view(await this.load(manager, username));
      await this.audit.record(manager, {
        action: 'user.update',
        entityType: 'user',
        entityId: username,
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
  }

  /** Sets a new password and ends every session of that user. */
  async setPassword(username: string, dto: SetPasswordDto): Promise<void> {
    const passwordHash = await hashPassword(dto.password);
    await this.dataSource.transaction(async (manager) => {
      const current = await this.load(manager, username);
      await manager.update(User, { id: current.id }, { passwordHash });
      await manager.query('UPDATE auth_session SET revoked_at = CURRENT_TIMESTAMP(3) WHERE user_id = ? AND revoked_at IS NULL', [
        current.id,
      ]);
      await this.audit.record(manager, {
        action: 'user.password',
        entityType: 'user',
        entityId: username,
        before: null,
        after: { password: '[changed]' },
      });
    });
  }

  private async load(manager: EntityManager, username: string): Promise<User> {
    const user = await manager.findOne(User, { where: { username }, relations: { institution: true } });
    if (!user) throw notFound('user', username);
    return user;
  }
}
