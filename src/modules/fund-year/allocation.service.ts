import { Injectable } from '@nestjs/common';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import { actingCountyId, assertMakerChecker, countyInScope, scopeCountyIds } from '../../domain/access-policy';
import {
  allocateFundYear,
  assertAllocationCorrectable,
  assertAllocationCounty,
  assertAllocationEditable,
  assertAllocationRetry,
  enrolmentByCommunity,
  FundYearAllocation,
  splitPackageBetweenCommunities,
} from '../../domain/fund-year-allocation';
import { allocationApprovalPostings } from '../../domain/ledger';
import { Money } from '../../domain/money';
import { allocationActions } from '../../domain/document-actions';
import { packageWithIncreases } from '../../domain/governance';
import { DOCUMENT_LIFECYCLE, DocumentAction, DocumentState } from '../../domain/document-lifecycle';
import { assertListFilterKnown, documentVisible, visibleAllocationStates } from '../../domain/read-visibility';
import { Caller } from '../../common/caller';
import { AuditService } from '../audit';
import { LedgerService } from '../ledger';
import { County } from '../registry';
import { CountyService } from '../registry';
import { notFound, outOfScope, staleVersion } from '../../common/record-errors';
import { Allocation } from './allocation.entity';
import { AllocationRepository } from './allocation.repository';
import { PackageIncreaseRepository } from './package-increase.repository';
import { AllocationInputsDto, CreateAllocationDto, UpdateAllocationDto } from './dto/fund-year.dto';
import { PolicyParametersService } from './policy-parameters.service';

/** The figures of SPEC §3 an allocation computes, by name. */
export const ALLOCATION_FIGURES = [
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
  figures: Record<(typeof ALLOCATION_FIGURES)[number], string>;
  /**
   * Each community's package: `package` as allocated (and published), the increases an executed
   * adjustment-reserve use made since (with why), and `effectivePackage`, the M every rule uses.
   */
  communities: {
    communityCode: string;
    communityName: string;
    enrolledPopulation: string;
    package: string;
    increases: PackageIncreaseView[];
    effectivePackage: string;
  }[];
  parametersVersion: number;
  parameters: Record<string, string>;
  createdBy: string;
  submittedBy: string | null;
  approvedBy: string | null;
  approvedAt: string | null;
  publishedAt: string | null;
  allowedActions: DocumentAction[];
}

export interface PackageIncreaseView {
  amount: string;
  sourceType: string;
  sourceId: string;
  reason: string;
  effectiveOn: string;
  createdBy: string;
}

/** What raises a community's package after its allocation, in the same transaction as the cause. */
export interface PackageIncrease {
  communityId: number;
  fundYear: number;
  amount: Money;
  sourceType: string;
  sourceId: string;
  reason: string;
  effectiveOn: string;
  createdBy: string;
}

/**
 * M of one community in an allocation, with the increases made since (an executed reserve use);
 * null when there is no allocation or it gives the community none.
 */
export function packageOf(allocation: AllocationView | null, communityCode: string): Money | null {
  const share = allocation?.communities.find((c) => c.communityCode === communityCode);
  return share ? Money.of(share.effectivePackage) : null;
}

/** What an allocation's inputs would give, computed as a draft would be and stored nowhere. */
export interface AllocationPreview {
  countyCode: string;
  fundYear: number;
  inputs: Record<string, string>;
  figures: Record<(typeof ALLOCATION_FIGURES)[number], string>;
  communities: { communityCode: string; enrolledPopulation: string; package: string }[];
  parametersVersion: number;
  parameters: Record<string, string>;
}

/** Increases apply to the allocation in force (approved or published), not to drafts or superseded versions. */
const isInForce = (state: string): boolean => state === 'APPROVED' || state === 'PUBLISHED';

/** The allocation document: computed by policy, persisted with its life cycle, posted to the ledger on approval. */

