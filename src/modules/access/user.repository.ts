import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role, Scope } from '../../domain/access-policy';
import { updateVersioned } from '../../database/versioned-update';
import { scopeWhere } from './scope-sql';
import { User } from './user.entity';

/** Every statement on app_user. */
@Injectable()
export class UserRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** With the password hash, for signing in. */
  findWithPasswordHash(username: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .addSelect('u.passwordHash')
      .where('u.username = :username', { username })
      .getOne();
  }

  /** With the institution. */
  findByUsername(manager: EntityManager, username: string): Promise<User | null> {
    return manager.findOne(User, { where: { username }, relations: { institution: true } });
  }

  /** Users of the institutions a scope may see, by username. */
  list(scope: Scope, q: { institutionCode?: string; page: number; pageSize: number }): Promise<[User[], number]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(User, 'u')
      .innerJoinAndSelect('u.institution', 'i')
      .orderBy('u.username')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    qb.andWhere(...scopeWhere(scope, 'i'));
    if (q.institutionCode) qb.andWhere('i.code = :code', { code: q.institutionCode });
    return qb.getManyAndCount();
  }

  async create(
    manager: EntityManager,
    user: { username: string; displayName: string; institutionId: number; roles: Role[]; passwordHash: string },
  ): Promise<void> {
    await manager.save(manager.create(User, user));
  }

  update(manager: EntityManager, current: User, expectedVersion: number, changes: Partial<User>): Promise<void> {
    return updateVersioned(manager, User, current.id, expectedVersion, current.version, changes);
  }

  async setPasswordHash(manager: EntityManager, userId: number, passwordHash: string): Promise<void> {
    await manager.update(User, { id: userId }, { passwordHash });
  }

  /** Usernames that exist already, of those given. */
  async existingUsernames(usernames: string[]): Promise<Set<string>> {
    if (usernames.length === 0) return new Set();
    const rows: { username: string }[] = await this.dataSource.query(
      `SELECT username FROM app_user WHERE username IN (${usernames.map(() => '?').join(', ')})`,
      usernames,
    );
    return new Set(rows.map((r) => r.username));
  }

  /** The institution a user belongs to, for scope checks; null when the username is unknown. */
  async placementOf(username: string): Promise<PlacementRow | null> {
    const [row]: PlacementRow[] = await this.dataSource.query(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM app_user u JOIN institution i ON i.id = u.institution_id WHERE u.username = ?',
      [username],
    );
    return row ?? null;
  }
}

/** Where an institution sits (id, county, community, parent), as read with a record that belongs to it. */
export type PlacementRow = { id: number; county_id: number; community_id: number | null; parent_id: number | null };
