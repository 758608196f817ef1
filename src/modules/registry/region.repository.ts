import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Institution } from './institution.entity';
import { Prefecture, Province } from './region.entity';

/** Every statement on province and prefecture, and on the institutions that sit at them. */
@Injectable()
export class RegionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  provinceByCode(code: string, manager: EntityManager = this.manager): Promise<Province | null> {
    return manager.findOne(Province, { where: { code } });
  }

  prefectureByCode(code: string, manager: EntityManager = this.manager): Promise<Prefecture | null> {
    return manager.findOne(Prefecture, { where: { code } });
  }

  provinceById(id: number, manager: EntityManager = this.manager): Promise<Province> {
    return manager.findOneByOrFail(Province, { id });
  }

  prefectureById(id: number, manager: EntityManager = this.manager): Promise<Prefecture> {
    return manager.findOneByOrFail(Prefecture, { id });
  }

  async insertProvince(manager: EntityManager, p: { code: string; name: string; regionCode: string | null }): Promise<number> {
    return (await manager.save(manager.create(Province, p))).id;
  }

  async insertPrefecture(
    manager: EntityManager,
    p: { code: string; name: string; regionCode: string | null; provinceId: number },
  ): Promise<number> {
    return (await manager.save(manager.create(Prefecture, p))).id;
  }

  /** Codes of a province's prefectures. */
  async prefectureCodesOf(provinceId: number, manager: EntityManager = this.manager): Promise<string[]> {
    const rows: { code: string }[] = await manager.query('SELECT code FROM prefecture WHERE province_id = ? ORDER BY code', [provinceId]);
    return rows.map((r) => r.code);
  }

  /** Codes of a prefecture's counties. */
  async countyCodesOf(prefectureId: number, manager: EntityManager = this.manager): Promise<string[]> {
    const rows: { code: string }[] = await manager.query('SELECT code FROM county WHERE prefecture_id = ? ORDER BY code', [prefectureId]);
    return rows.map((r) => r.code);
  }

  /** Prefectures by id list or province, in code order. */
  async prefectures(where: { provinceId?: number; id?: number }): Promise<Prefecture[]> {
    return this.manager.find(Prefecture, { where, order: { code: 'ASC' } });
  }

  /** The prefecture of a county (code), or null. */
  async prefectureOfCounty(manager: EntityManager, countyId: number): Promise<Prefecture | null> {
    const [row]: { prefecture_id: number | null }[] = await manager.query('SELECT prefecture_id FROM county WHERE id = ?', [countyId]);
    return row?.prefecture_id ? this.prefectureById(row.prefecture_id, manager) : null;
  }

  async placeCounty(manager: EntityManager, countyId: number, prefectureId: number): Promise<void> {
    await manager.query('UPDATE county SET prefecture_id = ?, version = version + 1 WHERE id = ?', [prefectureId, countyId]);
  }

  institutionByCode(manager: EntityManager, code: string): Promise<Institution | null> {
    return manager.findOne(Institution, { where: { code } });
  }

  async insertInstitution(
    manager: EntityManager,
    i: { code: string; name: string; type: Institution['type']; prefectureId: number | null; provinceId: number | null },
  ): Promise<void> {
    await manager.insert(Institution, { ...i, countyId: null, communityId: null, parentId: null, nationalCode: null, deactivatedAt: null });
  }
}