@Injectable()
export class AllocationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly allocations: AllocationRepository,
    private readonly counties: CountyService,
    private readonly parameters: PolicyParametersService,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly increases: PackageIncreaseRepository,
  ) {}

  /**
   * Raises a community's package M for a fund year (an executed adjustment-reserve use), inside
   * the caller's transaction; once per source, however often it is called.
   */
  async increasePackage(manager: EntityManager, increase: PackageIncrease): Promise<{ increased: boolean }> {
    const increased = await this.increases.insert(manager, { ...increase, amount: increase.amount.toString() });
    if (increased)
      await this.audit.record(manager, {
        action: 'package.increase',
        entityType: 'community',
        entityId: String(increase.communityId),
        before: null,
        after: { ...increase, amount: increase.amount.toString() } as unknown as Record<string, unknown>,
      });
    return { increased };
  }

  async create(caller: Caller, dto: CreateAllocationDto): Promise<{ view: AllocationView; created: boolean }> {
    return inTransaction(this.dataSource, async (manager) => {
      const found = await this.counties.findCounty(dto.countyCode, manager);
      assertAllocationCounty(dto.countyCode, found);
      const county = found!;
      if (county.id !== actingCountyId(caller.scope)) throw outOfScope('countyCode', `county ${dto.countyCode}`);
      await this.counties.lockCounty(manager, county.id);
      const existingId = await this.allocations.latestId(manager, county.id, dto.fundYear);
      if (existingId !== null) {
        const current = await this.view(manager, existingId, caller);
        assertAllocationRetry(dto.countyCode, dto.fundYear, current, sameInputs(current, dto));
        return { view: current, created: false };
      }
      const id = await this.insert(manager, caller, county, dto.fundYear, dto, 1, null);
      return { view: await this.view(manager, id, caller), created: true };
    });
  }

  /**
   * The figures a draft with these inputs would have (F, A, C, B, shares, R, M by community): the
   * same checks and policy as `create`, in a transaction that writes nothing.
   */
  async preview(caller: Caller, dto: CreateAllocationDto): Promise<AllocationPreview> {
    const manager = this.allocations.manager;
    const found = await this.counties.findCounty(dto.countyCode, manager);
    assertAllocationCounty(dto.countyCode, found);
    const county = found!;
    if (county.id !== actingCountyId(caller.scope)) throw outOfScope('countyCode', `county ${dto.countyCode}`);
    const computed = await this.compute(manager, county, dto.fundYear, dto);
    const communities = await this.counties.activeCommunitiesOf(manager, county.id);
    const inputs = inputColumns(dto);
    return {
      countyCode: county.code,
      fundYear: dto.fundYear,
      inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)])),
      figures: Object.fromEntries(ALLOCATION_FIGURES.map((f) => [f, computed.figures[f].toString()])) as AllocationPreview['figures'],
      communities: computed.shares.map((s) => ({
        communityCode: communities.find((c) => c.id === s.communityId)!.code,
        enrolledPopulation: String(s.enrolledPopulation),
        package: s.package.toString(),
      })),
      parametersVersion: computed.parametersVersion,
      parameters: JSON.parse(computed.parameters),
    };
  }

  /** Changes a draft's inputs; everything is recomputed. */
  async update(caller: Caller, id: number, dto: UpdateAllocationDto): Promise<AllocationView> {
    return inTransaction(this.dataSource, async (manager) => {
      const doc = await this.lock(manager, id);
      assertAllocationEditable(id, doc.state);
      if (doc.version !== dto.version) throw staleVersion(doc.version);
      const before = await this.view(manager, id, caller);
      const county = await this.counties.countyById(manager, doc.countyId);
      const computed = await this.compute(manager, county, doc.fundYear, dto);
      await this.allocations.update(manager, id, dto.version, {
        ...inputColumns(dto),
        ...computed.figures,
        parametersVersion: computed.parametersVersion,
        parameters: computed.parameters,
        version: doc.version + 1,
      });
      await this.allocations.replaceShares(manager, id, computed.shares);
      const after = await this.view(manager, id, caller);
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
      const openCorrection = ['APPROVED', 'PUBLISHED'].includes(doc.state) ? await this.allocations.openCorrectionId(manager, id) : null;
      assertAllocationCorrectable(id, doc.state, openCorrection);
      const county = await this.counties.countyById(manager, doc.countyId);
      const newId = await this.insert(manager, caller, county, doc.fundYear, dto, doc.documentVersion + 1, id);
      return this.view(manager, newId, caller);
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
      const before = await this.view(manager, id, caller);
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
      await this.allocations.update(manager, id, doc.version, changes);
      const after = await this.view(manager, id, caller);
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

  /** One allocation as the caller may read it: a draft or one under review reads as not existing to a member unit. */
  async get(caller: Caller, id: number): Promise<AllocationView> {
    const view = await this.view(this.allocations.manager, id, caller);
    if (!documentVisible(caller.scope, view.state as DocumentState)) throw notFound('allocation', String(id));
    return view;
  }

  /** The caller's county's allocations in the states it may read; a filter it cannot apply is refused, never ignored. */
  async list(
    caller: Caller,
    q: { countyCode?: string; fundYear?: number; state?: DocumentState } & PageWindow,
  ): Promise<Page<AllocationView>> {
    let countyIds = scopeCountyIds(caller.scope);
    if (q.countyCode !== undefined) {
      const county = await this.counties.findCounty(q.countyCode);
      assertListFilterKnown('countyCode', q.countyCode, county !== null && countyInScope(caller.scope, county.id));
      countyIds = [county!.id];
    }
    const states = visibleAllocationStates(caller.scope).filter((s) => q.state === undefined || s === q.state);
    const { ids, total } = await this.allocations.idsOfCounty(countyIds, states, q.fundYear, q);
    return pageOf(await Promise.all(ids.map((id) => this.view(this.allocations.manager, id, caller))), total, q);
  }

  /** The published allocation in force for a county and year (公示), or null. */
  async published(countyCode: string, fundYear: number): Promise<AllocationView | null> {
    const id = await this.allocations.publishedId(countyCode, fundYear);
    return id === null ? null : this.view(this.allocations.manager, id, null);
  }

  /** The approved (or published) allocation in force for a county and year, or null. */
  async inForce(manager: EntityManager, countyId: number, fundYear: number): Promise<AllocationView | null> {
    const id = await this.allocations.inForceId(manager, countyId, fundYear);
    return id === null ? null : this.view(manager, id, null);
  }

  private async postApproval(manager: EntityManager, doc: Allocation): Promise<void> {
    const shares = await this.allocations.shares(manager, doc.id);
    const figures = Object.fromEntries(ALLOCATION_FIGURES.map((f) => [f, doc[f]])) as unknown as FundYearAllocation;
    // A correction first undoes what the superseded version posted, then posts the new figures.
    const old = doc.supersedesId !== null ? await this.lock(manager, doc.supersedesId) : null;
    const postings = allocationApprovalPostings(
      doc.id,
      figures,
      doc.familyDoctorFee,
      doc.policyAdjustmentExpenditure,
      shares.map((s) => ({ code: s.code, package: Money.of(s.package) })),
      old ? await this.ledger.transfersOf(manager, { type: 'allocation', id: String(old.id) }) : null,
    );
    const ref = { type: 'allocation', id: String(doc.id) };
    if (old) {
      await this.ledger.post(manager, doc.countyId, doc.fundYear, postings.reversal, ref);
      await this.allocations.setState(manager, old.id, {
        state: DOCUMENT_LIFECYCLE.apply(old.state, 'supersede'),
        version: old.version + 1,
      });
      await this.audit.record(manager, {
        action: 'allocation.supersede',
        entityType: 'allocation',
        entityId: String(old.id),
        before: { state: old.state },
        after: { state: 'SUPERSEDED', supersededBy: doc.id },
      });
    }
    await this.ledger.post(manager, doc.countyId, doc.fundYear, postings.transfers, ref);
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
    const id = await this.allocations.insert(manager, {
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
    });
    await this.allocations.insertShares(manager, id, computed.shares);
    const after = await this.view(manager, id, caller);
    await this.audit.record(manager, {
      action: supersedesId ? 'allocation.correct' : 'allocation.create',
      entityType: 'allocation',
      entityId: String(id),
      before: null,
      after: auditSnapshot(after),
    });
    return id;
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
    const communities = await this.counties.activeCommunitiesOf(manager, county.id);
    const given = enrolmentByCommunity(county.code, communities, dto.communities, dto.insuredCount);
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

  private async lock(manager: EntityManager, id: number): Promise<Allocation> {
    const doc = await this.allocations.lock(manager, id);
    if (!doc) throw notFound('allocation', String(id));
    return doc;
  }

  /** The allocation with what `reader` may do with it now (null: the system or the public, offered no actions). */
  private async view(manager: EntityManager, id: number, reader: Caller | null): Promise<AllocationView> {
    const doc = await this.allocations.find(manager, id);
    if (!doc) throw notFound('allocation', String(id));
    const county = await this.counties.countyById(manager, doc.countyId);
    const shares = await this.allocations.shares(manager, id);
    const increases = isInForce(doc.state) ? await this.increases.ofCounty(manager, doc.countyId, doc.fundYear) : [];
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
      figures: Object.fromEntries(ALLOCATION_FIGURES.map((f) => [f, doc[f].toString()])) as AllocationView['figures'],
      communities: shares.map((s) => {
        const own = increases.filter((i) => i.community_id === s.community_id);
        return {
          communityCode: s.code,
          communityName: s.name,
          enrolledPopulation: String(s.enrolled_population),
          package: Money.of(s.package).toString(),
          increases: own.map((i) => ({
            amount: Money.of(i.amount).toString(),
            sourceType: i.source_type,
            sourceId: i.source_id,
            reason: i.reason,
            effectiveOn: i.effective_on,
            createdBy: i.created_by,
          })),
          effectivePackage: packageWithIncreases(
            Money.of(s.package),
            own.map((i) => ({ amount: Money.of(i.amount) })),
          ).toString(),
        };
      }),
      parametersVersion: doc.parametersVersion,
      parameters: JSON.parse(doc.parameters),
      createdBy: doc.createdBy,
      submittedBy: doc.submittedBy,
      approvedBy: doc.approvedBy,
      approvedAt: doc.approvedAt?.toISOString() ?? null,
      publishedAt: doc.publishedAt?.toISOString() ?? null,
      allowedActions: reader
        ? allocationActions(reader, { state: doc.state, countyId: doc.countyId, createdBy: doc.createdBy, submittedBy: doc.submittedBy })
        : [],
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
