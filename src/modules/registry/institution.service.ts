import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Scope } from '../../domain/access-policy';
import { ErrorDetail } from '../../domain/domain-error';
import {
  assertIdenticalRepeat,
  assertImportAccepted,
  assertInstitutionValid,
  assertNoActiveVillageClinics,
  checkInstitutionRow,
  nationalCodeProblems,
  InstitutionContent,
  ParentRef,
  sameInstitutionContent,
} from '../../domain/institution-registry';
import { Page } from '../../common/pagination';
import { AuditService } from '../audit';
import { CommunityRepository } from './community.repository';
import { County } from './county.entity';
import { CountyRepository } from './county.repository';
import { CreateInstitutionDto, InstitutionQuery, UpdateInstitutionDto } from './dto/registry.dto';
import { Institution } from './institution.entity';
import { InstitutionBrief, InstitutionRepository } from './institution.repository';
import { MedicalCommunity } from './medical-community.entity';
import { institutionSnapshot, institutionView, InstitutionView } from './registry.views';
import { isDuplicateKey, notFound, outOfScope } from '../../common/record-errors';

/** One institution to write, from the API or from an import file (`row` = line number in the file). */
export interface InstitutionRow extends InstitutionContent {
  row?: number;
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
  /** Who holds each national code the rows name. */
  nationalCodeHolders: Map<string, string>;
}

