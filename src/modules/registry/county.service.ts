import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { Scope } from '../../domain/access-policy';
import { DomainError } from '../../domain/domain-error';
import { Page } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { County } from './county.entity';
import { CommunityQuery, CountyQuery, CreateCommunityDto, CreateCountyDto, UpdateCommunityDto, UpdateCountyDto } from './dto/registry.dto';
import { Institution } from './institution.entity';
import { MedicalCommunity } from './medical-community.entity';
import { communityView, CommunityView, countyView, CountyView } from './registry.views';
import { isDuplicateKey, notFound, outOfScope } from '../../common/record-errors';
import { updateVersioned } from '../../database/versioned-update';

const snapshot = (v: CountyView | CommunityView) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = v;
  return rest as Record<string, unknown>;
};

function codeTaken(what: string, code: string): DomainError {
  return new DomainError(`${what.toUpperCase()}_CODE_TAKEN`, 'conflict', `${what} ${code} already exists with other details`, [
    { field: 'code', rule: 'unique', message: `${what} ${code} already exists` },
  ]);
}

/** Counties (pooling districts) and their medical communities. */
@Injectable()
export class CountyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async listCounties(q: CountyQuery, scope: Scope): Promise<Page<CountyView>> {
    const where: FindOptionsWhere<County> = { id: scope.countyId };
    if (q.active !== undefined) where.active = q.active;
    const [rows, total] = await this.dataSource.manager.findAndCount(County, {
      where,
      order: { code: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(countyView), page: q.page, pageSize: q.pageSize, total };
  }

  async getCounty(code: string, manager: EntityManager = this.dataSource.manager): Promise<County> {
    const county = await manager.findOne(County, { where: { code } });
    if (!county) throw notFound('county', code);
    return county;
  }

  /** Retrying an identical creation answers the existing county. */
  async createCounty(dto: CreateCountyDto): Promise<{ view: CountyView; created: boolean }> {
    return this.dataSource
      .transaction(async (manager) => {
        const existing = await manager.findOne(County, { where: { code: dto.code } });
        if (existing) {
          if (existing.name === dto.name && existing.regionCode === (dto.regionCode ?? null))
            return { view: countyView(existing), created: false };
          throw codeTaken('county', dto.code);
        }
        const saved = await manager.save(manager.create(County, { code: dto.code, name: dto.name, regionCode: dto.regionCode ?? null }));
        const view = countyView(await manager.findOneByOrFail(County, { id: saved.id }));
        await this.audit.record(manager, {
          action: 'county.create',
          entityType: 'county',
          entityId: dto.code,
          before: null,
          after: snapshot(view),
        });
        return { view, created: true };
      })
      .catch((err) => (isDuplicateKey(err) ? this.createCounty(dto) : Promise.reject(err)));
  }

  async updateCounty(code: string, dto: UpdateCountyDto): Promise<CountyView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.getCounty(code, manager);
      const changes = { name: dto.name ?? current.name, regionCode: dto.regionCode === undefined ? current.regionCode : dto.regionCode };
      return this.applyUpdate(manager, County, current, dto.version, changes, 'county.update', 'county', async () =>
        countyView(await this.getCounty(code, manager)),
      );
    });
  }

  async deactivateCounty(code: string, version: number): Promise<CountyView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.getCounty(code, manager);
      if (!current.active) return countyView(current);
      const members = await manager.count(MedicalCommunity, { where: { countyId: current.id, active: true } });
      if (members > 0) throw stillInUse('county', code, `${members} active medical community(ies)`);
      return this.applyUpdate(manager, County, current, version, { active: false }, 'county.deactivate', 'county', async () =>
        countyView(await this.getCounty(code, manager)),
      );
    });
  }

  async listCommunities(q: CommunityQuery, scope: Scope): Promise<Page<CommunityView>> {
    const where: FindOptionsWhere<MedicalCommunity> =
      scope.kind === 'county' ? { countyId: scope.countyId } : { id: scope.communityId ?? 0 };
    if (q.active !== undefined) where.active = q.active;
    if (q.countyCode) where.county = { code: q.countyCode };
    const [rows, total] = await this.dataSource.manager.findAndCount(MedicalCommunity, {
      where,
      relations: { county: true },
      order: { code: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(communityView), page: q.page, pageSize: q.pageSize, total };
  }

  async getCommunity(code: string, manager: EntityManager = this.dataSource.manager): Promise<MedicalCommunity> {
    const community = await manager.findOne(MedicalCommunity, { where: { code }, relations: { county: true } });
    if (!community) throw notFound('medical community', code);
    return community;
  }

  /** `scope`: the caller's; a community can only be created in the caller's own county. */
  async createCommunity(dto: CreateCommunityDto, scope?: Scope): Promise<{ view: CommunityView; created: boolean }> {
    return this.dataSource
      .transaction(async (manager) => {
        const existing = await manager.findOne(MedicalCommunity, { where: { code: dto.code }, relations: { county: true } });
        if (existing) {
          if (existing.name === dto.name && existing.county.code === dto.countyCode)
            return { view: communityView(existing), created: false };
          throw codeTaken('community', dto.code);
        }
        const county = await manager.findOne(County, { where: { code: dto.countyCode } });
        if (!county || !county.active) {
          throw new DomainError('COMMUNITY_INVALID', 'unprocessable', `county ${dto.countyCode} does not exist or is deactivated`, [
            {
              field: 'countyCode',
              rule: county ? 'active' : 'exists',
              message: `county ${dto.countyCode} ${county ? 'is deactivated' : 'does not exist'}`,
            },
          ]);
        }
        if (scope && scope.countyId !== county.id) throw outOfScope('countyCode', `county ${dto.countyCode}`);
        await manager.save(manager.create(MedicalCommunity, { code: dto.code, name: dto.name, countyId: county.id }));
        const view = communityView(await this.getCommunity(dto.code, manager));
        await this.audit.record(manager, {
          action: 'community.create',
          entityType: 'medical_community',
          entityId: dto.code,
          before: null,
          after: snapshot(view),
        });
        return { view, created: true };
      })
      .catch((err) => (isDuplicateKey(err) ? this.createCommunity(dto, scope) : Promise.reject(err)));
  }

  async updateCommunity(code: string, dto: UpdateCommunityDto): Promise<CommunityView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.getCommunity(code, manager);
      return this.applyUpdate(
        manager,
        MedicalCommunity,
        current,
        dto.version,
        { name: dto.name ?? current.name },
        'community.update',
        'medical_community',
        async () => communityView(await this.getCommunity(code, manager)),
      );
    });
  }

  async deactivateCommunity(code: string, version: number): Promise<CommunityView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.getCommunity(code, manager);
      if (!current.active) return communityView(current);
      const members = await manager.count(Institution, { where: { communityId: current.id, active: true } });
      if (members > 0) throw stillInUse('medical community', code, `${members} active member institution(s)`);
      return this.applyUpdate(
        manager,
        MedicalCommunity,
        current,
        version,
        { active: false },
        'community.deactivate',
        'medical_community',
        async () => communityView(await this.getCommunity(code, manager)),
      );
    });
  }

  /** Versioned update plus its audit entry, shared by counties and communities. */
  private async applyUpdate<E extends County | MedicalCommunity, V extends CountyView | CommunityView>(
    manager: EntityManager,
    entity: new () => E,
    current: E,
    version: number,
    changes: Record<string, unknown>,
    action: string,
    entityType: string,
    reload: () => Promise<V>,
  ): Promise<V> {
    const before = current instanceof County ? countyView(current) : communityView(current as MedicalCommunity);
    await updateVersioned(manager, entity, current.id, version, current.version, changes);
    const after = await reload();
    await this.audit.record(manager, { action, entityType, entityId: current.code, before: snapshot(before), after: snapshot(after) });
    return after;
  }
}

function stillInUse(what: string, code: string, members: string): DomainError {
  return new DomainError('STILL_IN_USE', 'conflict', `cannot deactivate ${what} ${code}: ${members} still belong to it`, [
    { field: 'code', rule: 'noActiveMembers', message: `${members} still belong to ${code}` },
  ]);
}
