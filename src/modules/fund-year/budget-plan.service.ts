import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { inTransaction } from '../../database/transaction';
import { assertMakerChecker, communityInScope } from '../../domain/access-policy';
import { DomainError, ErrorDetail } from '../../domain/domain-error';
import { isPrimaryInstitution, InstitutionType } from '../../domain/institution-registry';
import { Dec, Money } from '../../domain/money';
import { checkCommunityBudgetPlan, PlanCategory, PlanLine, PlanWarning } from '../../domain/primary-floor';
import { DOCUMENT_LIFECYCLE, DocumentAction, DocumentState } from '../../domain/document-lifecycle';
import { Caller } from '../../common/caller';
import { AuditService } from '../audit/audit.service';
import { notFound, outOfScope, staleVersion } from '../../common/record-errors';
import { AllocationService, packageOf } from './allocation.service';
import { CreateBudgetPlanDto } from './dto/fund-year.dto';

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

type PlanRow = {
  id: number;
  community_id: number;
  county_id: number;
  community_code: string;
  fund_year: number;
  document_version: number;
  supersedes_id: number | null;
  allocation_id: number;
  state: DocumentState;
  version: number;
  community_package: string;
  primary_total: string;
  floor_rate: string;
  floor_required: string;
  warnings: string;
  created_by: string;
  submitted_by: string | null;
  approved_by: string | null;
};

