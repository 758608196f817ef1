import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import { assertMakerChecker } from '../../domain/access-policy';
import { DomainError } from '../../domain/domain-error';
import { allocateFundYear, FundYearAllocation, splitPackageBetweenCommunities } from '../../domain/fund-year-allocation';
import { allocationTransfers, reversalTransfers } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { DOCUMENT_LIFECYCLE, DocumentAction } from '../../domain/document-lifecycle';
import { Caller } from '../../common/caller';
import { AuditService } from '../audit/audit.service';
import { LedgerService } from '../ledger/ledger.service';
import { County } from '../registry/county.entity';
import { notFound, outOfScope, staleVersion } from '../../common/record-errors';
import { Allocation } from './allocation.entity';
import { AllocationInputsDto, CreateAllocationDto, UpdateAllocationDto } from './dto/fund-year.dto';
import { PolicyParametersService } from './policy-parameters.service';

const FIGURES = [
  'raisedTotal',
  'adjustmentReserve',
  'criticalIllnessFund',
  'netBase',
  'communityBaseShare',
  'increasePool',
  'communityIncrease',
  'communityPackage',
  'privatePool',
] as const;

export interface AllocationView {
  id: number;
  countyCode: string;
  fundYear: number;
  documentVersion: number;
  supersedesId: number | null;
  state: string;
  version: number;
  inputs: Record<string, string>;
  figures: Record<(typeof FIGURES)[number], string>;
  communities: { communityCode: string; communityName: string; enrolledPopulation: string; package: string }[];
  parametersVersion: number;
  parameters: Record<string, string>;
  createdBy: string;
  submittedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  publishedAt: string | null;
  allowedActions: DocumentAction[];
}

type ShareRow = { community_id: number; code: string; name: string; enrolled_population: string; package: string };

/** The allocation document: computed by policy, persisted with its life cycle, posted to the ledger on approval. */
/** M of one community in an allocation; null when there is no allocation or it gives the community none. */
export function packageOf(allocation: AllocationView | null, communityCode: string): Money | null {
  const share = allocation?.communities.find((c) => c.communityCode === communityCode);
  return share ? Money.of(share.package) : null;
}