@Injectable()
export class InstitutionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly institutions: InstitutionRepository,
    private readonly counties: CountyRepository,
    private readonly communities: CommunityRepository,
    private readonly audit: AuditService,
  ) {}

  async list(query: InstitutionQuery, scope: Scope): Promise<Page<InstitutionView>> {
    const [rows, total] = await this.institutions.list(scope, query);
    return { items: rows.map(institutionView), page: query.page, pageSize: query.pageSize, total };
  }

  async get(code: string, manager: EntityManager = this.dataSource.manager): Promise<InstitutionView> {
    const found = await this.institutions.findByCode(code, manager);
    if (!found) throw notFound('institution', code);
    return institutionView(found);
  }

  /** An institution by code without its relations, in the caller's transaction; null when unknown. */
  find(manager: EntityManager, code: string): Promise<Institution | null> {
    return this.institutions.findPlainByCode(manager, code);
  }

  /** Type, community and state of the institutions with these codes (unknown codes are left out). */
  briefs(manager: EntityManager, codes: string[]): Promise<InstitutionBrief[]> {
    return this.institutions.briefsByCodes(manager, codes);
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
          assertIdenticalRepeat('institution', row.code, sameInstitutionContent({ ...view, countyCode: view.countyCode ?? '' }, row));
          return { view, created: false };
        }
        assertInstitutionValid(this.check(row, lookup, new Map()));
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
      const current = await this.institutions.findByCode(code, manager);
      if (!current) throw notFound('institution', code);
      const before = institutionView(current);
      const row: InstitutionRow = {
        code,
        name: dto.name ?? before.name,
        type: before.type,
        countyCode: before.countyCode ?? '',
        communityCode: dto.communityCode ?? before.communityCode,
        parentCode: dto.parentCode ?? before.parentCode,
        nationalCode: dto.nationalCode ?? before.nationalCode,
      };
      const lookup = await this.load(manager, [row]);
      assertInstitutionValid(this.check(row, lookup, new Map()));
      if (row.type === 'TOWNSHIP_CENTER' && row.communityCode !== before.communityCode) {
        assertNoActiveVillageClinics(code, 'move to another community', await this.institutions.countActiveChildrenOf(manager, current.id));
      }
      await this.institutions.update(manager, current, dto.version, {
        name: row.name,
        communityId: row.communityCode ? lookup.communities.get(row.communityCode)!.id : null,
        parentId: row.parentCode ? lookup.institutions.get(row.parentCode)!.id : null,
        nationalCode: row.nationalCode ?? null,
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
      const current = await this.institutions.findByCode(code, manager);
      if (!current) throw notFound('institution', code);
      const before = institutionView(current);
      if (!current.active) return before; // already done: a retried deactivation changes nothing
      assertNoActiveVillageClinics(code, 'deactivate', await this.institutions.countActiveChildrenOf(manager, current.id));
      await this.institutions.update(manager, current, version, { active: false, deactivatedAt: new Date() });
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
      assertImportAccepted(onError, errors, rejected, rows.length + new Set(shapeErrors.map((e) => e.row)).size);
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
        if (sameInstitutionContent({ ...before, countyCode: before.countyCode ?? '' }, row)) {
          outcome.unchanged++;
          continue;
        }
        await this.institutions.update(manager, existing, existing.version, {
          name: row.name,
          communityId: row.communityCode ? lookup.communities.get(row.communityCode)!.id : null,
          parentId: row.parentCode ? lookup.institutions.get(row.parentCode)!.id : null,
          ...(row.nationalCode !== undefined ? { nationalCode: row.nationalCode } : {}),
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

  private async insert(manager: EntityManager, row: InstitutionRow, lookup: Lookup): Promise<void> {
    const withRelations = await this.institutions.create(manager, {
      code: row.code,
      name: row.name,
      type: row.type,
      countyId: lookup.counties.get(row.countyCode)!.id,
      communityId: row.communityCode ? lookup.communities.get(row.communityCode)!.id : null,
      parentId: row.parentCode ? lookup.institutions.get(row.parentCode)!.id : null,
      nationalCode: row.nationalCode ?? null,
    });
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
      this.counties.findByCodes(manager, countyCodes),
      this.communities.findByCodes(manager, communityCodes),
      this.institutions.findByCodes(manager, institutionCodes),
    ]);
    const holders = await this.institutions.holdersOfNationalCodes(manager, unique(rows.map((r) => r.nationalCode ?? null)));
    const leads = await this.institutions.activeLeadsOf(
      manager,
      communities.map((c) => c.id),
    );
    return {
      counties: new Map(counties.map((c) => [c.code, c])),
      communities: new Map(communities.map((c) => [c.code, c])),
      institutions: new Map(institutions.map((i) => [i.code, i])),
      leadsByCommunity: new Map(leads.map((l) => [l.community!.code, l.code])),
      nationalCodeHolders: holders,
    };
  }

  /** Applies the registry rules to one row; parents may come from the database or the same file. */
  private check(row: InstitutionRow, lookup: Lookup, inFile: Map<string, InstitutionRow>, countyId?: number): ErrorDetail[] {
    const county = lookup.counties.get(row.countyCode);
    const existing = lookup.institutions.get(row.code);
    const community = row.communityCode ? lookup.communities.get(row.communityCode) : null;
    const firstInFile = row.nationalCode ? [...inFile.values()].find((r) => r.nationalCode === row.nationalCode)?.code : undefined;
    const national = nationalCodeProblems(
      row,
      row.nationalCode ? lookup.nationalCodeHolders.get(row.nationalCode) : undefined,
      firstInFile,
    );
    return [
      ...national,
      ...checkInstitutionRow({
        row,
        county,
        callerCountyId: countyId,
        existing: existing && { type: existing.type, countyCode: existing.county?.code ?? '' },
        placement: {
          type: row.type,
          countyCode: row.countyCode,
          community:
            community === null ? null : community && { code: community.code, countyCode: community.county.code, active: community.active },
          communityCodeGiven: row.communityCode,
          parent: row.parentCode === null ? null : parentRef(row.parentCode, lookup, inFile),
          parentCodeGiven: row.parentCode,
          otherLeadOfCommunity: row.communityCode ? this.otherLead(row, lookup, inFile) : null,
        },
      }),
    ];
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
  return {
    code,
    type: stored.type,
    countyCode: stored.county?.code ?? '',
    communityCode: stored.community?.code ?? null,
    active: stored.active,
  };
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
    nationalCode: dto.nationalCode,
  };
}

function unique(values: (string | null)[]): string[] {
  return [...new Set(values.filter((v): v is string => v !== null))];
}
