import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere, In } from 'typeorm';
import { Scope } from '../../domain/access-policy';
import { updateVersioned } from '../../database/versioned-update';
import { MedicalCommunity } from './medical-community.entity';

/** Every statement on medical_community. */
@Injectable()
export class CommunityRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The communities a scope may see: every one of its county, or its own. */
  list(scope: Scope, q: { active?: boolean; countyCode?: string; page: number; pageSize: number }): Promise<[MedicalCommunity[], number]> {
    const where: FindOptionsWhere<MedicalCommunity> =
      scope.kind === 'county'
        ? { countyId: scope.countyId }
        : scope.kind === 'region'
          ? { countyId: In(scope.countyIds.length ? [...scope.countyIds] : [0]) }
          : { id: scope.communityId ?? 0 };
    if (q.active !== undefined) where.active = q.active;
    if (q.countyCode) where.county = { code: q.countyCode };
    return this.dataSource.manager.findAndCount(MedicalCommunity, {
      where,
      relations: { county: true },
      order: { code: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
  }

  /** With its county (codes are unique: one statement, where `findOne` with a relation would first select the id). */
  findByCode(code: string, manager: EntityManager = this.dataSource.manager): Promise<MedicalCommunity | null> {
    return manager
      .getRepository(MedicalCommunity)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.county', 'county')
      .where('c.code = :code', { code })
      .getOne();
  }

  findByCodes(manager: EntityManager, codes: string[]): Promise<MedicalCommunity[]> {
    return codes.length ? manager.find(MedicalCommunity, { where: { code: In(codes) }, relations: { county: true } }) : Promise.resolve([]);
  }

  /** An active community by code, locked until the caller's transaction ends. */
  async lockActiveByCode(manager: EntityManager, code: string): Promise<{ id: number; countyId: number; code: string } | null> {
    const [row]: { id: number; county_id: number; code: string }[] = await manager.query(
      'SELECT id, county_id, code FROM medical_community WHERE code = ? AND active = 1 FOR UPDATE',
      [code],
    );
    return row ? { id: row.id, countyId: row.county_id, code: row.code } : null;
  }

  /** The active communities of a county, by code. */
  activeOfCounty(manager: EntityManager, countyId: number): Promise<{ id: number; code: string }[]> {
    return manager.query('SELECT id, code FROM medical_community WHERE county_id = ? AND active = 1 ORDER BY code', [countyId]);
  }

  countActiveOfCounty(manager: EntityManager, countyId: number): Promise<number> {
    return manager.count(MedicalCommunity, { where: { countyId, active: true } });
  }

  async create(manager: EntityManager, community: { code: string; name: string; countyId: number }): Promise<void> {
    await manager.save(manager.create(MedicalCommunity, community));
  }

  update(manager: EntityManager, current: MedicalCommunity, expectedVersion: number, changes: Partial<MedicalCommunity>): Promise<void> {
    return updateVersioned(manager, MedicalCommunity, current.id, expectedVersion, current.version, changes);
  }
}
