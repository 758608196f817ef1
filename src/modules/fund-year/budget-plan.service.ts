import { Injectable } from '@nestjs/common';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import { assertMakerChecker, communityInScope, readsWholeCounties, scopeCountyIds } from '../../domain/access-policy';
import { assertListFilterKnown, documentVisible, visiblePlanLines, visiblePlanStates } from '../../domain/read-visibility';
import { isPrimaryInstitution } from '../../domain/institution-registry';
import { Dec, Money } from '../../domain/money';
import {
  assertNoOpenPlan,
  assertPlanCommunity,
  assertPlanEditable,
  assertPlanFunded,
  checkCommunityBudgetPlan,
  PlanCategory,
  PlanLine,
  PlanMember,
  planFigures,
  PlanWarning,
  previewCommunityBudgetPlan,
  resolvePlanLines,
} from '../../domain/primary-floor';
import { budgetPlanActions } from '../../domain/document-actions';
import { DOCUMENT_LIFECYCLE, DocumentAction, DocumentState } from '../../domain/document-lifecycle';
import { Caller } from '../../common/caller';
import { AuditService } from '../audit';
import { CountyService } from '../registry';
import { CommunityRepository, InstitutionService } from '../registry';
import { notFound, outOfScope, staleVersion } from '../../common/record-errors';
import { AllocationService, packageOf } from './allocation.service';
import { BudgetPlanRepository, PlanRow } from './budget-plan.repository';
import { CreateBudgetPlanDto, UpdateBudgetPlanDto } from './dto/fund-year.dto';

export interface BudgetPlanView {
  id: number;
  communityCode: string;
  fundYear: number;
  documentVersion: number;
  supersedesId: number | null;
  allocationId: number;
  state: DocumentState;
  version: number;
  communityPackage: string;
  total: string;
  primaryTotal: string;
  primaryShare: string;
  floor: { rate: string; required: string; met: boolean };
  warnings: PlanWarning[];
  byCategory: Record<PlanCategory, string>;
  lines: { category: PlanCategory; institutionCode: string | null; institutionName: string | null; primary: boolean; amount: string }[];
  createdBy: string;
  submittedBy: string | null;
  approvedBy: string | null;
  allowedActions: DocumentAction[];
}

/** A plan's figures before it is drafted: what the floor requires and how far the lines fall short (nothing stored). */
export interface BudgetPlanPreviewView {
  communityCode: string;
  fundYear: number;
  allocationId: number;
  communityPackage: string;
  total: string;
  unplanned: string;
  totalMatches: boolean;
  primaryTotal: string;
  primaryShare: string;
  floor: { rate: string; required: string; shortfall: string; met: boolean };
  byCategory: Record<PlanCategory, string>;
  warnings: PlanWarning[];
}

