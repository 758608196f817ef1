import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, EntityManager, In } from 'typeorm';
import { Scope } from '../../domain/access-policy';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import { checkInstitutionPlacement, InstitutionType, ParentRef, PRIMARY_TYPES } from '../../domain/institution-registry';
import { Page } from '../../common/pagination';
import { AuditService } from '../audit/audit.service';
import { County } from './county.entity';
import { CreateInstitutionDto, InstitutionQuery, UpdateInstitutionDto } from './dto/registry.dto';
import { Institution } from './institution.entity';
import { MedicalCommunity } from './medical-community.entity';
import { institutionSnapshot, institutionView, InstitutionView } from './registry.views';
import { isDuplicateKey, notFound, outOfScope } from '../../common/record-errors';
import { updateVersioned } from '../../database/versioned-update';
import { scopeWhere } from '../access/scope-sql';

/** One institution to write, from the API or from an import file (`row` = line number in the file). */
export interface InstitutionRow {
  row?: number;
  code: string;
  name: string;
  type: InstitutionType;
  countyCode: string;
  communityCode: string | null;
  parentCode: string | null;
}

export interface ImportOutcome {
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: ErrorDetail[];
}

/** Registry records the rows refer to, loaded once per write. */
interface Lookup {
  counties: Map<string, County>;
  communities: Map<string, MedicalCommunity & { county: County }>;
  institutions: Map<string, Institution>;
  leadsByCommunity: Map<string, string>;
}

const FULL_RELATIONS = { county: true, community: true, parent: true } as const;