/** The community budget plan (SPEC §3.1): the lead unit plans M by category and member unit; the bureau approves. */
@Injectable()
export class BudgetPlanService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly allocations: AllocationService,
    private readonly audit: AuditService,
  ) {}

  /** Drafts a plan (a new version when one exists); below the primary floor it is refused with 422. */
  async create(caller: Caller, dto: CreateBudgetPlanDto): Promise<BudgetPlanView> {
    return inTransaction(this.dataSource, async (manager) => {
      const [community]: { id: number; county_id: number; code: string }[] = await manager.query(
        'SELECT id, county_id, code FROM medical_community WHERE code = ? AND active = 1 FOR UPDATE',
        [dto.communityCode],
      );
      if (!community)
        throw new DomainError('COMMUNITY_NOT_FOUND', 'unprocessable', `medical community ${dto.communityCode} does not exist`, [
          { field: 'communityCode', rule: 'exists', message: dto.communityCode },
        ]);
      if (!communityInScope(caller.scope, { id: community.id, countyId: community.county_id }))
        throw outOfScope('communityCode', `community ${dto.communityCode}`);
      const allocation = await this.allocations.inForce(manager, community.county_id, dto.fundYear);
      if (!allocation)
        throw new DomainError(
          'NO_APPROVED_ALLOCATION',
          'unprocessable',
          `there is no approved allocation for ${dto.fundYear} yet: the plan divides its package M`,
          [{ field: 'fundYear', rule: 'allocationApproved', message: String(dto.fundYear) }],
        );
      const communityPackage = packageOf(allocation, community.code);
      if (!communityPackage)
        throw new DomainError('NO_PACKAGE', 'unprocessable', `allocation ${allocation.id} gives community ${community.code} no package`);
      const lines = await this.resolveLines(manager, community.id, dto);
      const check = checkCommunityBudgetPlan(
        lines,
        communityPackage,
        allocation.parameters.primaryFloorRate,
        await this.lastYearPrimary(manager, community.id, dto.fundYear),
      );

      const [latest]: { id: number; document_version: number; state: DocumentState }[] = await manager.query(
        'SELECT id, document_version, state FROM community_budget_plan WHERE community_id = ? AND fund_year = ? ORDER BY document_version DESC LIMIT 1',
        [community.id, dto.fundYear],
      );
      if (latest && (latest.state === 'DRAFT' || latest.state === 'SUBMITTED')) {
        throw new DomainError(
          'PLAN_OPEN',
          'conflict',
          `plan ${latest.id} for ${dto.fundYear} is still ${latest.state}: return or approve it first`,
          [{ field: 'fundYear', rule: 'oneOpenPlan', message: String(latest.id) }],
        );
      }
      const result = await manager.query(
        `INSERT INTO community_budget_plan (community_id, fund_year, document_version, supersedes_id, allocation_id, state, community_package, primary_total, floor_rate, floor_required, warnings, created_by)
         VALUES (?, ?, ?, ?, ?, 'DRAFT', ?, ?, ?, ?, ?, ?)`,
        [
          community.id,
          dto.fundYear,
          (latest?.document_version ?? 0) + 1,
          latest?.id ?? null,
          allocation.id,
          communityPackage.toString(),
          check.primaryTotal.toString(),
          check.floor.floorRate,
          check.floor.required.toString(),
          JSON.stringify(check.warnings),
          caller.name,
        ],
      );
      const id = Number(result.insertId);
      let lineNo = 0;
      for (const line of lines) {
        await manager.query(
          'INSERT INTO community_budget_plan_line (plan_id, line_no, category, institution_id, amount) VALUES (?, ?, ?, ?, ?)',
          [id, ++lineNo, line.category, line.institutionId, line.amount.toString()],
        );
      }
      const view = await this.view(manager, id);
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

  /** Lead submits; the bureau returns or approves (maker-checker); then it is published. */
  async transition(caller: Caller, id: number, action: DocumentAction, expectedVersion: number): Promise<BudgetPlanView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      const before = await this.view(manager, id);
      if (action === 'approve' && (row.state === 'APPROVED' || row.state === 'PUBLISHED')) return before;
      const next = DOCUMENT_LIFECYCLE.apply(row.state, action);
      if (row.version !== expectedVersion) throw staleVersion(row.version);
      const sets: string[] = ['state = ?', 'version = version + 1'];
      const params: unknown[] = [next];
      if (action === 'submit') {
        sets.push('submitted_by = ?');
        params.push(caller.name);
      }
      if (action === 'approve') {
        assertMakerChecker(row.submitted_by ?? row.created_by, caller.name);
        sets.push('approved_by = ?', 'approved_at = CURRENT_TIMESTAMP(3)');
        params.push(caller.name);
        if (row.supersedes_id)
          await manager.query("UPDATE community_budget_plan SET state = 'SUPERSEDED', version = version + 1 WHERE id = ?", [
            row.supersedes_id,
          ]);
      }
      if (action === 'publish') sets.push('published_at = CURRENT_TIMESTAMP(3)');
      await manager.query(`UPDATE community_budget_plan SET ${sets.join(', ')} WHERE id = ? AND version = ?`, [...params, id, row.version]);
      const after = await this.view(manager, id);
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

  get(id: number): Promise<BudgetPlanView> {
    return this.view(this.dataSource.manager, id);
  }

  async list(caller: Caller, communityCode?: string, fundYear?: number): Promise<BudgetPlanView[]> {
    const rows: { id: number; community_id: number; county_id: number }[] = await this.dataSource.query(
      `SELECT p.id, p.community_id, m.county_id FROM community_budget_plan p JOIN medical_community m ON m.id = p.community_id
        WHERE m.county_id = ? ${communityCode ? 'AND m.code = ?' : ''} ${fundYear ? 'AND p.fund_year = ?' : ''} ORDER BY p.fund_year DESC, p.document_version DESC`,
      [caller.scope.countyId, ...(communityCode ? [communityCode] : []), ...(fundYear ? [fundYear] : [])],
    );
    const visible = rows.filter((r) => communityInScope(caller.scope, { id: r.community_id, countyId: r.county_id }));
    return Promise.all(visible.map((r) => this.view(this.dataSource.manager, r.id)));
  }

  private async resolveLines(
    manager: EntityManager,
    communityId: number,
    dto: CreateBudgetPlanDto,
  ): Promise<(PlanLine & { institutionId: number | null })[]> {
    const codes = [...new Set(dto.lines.map((l) => l.institutionCode).filter((c): c is string => !!c))];
    const members: { id: number; code: string; type: InstitutionType; community_id: number | null; active: number }[] = codes.length
      ? await manager.query(
          `SELECT id, code, type, community_id, active FROM institution WHERE code IN (${codes.map(() => '?').join(', ')})`,
          codes,
        )
      : [];
    const byCode = new Map(members.map((m) => [m.code, m]));
    const errors: ErrorDetail[] = [];
    const lines = dto.lines.map((l, i) => {
      const field = `lines.${i}.institutionCode`;
      if (l.category === 'OUT_OF_COUNTY') {
        if (l.institutionCode)
          errors.push({ field, rule: 'noUnitForOutOfCounty', message: 'out-of-county funds are not planned for a member unit' });
        return { category: l.category, institutionCode: null, institutionId: null, primary: false, amount: Money.of(l.amount) };
      }
      const m = l.institutionCode ? byCode.get(l.institutionCode) : undefined;
      if (!l.institutionCode) errors.push({ field, rule: 'required', message: `${l.category} funds are planned for a member unit` });
      else if (!m || !m.active || m.community_id !== communityId)
        errors.push({ field, rule: 'memberOfCommunity', message: `${l.institutionCode} is not an active member of this community` });
      return {
        category: l.category,
        institutionCode: l.institutionCode ?? null,
        institutionId: m?.id ?? null,
        primary: m ? isPrimaryInstitution(m.type) : false,
        amount: Money.of(l.amount),
      };
    });
    if (errors.length) throw new DomainError('PLAN_INVALID', 'unprocessable', errors.map((e) => e.message).join('; '), errors);
    return lines;
  }

  /**
   * Last year's primary funds. Until year-end settlement records actual payments, the
   * approved plan of the previous year stands in for them.
   */
  private async lastYearPrimary(manager: EntityManager, communityId: number, fundYear: number): Promise<Money | null> {
    const [row]: { primary_total: string }[] = await manager.query(
      "SELECT primary_total FROM community_budget_plan WHERE community_id = ? AND fund_year = ? AND state IN ('APPROVED','PUBLISHED') ORDER BY document_version DESC LIMIT 1",
      [communityId, fundYear - 1],
    );
    return row ? Money.of(row.primary_total) : null;
  }

  private async row(manager: EntityManager, id: number, lock = false): Promise<PlanRow> {
    const [row]: PlanRow[] = await manager.query(
      `SELECT p.*, m.code AS community_code, m.county_id FROM community_budget_plan p JOIN medical_community m ON m.id = p.community_id WHERE p.id = ? ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    if (!row) throw notFound('budget plan', String(id));
    return row;
  }

  private async view(manager: EntityManager, id: number): Promise<BudgetPlanView> {
    const row = await this.row(manager, id);
    const lines: { category: PlanCategory; code: string | null; name: string | null; type: InstitutionType | null; amount: string }[] =
      await manager.query(
        'SELECT l.category, i.code, i.name, i.type, l.amount FROM community_budget_plan_line l LEFT JOIN institution i ON i.id = l.institution_id WHERE l.plan_id = ? ORDER BY l.line_no',
        [id],
      );
    const amounts = lines.map((l) => Money.of(l.amount));
    const total = Money.sum(amounts);
    const byCategory = { OUT_OF_COUNTY: Money.ZERO, OUTPATIENT: Money.ZERO, INPATIENT: Money.ZERO, CHRONIC_SPECIAL: Money.ZERO };
    lines.forEach((l, i) => (byCategory[l.category] = byCategory[l.category].plus(amounts[i])));
    const pkg = Money.of(row.community_package);
    const primary = Money.of(row.primary_total);
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
      primaryShare: pkg.isZero() ? '0.0000' : primary.toDecimal().dividedBy(pkg.toDecimal()).toFixed(4),
      floor: {
        rate: new Dec(row.floor_rate).toString(),
        required: Money.of(row.floor_required).toString(),
        met: primary.gte(Money.of(row.floor_required)),
      },
      warnings: JSON.parse(row.warnings),
      byCategory: Object.fromEntries(Object.entries(byCategory).map(([k, v]) => [k, v.toString()])) as Record<PlanCategory, string>,
      lines: lines.map((l, i) => ({
        category: l.category,
        institutionCode: l.code,
        institutionName: l.name,
        primary: l.type ? isPrimaryInstitution(l.type) : false,
        amount: amounts[i].toString(),
      })),
      createdBy: row.created_by,
      submittedBy: row.submitted_by,
      approvedBy: row.approved_by,
      allowedActions: DOCUMENT_LIFECYCLE.allowedActions(row.state),
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