/** The community budget plan (SPEC §3.1): the lead unit plans M by category and member unit; the bureau approves. */
@Injectable()
export class BudgetPlanService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly plans: BudgetPlanRepository,
    private readonly counties: CountyService,
    private readonly institutions: InstitutionService,
    private readonly communities: CommunityRepository,
    private readonly allocations: AllocationService,
    private readonly audit: AuditService,
  ) {}

  /** Drafts a plan (a new version when one exists); below the primary floor it is refused with 422. */
  async create(caller: Caller, dto: CreateBudgetPlanDto): Promise<BudgetPlanView> {
    return inTransaction(this.dataSource, async (manager) => {
      const community = assertPlanCommunity(dto.communityCode, await this.counties.lockActiveCommunity(manager, dto.communityCode));
      if (!communityInScope(caller.scope, { id: community.id, countyId: community.countyId }))
        throw outOfScope('communityCode', `community ${dto.communityCode}`);
      const { allocation, communityPackage } = assertPlanFunded(
        dto.fundYear,
        community.code,
        await this.allocations.inForce(manager, community.countyId, dto.fundYear),
        (a) => packageOf(a, community.code),
      );
      const lines = await this.resolveLines(manager, community.id, dto);
      const check = checkCommunityBudgetPlan(
        lines,
        communityPackage,
        allocation.parameters.primaryFloorRate,
        await this.lastYearPrimary(manager, community.id, dto.fundYear),
      );

      const latest = await this.plans.latest(manager, community.id, dto.fundYear);
      assertNoOpenPlan(dto.fundYear, latest);
      const id = await this.plans.insert(manager, {
        communityId: community.id,
        fundYear: dto.fundYear,
        documentVersion: (latest?.documentVersion ?? 0) + 1,
        supersedesId: latest?.id ?? null,
        allocationId: allocation.id,
        communityPackage: communityPackage.toString(),
        primaryTotal: check.primaryTotal.toString(),
        floorRate: check.floor.floorRate,
        floorRequired: check.floor.required.toString(),
        warnings: JSON.stringify(check.warnings),
        createdBy: caller.name,
        lines: lines.map((l) => ({ category: l.category, institutionId: l.institutionId, amount: l.amount.toString() })),
      });
      const view = await this.view(manager, id, caller);
      await this.audit.record(manager, {
        action: 'budgetPlan.create',
        entityType: 'budgetPlan',
        entityId: String(id),
        before: null,
        after: snapshot(view),
      });
      return view;
    });
  }

  /**
   * Replaces the lines of a draft (a new plan, or one the bureau returned), checked as a new
   * plan is: below the primary floor or off M it is refused with 422 and nothing changes.
   */
  async edit(caller: Caller, id: number, dto: UpdateBudgetPlanDto): Promise<BudgetPlanView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      assertPlanEditable(id, row.state);
      if (row.version !== dto.version) throw staleVersion(row.version);
      const before = await this.view(manager, id, caller);
      const communityId = Number(row.community_id);
      const { allocation, communityPackage } = assertPlanFunded(
        Number(row.fund_year),
        row.community_code,
        await this.allocations.inForce(manager, Number(row.county_id), Number(row.fund_year)),
        (a) => packageOf(a, row.community_code),
      );
      const lines = await this.resolveLines(manager, communityId, {
        communityCode: row.community_code,
        fundYear: Number(row.fund_year),
        lines: dto.lines,
      });
      const check = checkCommunityBudgetPlan(
        lines,
        communityPackage,
        allocation.parameters.primaryFloorRate,
        await this.lastYearPrimary(manager, communityId, Number(row.fund_year)),
      );
      await this.plans.replaceLines(manager, id, row.version, {
        allocationId: allocation.id,
        communityPackage: communityPackage.toString(),
        primaryTotal: check.primaryTotal.toString(),
        floorRate: check.floor.floorRate,
        floorRequired: check.floor.required.toString(),
        warnings: JSON.stringify(check.warnings),
        lines: lines.map((l) => ({ category: l.category, institutionId: l.institutionId, amount: l.amount.toString() })),
      });
      const after = await this.view(manager, id, caller);
      await this.audit.record(manager, {
        action: 'budgetPlan.update',
        entityType: 'budgetPlan',
        entityId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
  }

  /**
   * The figures the plan would have (the editor's floor meter), computed by the same rules as
   * `create` but never refused for missing M or the floor, and never stored.
   */
  async preview(caller: Caller, dto: CreateBudgetPlanDto): Promise<BudgetPlanPreviewView> {
    const manager = this.plans.manager;
    const community = assertPlanCommunity(dto.communityCode, await this.communities.findByCode(dto.communityCode));
    if (!communityInScope(caller.scope, { id: community.id, countyId: community.countyId }))
      throw outOfScope('communityCode', `community ${dto.communityCode}`);
    const { allocation, communityPackage } = assertPlanFunded(
      dto.fundYear,
      community.code,
      await this.allocations.inForce(manager, community.countyId, dto.fundYear),
      (a) => packageOf(a, community.code),
    );
    const lines = await this.resolveLines(manager, community.id, dto);
    const p = previewCommunityBudgetPlan(
      lines,
      communityPackage,
      allocation.parameters.primaryFloorRate,
      await this.lastYearPrimary(manager, community.id, dto.fundYear),
    );
    return {
      communityCode: community.code,
      fundYear: dto.fundYear,
      allocationId: allocation.id,
      communityPackage: communityPackage.toString(),
      total: p.total.toString(),
      unplanned: p.unplanned.toString(),
      totalMatches: p.unplanned.isZero(),
      primaryTotal: p.primaryTotal.toString(),
      primaryShare: p.primaryShare,
      floor: { rate: p.floor.floorRate, required: p.floor.required.toString(), shortfall: p.floor.shortfall.toString(), met: p.floor.met },
      byCategory: Object.fromEntries(Object.entries(p.byCategory).map(([k, v]) => [k, v.toString()])) as Record<PlanCategory, string>,
      warnings: p.warnings,
    };
  }

  /** Lead submits; the bureau returns or approves (maker-checker); then it is published. */
  async transition(caller: Caller, id: number, action: DocumentAction, expectedVersion: number): Promise<BudgetPlanView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      const before = await this.view(manager, id, caller);
      if (action === 'approve' && (row.state === 'APPROVED' || row.state === 'PUBLISHED')) return before;
      const next = DOCUMENT_LIFECYCLE.apply(row.state, action);
      if (row.version !== expectedVersion) throw staleVersion(row.version);
      if (action === 'approve') {
        assertMakerChecker(row.submitted_by ?? row.created_by, caller.name);
        if (row.supersedes_id) await this.plans.supersede(manager, row.supersedes_id);
      }
      await this.plans.transition(manager, id, row.version, next, {
        submittedBy: action === 'submit' ? caller.name : undefined,
        approvedBy: action === 'approve' ? caller.name : undefined,
        published: action === 'publish',
      });
      const after = await this.view(manager, id, caller);
      await this.audit.record(manager, {
        action: `budgetPlan.${action}`,
        entityType: 'budgetPlan',
        entityId: String(id),
        before: snapshot(before),
        after: snapshot(after),
      });
      return after;
    });
  }

  /** One plan as the caller may read it: hidden while in draft or review from member units, who see only their own unit lines. */
  async get(caller: Caller, id: number): Promise<BudgetPlanView> {
    const view = await this.view(this.plans.manager, id, caller);
    if (!documentVisible(caller.scope, view.state)) throw notFound('budget plan', String(id));
    return view;
  }

  /** The plans the caller may read; a filter it cannot apply is refused, never ignored. */
  async list(
    caller: Caller,
    q: { communityCode?: string; fundYear?: number; state?: DocumentState } & PageWindow,
  ): Promise<Page<BudgetPlanView>> {
    const { scope } = caller;
    let communityId: number | null | 'any' = readsWholeCounties(scope) ? 'any' : scope.communityId;
    if (q.communityCode !== undefined) {
      const community = await this.communities.findByCode(q.communityCode);
      const known = community !== null && communityInScope(scope, { id: community.id, countyId: community.countyId });
      assertListFilterKnown('communityCode', q.communityCode, known);
      communityId = community!.id;
    }
    const states = visiblePlanStates(scope).filter((s) => q.state === undefined || s === q.state);
    const { rows, total } = await this.plans.listOfCounty(scopeCountyIds(scope), { communityId, states, fundYear: q.fundYear }, q);
    return pageOf(await Promise.all(rows.map((r) => this.view(this.plans.manager, r.id, caller))), total, q);
  }

  private async resolveLines(
    manager: EntityManager,
    communityId: number,
    dto: CreateBudgetPlanDto,
  ): Promise<(PlanLine & { institutionId: number | null })[]> {
    const codes = [...new Set(dto.lines.map((l) => l.institutionCode).filter((c): c is string => !!c))];
    const members = new Map<string, PlanMember>(
      (await this.institutions.briefs(manager, codes)).map((m) => [
        m.code,
        { id: m.id, communityId: m.communityId, active: m.active, primary: isPrimaryInstitution(m.type) },
      ]),
    );
    return resolvePlanLines(dto.lines, members, communityId);
  }

  /**
   * Last year's primary funds. Until year-end settlement records actual payments, the
   * approved plan of the previous year stands in for them.
   */
  private async lastYearPrimary(manager: EntityManager, communityId: number, fundYear: number): Promise<Money | null> {
    const primaryTotal = await this.plans.approvedPrimaryTotal(manager, communityId, fundYear - 1);
    return primaryTotal === null ? null : Money.of(primaryTotal);
  }

  private async row(manager: EntityManager, id: number, lock = false): Promise<PlanRow> {
    const row = await this.plans.find(manager, id, lock);
    if (!row) throw notFound('budget plan', String(id));
    return row;
  }

  /** The plan as `reader` sees it: only the unit lines it may see (the figures stay the plan's), and what it may do now. */
  private async view(manager: EntityManager, id: number, reader: Caller): Promise<BudgetPlanView> {
    const row = await this.row(manager, id);
    const lines = await this.plans.lines(manager, id);
    const amounts = lines.map((l) => Money.of(l.amount));
    const pkg = Money.of(row.community_package);
    const primary = Money.of(row.primary_total);
    const floorRequired = Money.of(row.floor_required);
    const { total, byCategory, primaryShare, floorMet } = planFigures(
      lines.map((l, i) => ({ category: l.category, amount: amounts[i] })),
      pkg,
      primary,
      floorRequired,
    );
    const shown = lines.map((l, i) => ({
      institutionId: l.institution_id,
      parentId: l.parent_id,
      line: {
        category: l.category,
        institutionCode: l.code,
        institutionName: l.name,
        primary: l.type ? isPrimaryInstitution(l.type) : false,
        amount: amounts[i].toString(),
      },
    }));
    return {
      id: row.id,
      communityCode: row.community_code,
      fundYear: row.fund_year,
      documentVersion: row.document_version,
      supersedesId: row.supersedes_id,
      allocationId: row.allocation_id,
      state: row.state,
      version: row.version,
      communityPackage: pkg.toString(),
      total: total.toString(),
      primaryTotal: primary.toString(),
      primaryShare,
      floor: { rate: new Dec(row.floor_rate).toString(), required: floorRequired.toString(), met: floorMet },
      warnings: JSON.parse(row.warnings),
      byCategory: Object.fromEntries(Object.entries(byCategory).map(([k, v]) => [k, v.toString()])) as Record<PlanCategory, string>,
      lines: visiblePlanLines(reader.scope, shown).map((l) => l.line),
      createdBy: row.created_by,
      submittedBy: row.submitted_by,
      approvedBy: row.approved_by,
      allowedActions: budgetPlanActions(reader, {
        state: row.state,
        countyId: Number(row.county_id),
        communityId: Number(row.community_id),
        createdBy: row.created_by,
        submittedBy: row.submitted_by,
      }),
    };
  }
}

function snapshot(v: BudgetPlanView): Record<string, unknown> {
  return {
    state: v.state,
    version: v.version,
    total: v.total,
    primaryTotal: v.primaryTotal,
    lines: v.lines.map((l) => `${l.category}:${l.institutionCode ?? '-'}=${l.amount}`).join(','),
  };
}