@Injectable()
export class InstitutionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async list(query: InstitutionQuery, scope: Scope): Promise<Page<InstitutionView>> {
    const qb = this.dataSource
      .getRepository(Institution)
      .createQueryBuilder('i')
      .innerJoinAndSelect('i.county', 'county')
      .leftJoinAndSelect('i.community', 'community')
      .leftJoinAndSelect('i.parent', 'parent')
      .orderBy('i.code', 'ASC')
      .skip((query.page - 1) * query.pageSize)
      .take(query.pageSize);
    qb.andWhere(...scopeWhere(scope, 'i'));
    if (query.type) qb.andWhere('i.type = :type', { type: query.type });
    if (query.countyCode) qb.andWhere('county.code = :countyCode', { countyCode: query.countyCode });
    if (query.communityCode) qb.andWhere('community.code = :communityCode', { communityCode: query.communityCode });
    if (query.parentCode) qb.andWhere('parent.code = :parentCode', { parentCode: query.parentCode });
    if (query.active !== undefined) qb.andWhere('i.active = :active', { active: query.active });
    if (query.primary !== undefined) {
      qb.andWhere(`i.type ${query.primary ? 'IN' : 'NOT IN'} (:...primaryTypes)`, { primaryTypes: PRIMARY_TYPES });
    }
    if (query.q) {
      const like = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(new Brackets((w) => w.where('i.code LIKE :like', { like }).orWhere('i.name LIKE :like', { like })));
    }
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(institutionView), page: query.page, pageSize: query.pageSize, total };
  }

  async get(code: string, manager: EntityManager = this.dataSource.manager): Promise<InstitutionView> {
    const found = await manager.findOne(Institution, { where: { code }, relations: FULL_RELATIONS });
    if (!found) throw notFound('institution', code);
    return institutionView(found);
  }

  /**
   * Creates one institution. Retrying the same creation answers the existing record
   * (`created: false`); the same code with other content is a conflict. `countyId`: the only
   * county the caller may register institutions in.
   */
  async create(dto: CreateInstitutionDto, countyId?: number): Promise<{ view: InstitutionView; created: boolean }> {
    const row = toInstitutionRow(dto);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const lookup = await this.load(manager, [row]);
        const county = lookup.counties.get(row.countyCode);
        if (countyId !== undefined && county && county.id !== countyId) throw outOfScope('countyCode', `county ${row.countyCode}`);
        const existing = lookup.institutions.get(row.code);
        if (existing) {
          const view = institutionView(existing);
          if (sameContent(view, row)) return { view, created: false };
          throw new DomainError('INSTITUTION_CODE_TAKEN', 'conflict', `institution ${row.code} already exists with other details`, [
            { field: 'code', rule: 'unique', message: `institution ${row.code} already exists` },
          ]);
        }
        const errors = this.check(row, lookup, new Map());
        if (errors.length) throw new DomainError('INSTITUTION_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
        await this.insert(manager, row, lookup);
        return { view: await this.get(row.code, manager), created: true };
      });
    } catch (err) {
      // Two identical creations racing: the loser sees the winner's row.
      if (isDuplicateKey(err)) return this.create(dto, countyId);
      throw err;
    }
  }

  async update(code: string, dto: UpdateInstitutionDto): Promise<InstitutionView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Institution, { where: { code }, relations: FULL_RELATIONS });
      if (!current) throw notFound('institution', code);
      const before = institutionView(current);
      const row: InstitutionRow = {
        code,
        name: dto.name ?? before.name,
        type: before.type,
        countyCode: before.countyCode,
        communityCode: dto.communityCode ?? before.communityCode,
        parentCode: dto.parentCode ?? before.parentCode,
      };
      const lookup = await this.load(manager, [row]);
      const errors = this.check(row, lookup, new Map());
      if (errors.length) throw new DomainError('INSTITUTION_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
      if (row.type === 'TOWNSHIP_CENTER' && row.communityCode !== before.communityCode) {
        await this.refuseIfActiveChildren(manager, current, 'move to another community');
      }
      await updateVersioned(manager, Institution, current.id, dto.version, current.version, {
        name: row.name,
        communityId: row.communityCode ? lookup.communities.get(row.communityCode)!.id : null,
        parentId: row.parentCode ? lookup.institutions.get(row.parentCode)!.id : null,
      });
      const after = await this.get(code, manager);
      await this.audit.record(manager, {
        action: 'institution.update',
        entityType: 'institution',
        entityId: code,
        before: institutionSnapshot(before),
        after: institutionSnapshot(after),
      });
      return after;
    });
  }

  async deactivate(code: string, version: number): Promise<InstitutionView> {
    return this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(Institution, { where: { code }, relations: FULL_RELATIONS });
      if (!current) throw notFound('institution', code);
      const before = institutionView(current);
      if (!current.active) return before; // already done: a retried deactivation changes nothing
      await this.refuseIfActiveChildren(manager, current, 'deactivate');
      await updateVersioned(manager, Institution, current.id, version, current.version, { active: false, deactivatedAt: new Date() });
      const after = await this.get(code, manager);
      await this.audit.record(manager, {
        action: 'institution.deactivate',
        entityType: 'institution',
        entityId: code,
        before: institutionSnapshot(before),
        after: institutionSnapshot(after),
      });
      return after;
    });
  }

  /**
   * Bulk registry import: new codes are created, existing codes with other details are
   * updated, identical rows are left alone (so re-importing a file changes nothing). With
   * `reject`, one bad row rejects the file and nothing is written.
   */
  async import(
    rows: InstitutionRow[],
    onError: 'reject' | 'skip',
    shapeErrors: ErrorDetail[] = [],
    countyId?: number,
  ): Promise<ImportOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const badRows = new Set(shapeErrors.map((e) => e.row));
      const errors = [...shapeErrors];
      const seen = new Map<string, number>();
      for (const row of rows) {
        const first = seen.get(row.code);
        if (first !== undefined) {
          errors.push({ row: row.row, field: 'code', rule: 'uniqueInFile', message: `code ${row.code} already appears on row ${first}` });
          badRows.add(row.row);
        } else seen.set(row.code, row.row ?? 0);
      }
      let candidates = rows.filter((r) => !badRows.has(r.row));
      const lookup = await this.load(manager, candidates);
      // Dropping a bad township can invalidate its villages: repeat until no row changes.
      for (;;) {
        const inFile = new Map(candidates.map((r) => [r.code, r]));
        const rowErrors = candidates.flatMap((r) => this.check(r, lookup, inFile, countyId).map((e) => ({ ...e, row: r.row })));
        if (rowErrors.length === 0) break;
        errors.push(...rowErrors);
        const bad = new Set(rowErrors.map((e) => e.row));
        candidates = candidates.filter((r) => !bad.has(r.row));
      }
      errors.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
      const rejected = new Set(errors.map((e) => e.row)).size;
      if (errors.length && onError === 'reject') {
        throw new DomainError(
          'IMPORT_REJECTED',
          'unprocessable',
          `${rejected} of ${rows.length + new Set(shapeErrors.map((e) => e.row)).size} row(s) are invalid; nothing was imported`,
          errors,
        );
      }
      const outcome: ImportOutcome = { created: 0, updated: 0, unchanged: 0, rejected, errors };
      // Parents before children, so a village can point at a township from the same file.
      const ordered = [...candidates].sort((a, b) => Number(a.type === 'VILLAGE_CLINIC') - Number(b.type === 'VILLAGE_CLINIC'));
      for (const row of ordered) {
        const existing = lookup.institutions.get(row.code);
        if (!existing) {
          await this.insert(manager, row, lookup);
          outcome.created++;
          continue;
        }
        const before = institutionView(existing);
        if (sameContent(before, row)) {
          outcome.unchanged++;
          continue;
        }
        await updateVersioned(manager, Institution, existing.id, existing.version, existing.version, {
          name: row.name,
          communityId: row.communityCode ? lookup.communities.get(row.communityCode)!.id : null,
          parentId: row.parentCode ? lookup.institutions.get(row.parentCode)!.id : null,
        });
        const after = await this.get(row.code, manager);
        await this.audit.record(manager, {
          action: 'institution.import.update',
          entityType: 'institution',
          entityId: row.code,
          before: institutionSnapshot(before),
          after: institutionSnapshot(after),
        });
        outcome.updated++;
      }
      return outcome;
    });
  }

  private async refuseIfActiveChildren(manager: EntityManager, township: Institution, what: string): Promise<void> {
    const children = await manager.count(Institution, { where: { parentId: township.id, active: true } });
    if (children > 0) {
      throw new DomainError(
        'INSTITUTION_HAS_ACTIVE_CHILDREN',
        'conflict',
        `cannot ${what} ${township.code}: ${children} active village clinic(s) still belong to it`,
        [{ field: 'code', rule: 'noActiveVillageClinics', message: `${children} active village clinic(s) under ${township.code}` }],
      );
    }
  }

  private async insert(manager: EntityManager, row: InstitutionRow, lookup: Lookup): Promise<void> {
    const entity = manager.create(Institution, {
      code: row.code,
      name: row.name,
      type: row.type,
      countyId: lookup.counties.get(row.countyCode)!.id,
      communityId: row.communityCode ? lookup.communities.get(row.communityCode)!.id : null,
      parentId: row.parentCode ? lookup.institutions.get(row.parentCode)!.id : null,
      active: true,
      version: 1,
    });
    const saved = await manager.save(entity);
    const withRelations = await manager.findOneOrFail(Institution, { where: { id: saved.id }, relations: FULL_RELATIONS });
    lookup.institutions.set(row.code, withRelations);
    await this.audit.record(manager, {
      action: 'institution.create',
      entityType: 'institution',
      entityId: row.code,
      before: null,
      after: institutionSnapshot(institutionView(withRelations)),
    });
  }

  /** Loads the counties, communities, institutions and lead hospitals the rows refer to. */
  private async load(manager: EntityManager, rows: InstitutionRow[]): Promise<Lookup> {
    const countyCodes = unique(rows.map((r) => r.countyCode));
    const communityCodes = unique(rows.map((r) => r.communityCode));
    const institutionCodes = unique(rows.flatMap((r) => [r.code, r.parentCode]));
    const [counties, communities, institutions] = await Promise.all([
      countyCodes.length ? manager.find(County, { where: { code: In(countyCodes) } }) : [],
      communityCodes.length ? manager.find(MedicalCommunity, { where: { code: In(communityCodes) }, relations: { county: true } }) : [],
      institutionCodes.length ? manager.find(Institution, { where: { code: In(institutionCodes) }, relations: FULL_RELATIONS }) : [],
    ]);
    const leads = communities.length
      ? await manager.find(Institution, {
          where: { communityId: In(communities.map((c) => c.id)), type: 'LEAD_HOSPITAL', active: true },
          relations: { community: true },
        })
      : [];
    return {
      counties: new Map(counties.map((c) => [c.code, c])),
      communities: new Map(communities.map((c) => [c.code, c])),
      institutions: new Map(institutions.map((i) => [i.code, i])),
      leadsByCommunity: new Map(leads.map((l) => [l.community!.code, l.code])),
    };
  }

  /** Applies the placement policy to one row; parents may come from the database or the same file. */
  private check(row: InstitutionRow, lookup: Lookup, inFile: Map<string, InstitutionRow>, countyId?: number): ErrorDetail[] {
    const errors: ErrorDetail[] = [];
    const county = lookup.counties.get(row.countyCode);
    if (!county) errors.push({ field: 'countyCode', rule: 'exists', message: `county ${row.countyCode} does not exist` });
    else if (countyId !== undefined && county.id !== countyId)
      errors.push({ field: 'countyCode', rule: 'scope', message: `county ${row.countyCode} is outside what you may act on` });
    else if (!county.active) errors.push({ field: 'countyCode', rule: 'active', message: `county ${row.countyCode} is deactivated` });
    const existing = lookup.institutions.get(row.code);
    if (existing && existing.type !== row.type) {
      errors.push({ field: 'type', rule: 'immutable', message: `institution ${row.code} is a ${existing.type}; its type cannot change` });
    }
    if (existing && existing.county.code !== row.countyCode) {
      errors.push({
        field: 'countyCode',
        rule: 'immutable',
        message: `institution ${row.code} belongs to county ${existing.county.code}; its county cannot change`,
      });
    }
    const community = row.communityCode ? lookup.communities.get(row.communityCode) : null;
    const otherLead = row.communityCode ? this.otherLead(row, lookup, inFile) : null;
    return errors.concat(
      checkInstitutionPlacement({
        type: row.type,
        countyCode: row.countyCode,
        community:
          community === null ? null : community && { code: community.code, countyCode: community.county.code, active: community.active },
        communityCodeGiven: row.communityCode,
        parent: row.parentCode === null ? null : parentRef(row.parentCode, lookup, inFile),
        parentCodeGiven: row.parentCode,
        otherLeadOfCommunity: otherLead,
      }),
    );
  }

  private otherLead(row: InstitutionRow, lookup: Lookup, inFile: Map<string, InstitutionRow>): string | null {
    if (row.type !== 'LEAD_HOSPITAL') return null;
    const stored = lookup.leadsByCommunity.get(row.communityCode!);
    if (stored && stored !== row.code) return stored;
    for (const other of inFile.values()) {
      if (other.code !== row.code && other.type === 'LEAD_HOSPITAL' && other.communityCode === row.communityCode && other.code < row.code)
        return other.code;
    }
    return null;
  }
}

function parentRef(code: string, lookup: Lookup, inFile: Map<string, InstitutionRow>): ParentRef | undefined {
  const fromFile = inFile.get(code);
  if (fromFile) return { code, type: fromFile.type, countyCode: fromFile.countyCode, communityCode: fromFile.communityCode, active: true };
  const stored = lookup.institutions.get(code);
  if (!stored) return undefined;
  return { code, type: stored.type, countyCode: stored.county.code, communityCode: stored.community?.code ?? null, active: stored.active };
}

export function toInstitutionRow(dto: CreateInstitutionDto, row?: number): InstitutionRow {
  return {
    row,
    code: dto.code,
    name: dto.name,
    type: dto.type,
    countyCode: dto.countyCode,
    communityCode: dto.communityCode ?? null,
    parentCode: dto.parentCode ?? null,
  };
}

function sameContent(view: InstitutionView, row: InstitutionRow): boolean {
  return (
    view.name === row.name &&
    view.type === row.type &&
    view.countyCode === row.countyCode &&
    view.communityCode === row.communityCode &&
    view.parentCode === row.parentCode &&
    view.active
  );
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