@Injectable()
export class AllocationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly parameters: PolicyParametersService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
  ) {}

  async create(caller: Caller, dto: CreateAllocationDto): Promise<{ view: AllocationView; created: boolean }> {
    return inTransaction(this.dataSource, async (manager) => {
      const county = await manager.findOne(County, { where: { code: dto.countyCode } });
      if (!county || !county.active)
        throw new DomainError('COUNTY_NOT_FOUND', 'unprocessable', `county ${dto.countyCode} does not exist`, [
          { field: 'countyCode', rule: 'exists', message: dto.countyCode },
        ]);
      if (county.id !== caller.scope.countyId) throw outOfScope('countyCode', `county ${dto.countyCode}`);
      await manager.query('SELECT id FROM county WHERE id = ? FOR UPDATE', [county.id]);
      const [existing]: { id: number }[] = await manager.query(
        'SELECT id FROM fund_year_allocation WHERE county_id = ? AND fund_year = ? ORDER BY document_version DESC LIMIT 1',
        [county.id, dto.fundYear],
      );
      if (existing) {
        const current = await this.view(manager, existing.id);
        if (current.state === 'DRAFT' && sameInputs(current, dto)) return { view: current, created: false };
        throw new DomainError(
          'ALLOCATION_EXISTS',
          'conflict',
          `county ${dto.countyCode} already has allocation ${existing.id} for ${dto.fundYear}; edit that draft or file a correction`,
          [{ field: 'fundYear', rule: 'oneAllocationPerYear', message: `allocation ${existing.id}` }],
        );
      }
      const id = await this.insert(manager, caller, county, dto.fundYear, dto, 1, null);
      return { view: await this.view(manager, id), created: true };
    });
  }

  /** Changes a draft's inputs; everything is recomputed. */
  async update(id: number, dto: UpdateAllocationDto): Promise<AllocationView> {
    return inTransaction(this.dataSource, async (manager) => {
      const doc = await this.lock(manager, id);
      if (doc.state !== 'DRAFT')
        throw new DomainError(
          'DOCUMENT_NOT_EDITABLE',
          'conflict',
          `allocation ${id} is ${doc.state}; only a draft can change (file a correction instead)`,
          [{ field: 'state', rule: 'draftOnly', message: doc.state }],
        );
      if (doc.version !== dto.version) throw staleVersion(doc.version);
      const before = await this.view(manager, id);
      const county = await manager.findOneByOrFail(County, { id: doc.countyId });
      const computed = await this.compute(manager, county, doc.fundYear, dto);
      await manager.update(
        Allocation,
        { id, version: dto.version },
        {
          ...inputColumns(dto),
          ...computed.figures,
          parametersVersion: computed.parametersVersion,
          parameters: computed.parameters,
          version: doc.version + 1,
        },
      );
      await manager.query('DELETE FROM allocation_community_share WHERE allocation_id = ?', [id]);
      await this.insertShares(manager, id, computed.shares);
      const after = await this.view(manager, id);
      await this.audit.record(manager, {
        action: 'allocation.update',
        entityType: 'allocation',
        entityId: String(id),
        before: auditSnapshot(before),
        after: auditSnapshot(after),
      });
      return after;
    });
  }

  /** A correction of an approved allocation: a new draft version that references it. */
  async correct(caller: Caller, id: number, dto: AllocationInputsDto): Promise<AllocationView> {
    return inTransaction(this.dataSource, async (manager) => {
      const doc = await this.lock(manager, id);
      if (doc.state !== 'APPROVED' && doc.state !== 'PUBLISHED') {
        throw new DomainError(
          'NOT_CORRECTABLE',
          'conflict',
          `allocation ${id} is ${doc.state}; only an approved or published allocation is corrected`,
          [{ field: 'state', rule: 'approvedOnly', message: doc.state }],
        );
      }
      const [open]: { id: number }[] = await manager.query(
        "SELECT id FROM fund_year_allocation WHERE supersedes_id = ? AND state IN ('DRAFT','SUBMITTED')",
        [id],
      );
      if (open)
        throw new DomainError('CORRECTION_OPEN', 'conflict', `correction ${open.id} of allocation ${id} is already in progress`, [
          { field: 'id', rule: 'oneOpenCorrection', message: String(open.id) },
        ]);
      const county = await manager.findOneByOrFail(County, { id: doc.countyId });
      const newId = await this.insert(manager, caller, county, doc.fundYear, dto, doc.documentVersion + 1, id);
      return this.view(manager, newId);
    });
  }

  /**
   * Moves the document through its life cycle. Approval is maker-checker and posts the
   * ledger transfers in the same transaction; approving again (a retry, or a second approver
   * racing the first) changes nothing and posts nothing.
   */
  async transition(caller: Caller, id: number, action: DocumentAction, expectedVersion: number, comment?: string): Promise<AllocationView> {
    return inTransaction(this.dataSource, async (manager) => {
      const doc = await this.lock(manager, id);
      const before = await this.view(manager, id);
      if (action === 'approve' && (doc.state === 'APPROVED' || doc.state === 'PUBLISHED')) return before;
      if (action === 'publish' && doc.state === 'PUBLISHED') return before;
      const next = DOCUMENT_LIFECYCLE.apply(doc.state, action);
      if (doc.version !== expectedVersion) throw staleVersion(doc.version);
      const changes: Partial<Allocation> = { state: next, version: doc.version + 1 };
      if (action === 'submit') changes.submittedBy = caller.name;
      if (action === 'return') changes.submittedBy = null;
      if (action === 'approve') {
        assertMakerChecker(doc.submittedBy ?? doc.createdBy, caller.name);
        assertMakerChecker(doc.createdBy, caller.name);
        changes.approvedBy = caller.name;
        changes.approvedAt = new Date();
        await this.postApproval(manager, doc);
      }
      if (action === 'publish') changes.publishedAt = new Date();
      await manager.update(Allocation, { id, version: doc.version }, changes);
      const after = await this.view(manager, id);
      await this.audit.record(manager, {
        action: `allocation.${action}`,
        entityType: 'allocation',
        entityId: String(id),
        before: auditSnapshot(before),
        after: { ...auditSnapshot(after), ...(comment ? { comment } : {}) },
      });
      return after;
    });
  }

  async get(id: number): Promise<AllocationView> {
    return this.view(this.dataSource.manager, id);
  }

  async list(countyId: number, fundYear?: number): Promise<AllocationView[]> {
    const rows: { id: number }[] = await this.dataSource.query(
      `SELECT id FROM fund_year_allocation WHERE county_id = ? ${fundYear ? 'AND fund_year = ?' : ''} ORDER BY fund_year DESC, document_version DESC`,
      fundYear ? [countyId, fundYear] : [countyId],
    );
    return Promise.all(rows.map((r) => this.view(this.dataSource.manager, r.id)));
  }

  /** The published allocation in force for a county and year (公示), or null. */
  async published(countyCode: string, fundYear: number): Promise<AllocationView | null> {
    const [row]: { id: number }[] = await this.dataSource.query(
      "SELECT a.id FROM fund_year_allocation a JOIN county c ON c.id = a.county_id WHERE c.code = ? AND a.fund_year = ? AND a.state = 'PUBLISHED' ORDER BY a.document_version DESC LIMIT 1",
      [countyCode, fundYear],
    );
    return row ? this.view(this.dataSource.manager, row.id) : null;
  }

  /** The approved (or published) allocation in force for a county and year, or null. */
  async inForce(manager: EntityManager, countyId: number, fundYear: number): Promise<AllocationView | null> {
    const [row]: { id: number }[] = await manager.query(
      "SELECT id FROM fund_year_allocation WHERE county_id = ? AND fund_year = ? AND state IN ('APPROVED','PUBLISHED') ORDER BY document_version DESC LIMIT 1",
      [countyId, fundYear],
    );
    return row ? this.view(manager, row.id) : null;
  }

  private async postApproval(manager: EntityManager, doc: Allocation): Promise<void> {
    const shares: ShareRow[] = await this.shareRows(manager, doc.id);
    const figures = Object.fromEntries(FIGURES.map((f) => [f, doc[f]])) as unknown as FundYearAllocation;
    const transfers = allocationTransfers(
      `alloc.${doc.id}`,
      figures,
      doc.familyDoctorFee,
      doc.policyAdjustmentExpenditure,
      shares.map((s) => ({ code: s.code, package: Money.of(s.package) })),
    );
    if (doc.supersedesId !== null) {
      // A correction: undo what the superseded version posted, then post the new figures.
      const old = await this.lock(manager, doc.supersedesId);
      const previous = await this.ledger.transfersOf(manager, { type: 'allocation', id: String(old.id) });
      await this.ledger.post(manager, doc.countyId, doc.fundYear, reversalTransfers(`rev.${doc.id}`, previous), {
        type: 'allocation',
        id: String(doc.id),
      });
      await manager.update(
        Allocation,
        { id: old.id },
        { state: DOCUMENT_LIFECYCLE.apply(old.state, 'supersede'), version: old.version + 1 },
      );
      await this.audit.record(manager, {
        action: 'allocation.supersede',
        entityType: 'allocation',
        entityId: String(old.id),
        before: { state: old.state },
        after: { state: 'SUPERSEDED', supersededBy: doc.id },
      });
    }
    await this.ledger.post(manager, doc.countyId, doc.fundYear, transfers, { type: 'allocation', id: String(doc.id) });
  }

  private async insert(
    manager: EntityManager,
    caller: Caller,
    county: County,
    fundYear: number,
    dto: AllocationInputsDto,
    documentVersion: number,
    supersedesId: number | null,
  ): Promise<number> {
    const computed = await this.compute(manager, county, fundYear, dto);
    const saved = await manager.save(
      manager.create(Allocation, {
        countyId: county.id,
        fundYear,
        documentVersion,
        supersedesId,
        state: 'DRAFT',
        ...inputColumns(dto),
        ...computed.figures,
        parametersVersion: computed.parametersVersion,
        parameters: computed.parameters,
        createdBy: caller.name,
      }),
    );
    await this.insertShares(manager, saved.id, computed.shares);
    const after = await this.view(manager, saved.id);
    await this.audit.record(manager, {
      action: supersedesId ? 'allocation.correct' : 'allocation.create',
      entityType: 'allocation',
      entityId: String(saved.id),
      before: null,
      after: auditSnapshot(after),
    });
    return saved.id;
  }

  private async compute(manager: EntityManager, county: County, fundYear: number, dto: AllocationInputsDto) {
    const params = await this.parameters.current(manager, county, fundYear);
    const figures = allocateFundYear(
      {
        insuredCount: BigInt(dto.insuredCount),
        perCapitaStandard: Money.of(dto.perCapitaStandard),
        interest: Money.of(dto.interest),
        criticalIllnessPremiumPerPerson: Money.of(dto.criticalIllnessPremiumPerPerson),
        familyDoctorFee: Money.of(dto.familyDoctorFee),
        policyAdjustmentExpenditure: Money.of(dto.policyAdjustmentExpenditure),
      },
      params.values,
    );
    const communities: { id: number; code: string }[] = await manager.query(
      'SELECT id, code FROM medical_community WHERE county_id = ? AND active = 1 ORDER BY code',
      [county.id],
    );
    if (communities.length === 0)
      throw new DomainError(
        'NO_COMMUNITY',
        'unprocessable',
        `county ${county.code} has no active medical community to receive the package`,
        [{ field: 'countyCode', rule: 'hasCommunity', message: county.code }],
      );
    const given =
      dto.communities ?? (communities.length === 1 ? [{ communityCode: communities[0].code, enrolledPopulation: dto.insuredCount }] : null);
    if (!given)
      throw new DomainError(
        'ENROLMENT_REQUIRED',
        'unprocessable',
        `county ${county.code} has ${communities.length} communities: give each one's enrolled population`,
        [{ field: 'communities', rule: 'required', message: communities.map((c) => c.code).join(', ') }],
      );
    const codes = new Set(communities.map((c) => c.code));
    const givenCodes = given.map((g) => g.communityCode);
    if (givenCodes.length !== codes.size || givenCodes.some((c) => !codes.has(c)) || new Set(givenCodes).size !== givenCodes.length) {
      throw new DomainError(
        'ENROLMENT_MISMATCH',
        'unprocessable',
        `list every active community of ${county.code} exactly once: ${[...codes].join(', ')}`,
        [{ field: 'communities', rule: 'everyCommunityOnce', message: [...codes].join(', ') }],
      );
    }
    const split = splitPackageBetweenCommunities(
      figures.communityPackage,
      given.map((g) => ({ code: g.communityCode, enrolledPopulation: BigInt(g.enrolledPopulation) })),
    );
    const shares = split.map((s) => ({
      communityId: communities.find((c) => c.code === s.code)!.id,
      enrolledPopulation: given.find((g) => g.communityCode === s.code)!.enrolledPopulation,
      package: s.package,
    }));
    return { figures, shares, parametersVersion: params.version, parameters: JSON.stringify(params.values) };
  }

  private async insertShares(
    manager: EntityManager,
    allocationId: number,
    shares: { communityId: number; enrolledPopulation: string; package: Money }[],
  ): Promise<void> {
    for (const s of shares) {
      await manager.query(
        'INSERT INTO allocation_community_share (allocation_id, community_id, enrolled_population, package) VALUES (?, ?, ?, ?)',
        [allocationId, s.communityId, s.enrolledPopulation, s.package.toString()],
      );
    }
  }

  private async lock(manager: EntityManager, id: number): Promise<Allocation> {
    const doc = await manager.findOne(Allocation, { where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!doc) throw notFound('allocation', String(id));
    return doc;
  }

  private shareRows(manager: EntityManager, id: number): Promise<ShareRow[]> {
    return manager.query(
      'SELECT s.community_id, m.code, m.name, s.enrolled_population, s.package FROM allocation_community_share s JOIN medical_community m ON m.id = s.community_id WHERE s.allocation_id = ? ORDER BY m.code',
      [id],
    );
  }

  private async view(manager: EntityManager, id: number): Promise<AllocationView> {
    const doc = await manager.findOne(Allocation, { where: { id } });
    if (!doc) throw notFound('allocation', String(id));
    const county = await manager.findOneByOrFail(County, { id: doc.countyId });
    const shares = await this.shareRows(manager, id);
    return {
      id: doc.id,
      countyCode: county.code,
      fundYear: doc.fundYear,
      documentVersion: doc.documentVersion,
      supersedesId: doc.supersedesId,
      state: doc.state,
      version: doc.version,
      inputs: {
        insuredCount: String(doc.insuredCount),
        perCapitaStandard: doc.perCapitaStandard.toString(),
        interest: doc.interest.toString(),
        criticalIllnessPremiumPerPerson: doc.criticalIllnessPremiumPerPerson.toString(),
        familyDoctorFee: doc.familyDoctorFee.toString(),
        policyAdjustmentExpenditure: doc.policyAdjustmentExpenditure.toString(),
      },
      figures: Object.fromEntries(FIGURES.map((f) => [f, doc[f].toString()])) as AllocationView['figures'],
      communities: shares.map((s) => ({
        communityCode: s.code,
        communityName: s.name,
        enrolledPopulation: String(s.enrolled_population),
        package: Money.of(s.package).toString(),
      })),
      parametersVersion: doc.parametersVersion,
      parameters: JSON.parse(doc.parameters),
      createdBy: doc.createdBy,
      submittedBy: doc.submittedBy,
      approvedBy: doc.approvedBy,
      approvedAt: doc.approvedAt?.toISOString() ?? null,
      publishedAt: doc.publishedAt?.toISOString() ?? null,
      allowedActions: DOCUMENT_LIFECYCLE.allowedActions(doc.state),
    };
  }
}

function inputColumns(dto: AllocationInputsDto): Partial<Allocation> {
  return {
    insuredCount: dto.insuredCount,
    perCapitaStandard: Money.of(dto.perCapitaStandard),
    interest: Money.of(dto.interest),
    criticalIllnessPremiumPerPerson: Money.of(dto.criticalIllnessPremiumPerPerson),
    familyDoctorFee: Money.of(dto.familyDoctorFee),
    policyAdjustmentExpenditure: Money.of(dto.policyAdjustmentExpenditure),
  };
}

function sameInputs(view: AllocationView, dto: AllocationInputsDto): boolean {
  const given = inputColumns(dto);
  return Object.entries(view.inputs).every(([k, v]) => String((given as Record<string, unknown>)[k]) === v);
}

function auditSnapshot(v: AllocationView): Record<string, unknown> {
  return {
    state: v.state,
    version: v.version,
    ...v.inputs,
    ...v.figures,
    communities: v.communities.map((c) => `${c.communityCode}=${c.package}`).join(','),
  };
}
