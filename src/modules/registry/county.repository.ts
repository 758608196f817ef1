import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In } from 'typeorm';
import { Scope, scopeCountyIds } from '../../domain/access-policy';
import { updateVersioned } from '../../database/versioned-update';
import { County } from './county.entity';

/** Every statement on county. */
@Injectable()
export class CountyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  /** The caller's own county (a prefecture or the province: every county below it), paginated. */
  list(scope: Scope, q: { active?: boolean; page: number; pageSize: number }): Promise<[County[], number]> {
    const ids = scopeCountyIds(scope);
    const where: FindOptionsWhere<County> = { id: In(ids.length ? [...ids] : [0]) };
    if (q.active !== undefined) where.active = q.active;
    return this.dataSource.manager.findAndCount(County, {
      where,
      order: { code: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
  }

  findByCode(code: string, manager: EntityManager = this.dataSource.manager): Promise<County | null> {
    return manager.findOne(County, { where: { code } });
  }

  findByCodes(manager: EntityManager, codes: string[]): Promise<County[]> {
    return codes.length ? manager.find(County, { where: { code: In(codes) } }) : Promise.resolve([]);
  }

  findById(manager: EntityManager, id: number): Promise<County> {
    return manager.findOneByOrFail(County, { id });
  }

  /** Serialises the writes that must see one county's documents one at a time. */
  async lock(manager: EntityManager, id: number): Promise<void> {
    await manager.query('SELECT id FROM county WHERE id = ? FOR UPDATE', [id]);
  }

  async create(manager: EntityManager, county: { code: string; name: string; regionCode: string | null }): Promise<number> {
    const saved = await manager.save(manager.create(County, county));
    return saved.id;
  }

  update(manager: EntityManager, current: County, expectedVersion: number, changes: Partial<County>): Promise<void> {
    return updateVersioned(manager, County, current.id, expectedVersion, current.version, changes);
  }
}
