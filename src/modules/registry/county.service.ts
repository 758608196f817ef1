import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { actingCountyId, Scope } from '../../domain/access-policy';
import {
  assertCommunityDeactivatable,
  assertCountyDeactivatable,
  assertCountyTakesCommunities,
  assertIdenticalRepeat,
  sameCommunityDetails,
  sameCountyDetails,
} from '../../domain/institution-registry';
import { Page } from '../../common/pagination';
import { AuditService } from '../audit';
import { CommunityRepository } from './community.repository';
import { County } from './county.entity';
import { CountyRepository } from './county.repository';
import { CommunityQuery, CountyQuery, CreateCommunityDto, CreateCountyDto, UpdateCommunityDto, UpdateCountyDto } from './dto/registry.dto';
import { InstitutionRepository } from './institution.repository';
import { MedicalCommunity } from './medical-community.entity';
import { communityView, CommunityView, countyView, CountyView } from './registry.views';
import { isDuplicateKey, notFound, outOfScope } from '../../common/record-errors';

const snapshot = (v: CountyView | CommunityView) => {
  const { createdAt: _c, updatedAt: _u, ...rest } = v;
  return rest as Record<string, unknown>;
};

/** Counties (pooling districts) and their medical communities. */
@Injectable()
export class CountyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly counties: CountyRepository,
    private readonly communities: CommunityRepository,
    private readonly institutions: InstitutionRepository,
    private readonly audit: AuditService,
  ) {}

  /** The connection's own manager, for reads outside any transaction. */
  get manager(): EntityManager {
    return this.counties.manager;
  }

  async listCounties(q: CountyQuery, scope: Scope): Promise<Page<CountyView>> {
    const [rows, total] = await this.counties.list(scope, q);
    return { items: rows.map(countyView), page: q.page, pageSize: q.pageSize, total };
  }

  async getCounty(code: string, manager: EntityManager = this.counties.manager): Promise<County> {
    const county = await this.counties.findByCode(code, manager);
    if (!county) throw notFound('county', code);
    return county;
  }

  /** A county by code, in the caller's transaction; null when unknown. */
  findCounty(code: string, manager: EntityManager = this.counties.manager): Promise<County | null> {
    return this.counties.findByCode(code, manager);
  }

  /** A county by id (it must exist), in the caller's transaction. */
  countyById(manager: EntityManager, id: number): Promise<County> {
    return this.counties.findById(manager, id);
  }

  /** Serialises one county's document writes until the caller's transaction ends. */
  lockCounty(manager: EntityManager, countyId: number): Promise<void> {
    return this.counties.lock(manager, countyId);
  }

  /** Retrying an identical creation answers the existing county. */
  async createCounty(dto: CreateCountyDto): Promise<{ view: CountyView; created: boolean }> {
    return this.dataSource
      .transaction(async (manager) => {
        const existing = await this.counties.findByCode(dto.code, manager);
        if (existing) {
          assertIdenticalRepeat('county', dto.code, sameCountyDetails(existing, dto));
          return { view: countyView(existing), created: false };
        }
        const id = await this.counties.create(manager, { code: dto.code, name: dto.name, regionCode: dto.regionCode ?? null });
        const view = countyView(await this.counties.findById(manager, id));
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
      const before = countyView(current);
      const changes = { name: dto.name ?? current.name, regionCode: dto.regionCode === undefined ? current.regionCode : dto.regionCode };
      await this.counties.update(manager, current, dto.version, changes);
      return this.audited(manager, 'county.update', 'county', code, before, countyView(await this.getCounty(code, manager)));
    });
  }

  async deactivateCounty(code: string, version: number): Promise<CountyView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.getCounty(code, manager);
      if (!current.active) return countyView(current);
      assertCountyDeactivatable(code, await this.communities.countActiveOfCounty(manager, current.id));
      const before = countyView(current);
      await this.counties.update(manager, current, version, { active: false });
      return this.audited(manager, 'county.deactivate', 'county', code, before, countyView(await this.getCounty(code, manager)));
    });
  }

  async listCommunities(q: CommunityQuery, scope: Scope): Promise<Page<CommunityView>> {
    const [rows, total] = await this.communities.list(scope, q);
    return { items: rows.map(communityView), page: q.page, pageSize: q.pageSize, total };
  }

  async getCommunity(code: string, manager: EntityManager = this.counties.manager): Promise<MedicalCommunity> {
    const community = await this.communities.findByCode(code, manager);
    if (!community) throw notFound('medical community', code);
    return community;
  }

  /** An active community by code, locked until the caller's transaction ends; null when there is none. */
  lockActiveCommunity(manager: EntityManager, code: string): Promise<{ id: number; countyId: number; code: string } | null> {
    return this.communities.lockActiveByCode(manager, code);
  }

  /** The active communities of a county, by code. */
  activeCommunitiesOf(manager: EntityManager, countyId: number): Promise<{ id: number; code: string }[]> {
    return this.communities.activeOfCounty(manager, countyId);
  }

  /** `scope`: the caller's; a community can only be created in the caller's own county. */
  async createCommunity(dto: CreateCommunityDto, scope?: Scope): Promise<{ view: CommunityView; created: boolean }> {
    return this.dataSource
      .transaction(async (manager) => {
        const existing = await this.communities.findByCode(dto.code, manager);
        if (existing) {
          assertIdenticalRepeat(
            'community',
            dto.code,
            sameCommunityDetails({ name: existing.name, countyCode: existing.county.code }, dto),
          );
          return { view: communityView(existing), created: false };
        }
        const county = await this.counties.findByCode(dto.countyCode, manager);
        assertCountyTakesCommunities(dto.countyCode, county);
        if (scope && actingCountyId(scope) !== county!.id) throw outOfScope('countyCode', `county ${dto.countyCode}`);
        await this.communities.create(manager, { code: dto.code, name: dto.name, countyId: county!.id });
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
      const before = communityView(current);
      await this.communities.update(manager, current, dto.version, { name: dto.name ?? current.name });
      const after = communityView(await this.getCommunity(code, manager));
      return this.audited(manager, 'community.update', 'medical_community', code, before, after);
    });
  }

  async deactivateCommunity(code: string, version: number): Promise<CommunityView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await this.getCommunity(code, manager);
      if (!current.active) return communityView(current);
      assertCommunityDeactivatable(code, await this.institutions.countActiveMembersOf(manager, current.id));
      const before = communityView(current);
      await this.communities.update(manager, current, version, { active: false });
      const after = communityView(await this.getCommunity(code, manager));
      return this.audited(manager, 'community.deactivate', 'medical_community', code, before, after);
    });
  }

  /** The audit entry of an update, shared by counties and communities. */
  private async audited<V extends CountyView | CommunityView>(
    manager: EntityManager,
    action: string,
    entityType: string,
    code: string,
    before: V,
    after: V,
  ): Promise<V> {
    await this.audit.record(manager, { action, entityType, entityId: code, before: snapshot(before), after: snapshot(after) });
    return after;
  }
}
