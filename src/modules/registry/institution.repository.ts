import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { Scope, ScopeTarget } from '../../domain/access-policy';
import { InstitutionType, PRIMARY_TYPES } from '../../domain/institution-registry';
import { updateVersioned } from '../../database/versioned-update';
import { Institution } from './institution.entity';

export interface InstitutionFilter {
  type?: InstitutionType;
  countyCode?: string;
  communityCode?: string;
  parentCode?: string;
  active?: boolean;
  primary?: boolean;
  /** Part of the code or name. */
  q?: string;
  page: number;
  pageSize: number;
}

/** An institution's type, community and state, for rules about who may belong where. */
export interface InstitutionBrief {
  id: number;
  code: string;
  type: InstitutionType;
  communityId: number | null;
  active: boolean;
}

export interface NewInstitution {
  code: string;
  name: string;
  type: InstitutionType;
  countyId: number;
  communityId: number | null;
  parentId: number | null;
  nationalCode?: string | null;
}

const FULL_RELATIONS = { county: true, community: true, parent: true } as const;

/** An institution as a list shows it: its own fields and the codes of its county, community and parent. */
export type InstitutionListing = Pick<
  Institution,
  'code' | 'name' | 'type' | 'nationalCode' | 'active' | 'version' | 'createdAt' | 'updatedAt'
> & {
  county: { code: string } | null;
  community: { code: string } | null;
  parent: { code: string } | null;
};

interface InstitutionListingRow {
  code: string;
  name: string;
  type: InstitutionType;
  national_code: string | null;
  active: number;
  version: number;
  created_at: Date;
  updated_at: Date;
  county_code: string;
  community_code: string | null;
  parent_code: string | null;
}

const listing = (r: InstitutionListingRow): InstitutionListing => ({
  code: r.code,
  name: r.name,
  type: r.type,
  nationalCode: r.national_code,
  active: Boolean(r.active),
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  county: { code: r.county_code },
  community: r.community_code === null ? null : { code: r.community_code },
  parent: r.parent_code === null ? null : { code: r.parent_code },
});

/** The condition limiting an institution alias to what a scope may see, in plain SQL with its parameters. */
export function institutionScopeSql(scope: Scope, alias: string): { sql: string; params: unknown[] } {
  switch (scope.kind) {
    case 'county':
      return { sql: `${alias}.county_id = ?`, params: [scope.countyId] };
    case 'region':
      return { sql: `${alias}.county_id IN (${scope.countyIds.map(() => '?').join(', ') || 'NULL'})`, params: [...scope.countyIds] };
    case 'community':
      return { sql: `${alias}.community_id = ?`, params: [scope.communityId] };
    case 'township':
      return { sql: `(${alias}.id = ? OR ${alias}.parent_id = ?)`, params: [scope.institutionId, scope.institutionId] };
    case 'self':
      return { sql: `${alias}.id = ?`, params: [scope.institutionId] };
  }
}

