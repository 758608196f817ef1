import { CALLER_INSTITUTION_COLUMNS } from './auth-session.repository';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Role, Scope } from '../../domain/access-policy';
import { ApiToken } from './api-token.entity';
import { CallerRow } from './auth-session.repository';
import { scopeWhere } from './scope-sql';
import { PlacementRow } from './user.repository';

/** Every statement on api_token. */
@Injectable()
export class ApiTokenRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async insert(
    manager: EntityManager,
    token: { id: string; name: string; institutionId: number; roles: Role[]; secretHash: string; createdBy: string },
  ): Promise<void> {
    await manager.insert(ApiToken, token);
  }

  /** With the institution. */
  find(manager: EntityManager, id: string): Promise<ApiToken | null> {
    return manager.findOne(ApiToken, { where: { id }, relations: { institution: true } });
  }

  /** Tokens of the institutions a scope may see, newest first. */
  list(scope: Scope, q: { page: number; pageSize: number }): Promise<[ApiToken[], number]> {
    const qb = this.dataSource.manager
      .createQueryBuilder(ApiToken, 't')
      .innerJoinAndSelect('t.institution', 'i')
      // Entity property names: with skip/take over a join TypeORM orders its id subquery by them (a column name fails).
      .orderBy('t.createdAt', 'DESC')
      .addOrderBy('t.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    qb.andWhere(...scopeWhere(scope, 'i'));
    return qb.getManyAndCount();
  }

  async revoke(manager: EntityManager, id: string): Promise<void> {
    await manager.update(ApiToken, { id }, { revokedAt: new Date() });
  }

  /** The caller behind an unrevoked token of an active institution, with the token's secret hash; or null. */
  async callerOf(id: string): Promise<(CallerRow & { secret_hash: string }) | null> {
    const [row]: (CallerRow & { secret_hash: string })[] = await this.dataSource.query(
      `SELECT NULL AS user_id, CONCAT('token:', t.id) AS name, t.roles, t.secret_hash, ${CALLER_INSTITUTION_COLUMNS}
         FROM api_token t JOIN institution i ON i.id = t.institution_id
        WHERE t.id = ? AND t.revoked_at IS NULL AND i.active = 1`,
      [id],
    );
    return row ?? null;
  }

  /** The institution a token belongs to, for scope checks; null when the token is unknown. */
  async placementOf(id: string): Promise<PlacementRow | null> {
    const [row]: PlacementRow[] = await this.dataSource.query(
      'SELECT i.id, i.county_id, i.community_id, i.parent_id FROM api_token t JOIN institution i ON i.id = t.institution_id WHERE t.id = ?',
      [id],
    );
    return row ?? null;
  }
}
