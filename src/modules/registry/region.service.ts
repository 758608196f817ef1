import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Caller } from '../../common/caller';
import { isDuplicateKey, notFound, outOfScope } from '../../common/record-errors';
import { regionInScope, Scope } from '../../domain/access-policy';
import {
  assertCountyPlaceable,
  assertIdenticalRepeat,
  assertRegionExists,
  assertTypeFitsLevel,
  sameCountyDetails,
} from '../../domain/institution-registry';
import { AuditService } from '../audit';
import { CountyRepository } from './county.repository';
import { CreatePrefectureDto, CreateRegionalInstitutionDto, CreateRegionDto } from './dto/region.dto';
import { Prefecture, Province } from './region.entity';
import { RegionRepository } from './region.repository';
import {
  prefectureView,
  PrefectureView,
  provinceView,
  ProvinceView,
  regionalInstitutionView,
  RegionalInstitutionView,
} from './region.views';

type Level = 'PREFECTURE' | 'PROVINCE';

/**
 * The levels above the county (SPEC §12): the province, its prefectures, the counties placed in
 * them and the institutions that sit at a prefecture or the province. The province is provisioned
 * by an operator; its ADMIN creates prefectures and their institutions; a prefecture's ADMIN (or
 * the province's) places counties in it.
 */