/** Every statement on institution. */
@Injectable()
export class InstitutionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The institutions a scope may see, filtered and paginated, with the codes of their county,
   * community and parent: one plain statement (a list is read on every screen; building and
   * hydrating entities cost more than the database does), and a COUNT only for a full page.
   */
  async list(scope: Scope, f: InstitutionFilter): Promise<[InstitutionListing[], number]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const inScope = institutionScopeSql(scope, 'i');
    where.push(inScope.sql);
    params.push(...inScope.params);
    const when = (condition: unknown, sql: string, value: unknown) => {
      if (condition === undefined || condition === '' || condition === null) return;
      where.push(sql);
      params.push(value);
    };
    when(f.type, 'i.type = ?', f.type);
    when(f.countyCode, 'c.code = ?', f.countyCode);
    when(f.communityCode, 'm.code = ?', f.communityCode);
    when(f.parentCode, 'p.code = ?', f.parentCode);
    when(f.active, 'i.active = ?', f.active ? 1 : 0);
    when(f.primary, `i.type ${f.primary ? 'IN' : 'NOT IN'} (?)`, [...PRIMARY_TYPES]);
    if (f.q) {
      const like = `%${f.q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      where.push('(i.code LIKE ? OR i.name LIKE ?)');
      params.push(like, like);
    }
    const from = `FROM institution i JOIN county c ON c.id = i.county_id LEFT JOIN medical_community m ON m.id = i.community_id
      LEFT JOIN institution p ON p.id = i.parent_id WHERE ${where.join(' AND ')}`;
    const rows: InstitutionListingRow[] = await this.dataSource.query(
      `SELECT i.code, i.name, i.type, i.national_code, i.active, i.version, i.created_at, i.updated_at,
              c.code AS county_code, m.code AS community_code, p.code AS parent_code ${from} ORDER BY i.code LIMIT ? OFFSET ?`,
      [...params, f.pageSize, (f.page - 1) * f.pageSize],
    );
    const listed = rows.map(listing);
    // A short page that is not empty ends the list: its position gives the total without counting.
    if (rows.length > 0 && rows.length < f.pageSize) return [listed, (f.page - 1) * f.pageSize + rows.length];
    const [{ n }]: { n: number | string }[] = await this.dataSource.query(`SELECT COUNT(*) AS n ${from}`, params);
    return [listed, Number(n)];
  }

  /** With county, community and parent (codes are unique: one statement, where `findOne` with relations would first select the id). */
  findByCode(code: string, manager: EntityManager = this.dataSource.manager): Promise<Institution | null> {
    return manager
      .getRepository(Institution)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.county', 'county')
      .leftJoinAndSelect('i.community', 'community')
      .leftJoinAndSelect('i.parent', 'parent')
      .where('i.code = :code', { code })
      .getOne();
  }

  /** Without relations. */
  findPlainByCode(manager: EntityManager, code: string): Promise<Institution | null> {
    return manager.findOne(Institution, { where: { code } });
  }

  /** With county, community and parent. */
  /** The institution holding each of these national codes. */
  async holdersOfNationalCodes(manager: EntityManager, nationalCodes: string[]): Promise<Map<string, string>> {
    if (nationalCodes.length === 0) return new Map();
    const rows: { code: string; national_code: string }[] = await manager.query(
      `SELECT code, national_code FROM institution WHERE national_code IN (${nationalCodes.map(() => '?').join(', ')})`,
      nationalCodes,
    );
    return new Map(rows.map((r) => [r.national_code, r.code]));
  }

  findByCodes(manager: EntityManager, codes: string[]): Promise<Institution[]> {
    return codes.length ? manager.find(Institution, { where: { code: In(codes) }, relations: FULL_RELATIONS }) : Promise.resolve([]);
  }

  async briefsByCodes(manager: EntityManager, codes: string[]): Promise<InstitutionBrief[]> {
    if (codes.length === 0) return [];
    const rows: { id: number; code: string; type: InstitutionType; community_id: number | null; active: number }[] = await manager.query(
      `SELECT id, code, type, community_id, active FROM institution WHERE code IN (${codes.map(() => '?').join(', ')})`,
      codes,
    );
    return rows.map((r) => ({ id: r.id, code: r.code, type: r.type, communityId: r.community_id, active: Boolean(r.active) }));
  }

  /** Where an institution sits, for scope checks; null when the code is unknown. */
  async placementByCode(code: string): Promise<ScopeTarget | null> {
    const [row]: { id: number; county_id: number; community_id: number | null; parent_id: number | null }[] = await this.dataSource.query(
      'SELECT id, county_id, community_id, parent_id FROM institution WHERE code = ?',
      [code],
    );
    return row ? { id: row.id, countyId: row.county_id, communityId: row.community_id, parentId: row.parent_id } : null;
  }

  /** The active lead hospitals of the communities, with their community. */
  activeLeadsOf(manager: EntityManager, communityIds: number[]): Promise<Institution[]> {
    return communityIds.length
      ? manager.find(Institution, {
          where: { communityId: In(communityIds), type: 'LEAD_HOSPITAL', active: true },
          relations: { community: true },
        })
      : Promise.resolve([]);
  }

  countActiveMembersOf(manager: EntityManager, communityId: number): Promise<number> {
    return manager.count(Institution, { where: { communityId, active: true } });
  }

  countActiveChildrenOf(manager: EntityManager, parentId: number): Promise<number> {
    return manager.count(Institution, { where: { parentId, active: true } });
  }

  /** Inserts the institution and answers it with its relations. */
  async create(manager: EntityManager, row: NewInstitution): Promise<Institution> {
    const saved = await manager.save(manager.create(Institution, { ...row, active: true, version: 1 }));
    return manager.findOneOrFail(Institution, { where: { id: saved.id }, relations: FULL_RELATIONS });
  }

  update(manager: EntityManager, current: Institution, expectedVersion: number, changes: Partial<Institution>): Promise<void> {
    return updateVersioned(manager, Institution, current.id, expectedVersion, current.version, changes);
  }
}