@Injectable()
export class RegionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionRepository,
    private readonly counties: CountyRepository,
    private readonly audit: AuditService,
  ) {}

  /** Provisioning by an operator (the province has no ADMIN before it exists). Retrying an identical creation answers the existing one. */
  async createProvince(dto: CreateRegionDto): Promise<{ view: ProvinceView; created: boolean }> {
    return this.dataSource
      .transaction(async (manager) => {
        const existing = await this.regions.provinceByCode(dto.code, manager);
        if (existing) {
          assertIdenticalRepeat('province', dto.code, sameCountyDetails(existing, dto));
          return { view: await this.provinceView(existing, manager), created: false };
        }
        const id = await this.regions.insertProvince(manager, { code: dto.code, name: dto.name, regionCode: dto.regionCode ?? null });
        const view = await this.provinceView(await this.regions.provinceById(id, manager), manager);
        await this.audit.record(manager, {
          action: 'province.create',
          entityType: 'province',
          entityId: dto.code,
          before: null,
          after: { ...view },
        });
        return { view, created: true };
      })
      .catch((err) => (isDuplicateKey(err) ? this.createProvince(dto) : Promise.reject(err)));
  }

  /** `caller` null: an operator; otherwise the province's ADMIN. */
  async createPrefecture(caller: Caller | null, dto: CreatePrefectureDto): Promise<{ view: PrefectureView; created: boolean }> {
    return this.dataSource
      .transaction(async (manager) => {
        const province = await this.regions.provinceByCode(dto.provinceCode, manager);
        assertRegionExists('provinceCode', 'province', dto.provinceCode, province);
        if (caller && !regionInScope(caller.scope, { level: 'PROVINCE', id: province!.id, provinceId: null }))
          throw outOfScope('provinceCode', `province ${dto.provinceCode}`);
        const existing = await this.regions.prefectureByCode(dto.code, manager);
        if (existing) {
          assertIdenticalRepeat('prefecture', dto.code, sameCountyDetails(existing, dto) && existing.provinceId === province!.id);
          return { view: await this.prefectureView(existing, manager), created: false };
        }
        const id = await this.regions.insertPrefecture(manager, {
          code: dto.code,
          name: dto.name,
          regionCode: dto.regionCode ?? null,
          provinceId: province!.id,
        });
        const view = await this.prefectureView(await this.regions.prefectureById(id, manager), manager);
        await this.audit.record(manager, {
          action: 'prefecture.create',
          entityType: 'prefecture',
          entityId: dto.code,
          before: null,
          after: { ...view },
        });
        return { view, created: true };
      })
      .catch((err) => (isDuplicateKey(err) ? this.createPrefecture(caller, dto) : Promise.reject(err)));
  }

  /** Places a county in the prefecture (once; placing it again in the same one changes nothing). */
  async placeCounty(caller: Caller | null, prefectureCode: string, countyCode: string): Promise<PrefectureView> {
    return this.dataSource.transaction(async (manager) => {
      const prefecture = await this.prefecture(prefectureCode, manager);
      const county = await this.counties.findByCode(countyCode, manager);
      assertRegionExists('countyCode', 'county', countyCode, county);
      const current = county!.prefectureId === null ? null : (await this.regions.prefectureById(county!.prefectureId, manager)).code;
      assertCountyPlaceable(countyCode, current, prefectureCode);
      if (current === null) {
        await this.regions.placeCounty(manager, county!.id, prefecture.id);
        await this.audit.record(manager, {
          action: 'county.place',
          entityType: 'county',
          entityId: countyCode,
          before: { prefectureCode: null },
          after: { prefectureCode },
        });
      }
      void caller;
      return this.prefectureView(prefecture, manager);
    });
  }

  /** An institution at a prefecture or the province; `caller` null: an operator. */
  async createInstitution(
    caller: Caller | null,
    level: Level,
    regionCode: string,
    dto: CreateRegionalInstitutionDto,
  ): Promise<{ view: RegionalInstitutionView; created: boolean }> {
    assertTypeFitsLevel(dto.type, level, 'type');
    return this.dataSource
      .transaction(async (manager) => {
        const region = level === 'PREFECTURE' ? await this.prefecture(regionCode, manager) : await this.province(regionCode, manager);
        const existing = await this.regions.institutionByCode(manager, dto.code);
        const atLevel = (i: { prefectureId: number | null; provinceId: number | null }) =>
          (level === 'PREFECTURE' ? i.prefectureId : i.provinceId) === region.id;
        if (existing) {
          assertIdenticalRepeat('institution', dto.code, existing.name === dto.name && existing.type === dto.type && atLevel(existing));
          return { view: regionalInstitutionView(existing, level, regionCode), created: false };
        }
        await this.regions.insertInstitution(manager, {
          code: dto.code,
          name: dto.name,
          type: dto.type,
          prefectureId: level === 'PREFECTURE' ? region.id : null,
          provinceId: level === 'PROVINCE' ? region.id : null,
        });
        const view = regionalInstitutionView((await this.regions.institutionByCode(manager, dto.code))!, level, regionCode);
        await this.audit.record(manager, {
          action: 'institution.create',
          entityType: 'institution',
          entityId: dto.code,
          before: null,
          after: { ...view },
        });
        void caller;
        return { view, created: true };
      })
      .catch((err) => (isDuplicateKey(err) ? this.createInstitution(caller, level, regionCode, dto) : Promise.reject(err)));
  }

  /** The provinces and prefectures a scope reads: its own level and, for the province, its prefectures. */
  async listPrefectures(scope: Scope): Promise<PrefectureView[]> {
    if (scope.kind !== 'region') return [];
    const rows = await this.regions.prefectures(scope.level === 'PROVINCE' ? { provinceId: scope.regionId } : { id: scope.regionId });
    return Promise.all(rows.map((p) => this.prefectureView(p, this.regions.manager)));
  }

  async listProvinces(scope: Scope): Promise<ProvinceView[]> {
    if (scope.kind !== 'region') return [];
    const provinceId = scope.level === 'PROVINCE' ? scope.regionId : (await this.regions.prefectureById(scope.regionId)).provinceId;
    return [await this.provinceView(await this.regions.provinceById(provinceId), this.regions.manager)];
  }

  async getPrefecture(code: string): Promise<PrefectureView> {
    return this.prefectureView(await this.prefecture(code), this.regions.manager);
  }

  async getProvince(code: string): Promise<ProvinceView> {
    return this.provinceView(await this.province(code), this.regions.manager);
  }

  prefectureById(id: number): Promise<Prefecture> {
    return this.regions.prefectureById(id);
  }

  async prefecture(code: string, manager: EntityManager = this.regions.manager): Promise<Prefecture> {
    const found = await this.regions.prefectureByCode(code, manager);
    if (!found) throw notFound('prefecture', code);
    return found;
  }

  async province(code: string, manager: EntityManager = this.regions.manager): Promise<Province> {
    const found = await this.regions.provinceByCode(code, manager);
    if (!found) throw notFound('province', code);
    return found;
  }

  private async provinceView(p: Province, manager: EntityManager): Promise<ProvinceView> {
    return provinceView(p, await this.regions.prefectureCodesOf(p.id, manager));
  }

  private async prefectureView(p: Prefecture, manager: EntityManager): Promise<PrefectureView> {
    const province = await this.regions.provinceById(p.provinceId, manager);
    return prefectureView(p, province.code, await this.regions.countyCodesOf(p.id, manager));
  }
}
