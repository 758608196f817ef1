import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { selectPage } from '../../common/page.repository';
import { PageWindow } from '../../common/pagination';
import { DocumentState } from '../../domain/document-lifecycle';
import { InstitutionType } from '../../domain/institution-registry';
import { PlanCategory } from '../../domain/primary-floor';

/** A stored plan with its community's code and county. */
export type PlanRow = {
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

/** A stored plan line with its member unit (none for out-of-county funds). */
export type PlanLineRow = {
  category: PlanCategory;
  institution_id: number | null;
  parent_id: number | null;
  code: string | null;
  name: string | null;
  type: InstitutionType | null;
  amount: string;
};

export interface NewPlan {
  communityId: number;
  fundYear: number;
  documentVersion: number;
  supersedesId: number | null;
  allocationId: number;
  communityPackage: string;
  primaryTotal: string;
  floorRate: string;
  floorRequired: string;
  warnings: string;
  createdBy: string;
  lines: readonly { category: PlanCategory; institutionId: number | null; amount: string }[];
}

/** Every statement on community_budget_plan and community_budget_plan_line. */
@Injectable()
export class BudgetPlanRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  get manager(): EntityManager {
    return this.dataSource.manager;
  }

  async find(manager: EntityManager, id: number, lock = false): Promise<PlanRow | null> {
    const [row]: PlanRow[] = await manager.query(
      `SELECT p.*, m.code AS community_code, m.county_id FROM community_budget_plan p JOIN medical_community m ON m.id = p.community_id WHERE p.id = ? ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    return row ?? null;
  }

  /** The community (and its county) a plan belongs to, or null when it does not exist (for scope checks). */
  async communityOf(id: number): Promise<{ id: number; countyId: number } | null> {
    const [row]: { id: number; county_id: number }[] = await this.dataSource.query(
      'SELECT m.id, m.county_id FROM community_budget_plan p JOIN medical_community m ON m.id = p.community_id WHERE p.id = ?',
      [id],
    );
    return row ? { id: row.id, countyId: row.county_id } : null;
  }

  lines(manager: EntityManager, planId: number): Promise<PlanLineRow[]> {
    return manager.query(
      'SELECT l.category, l.institution_id, i.parent_id, i.code, i.name, i.type, l.amount FROM community_budget_plan_line l LEFT JOIN institution i ON i.id = l.institution_id WHERE l.plan_id = ? ORDER BY l.line_no',
      [planId],
    );
  }

  /** The latest version of the community's plan for the year. */
  async latest(
    manager: EntityManager,
    communityId: number,
    fundYear: number,
  ): Promise<{ id: number; documentVersion: number; state: DocumentState } | null> {
    const [row]: { id: number; document_version: number; state: DocumentState }[] = await manager.query(
      'SELECT id, document_version, state FROM community_budget_plan WHERE community_id = ? AND fund_year = ? ORDER BY document_version DESC LIMIT 1',
      [communityId, fundYear],
    );
    return row ? { id: row.id, documentVersion: row.document_version, state: row.state } : null;
  }

  /** Primary funds of the approved (or published) plan of a year, or null. */
  async approvedPrimaryTotal(manager: EntityManager, communityId: number, fundYear: number): Promise<string | null> {
    const [row]: { primary_total: string }[] = await manager.query(
      "SELECT primary_total FROM community_budget_plan WHERE community_id = ? AND fund_year = ? AND state IN ('APPROVED','PUBLISHED') ORDER BY document_version DESC LIMIT 1",
      [communityId, fundYear],
    );
    return row ? row.primary_total : null;
  }

  /**
   * One page of the plans of a county in the given states (optionally one community's, one year's), newest
   * first: every community's for a county-wide reader, else only `communityId`'s.
   */
  async listOfCounty(
    countyIds: readonly number[],
    filter: { communityId: number | null | 'any'; states: readonly string[]; fundYear?: number },
    window: PageWindow,
  ): Promise<{ rows: { id: number }[]; total: number }> {
    const { communityId, states, fundYear } = filter;
    if (!states.length || communityId === null || !countyIds.length) return { rows: [], total: 0 };
    return selectPage(
      this.dataSource,
      {
        select: 'SELECT p.id',
        from: `FROM community_budget_plan p JOIN medical_community m ON m.id = p.community_id
        WHERE m.county_id IN (${countyIds.map(() => '?').join(', ')}) AND p.state IN (${states.map(() => '?').join(', ')}) ${communityId !== 'any' ? 'AND p.community_id = ?' : ''} ${fundYear ? 'AND p.fund_year = ?' : ''}`,
        orderBy: 'p.fund_year DESC, p.document_version DESC, m.code, p.id DESC',
      },
      [...countyIds, ...states, ...(communityId !== 'any' ? [communityId] : []), ...(fundYear ? [fundYear] : [])],
      window,
    );
  }

  /** Inserts a draft plan with its lines; returns its id. */
  async insert(manager: EntityManager, plan: NewPlan): Promise<number> {
    const result = await manager.query(
      `INSERT INTO community_budget_plan (community_id, fund_year, document_version, supersedes_id, allocation_id, state, community_package, primary_total, floor_rate, floor_required, warnings, created_by)
       VALUES (?, ?, ?, ?, ?, 'DRAFT', ?, ?, ?, ?, ?, ?)`,
      [
        plan.communityId,
        plan.fundYear,
        plan.documentVersion,
        plan.supersedesId,
        plan.allocationId,
        plan.communityPackage,
        plan.primaryTotal,
        plan.floorRate,
        plan.floorRequired,
        plan.warnings,
        plan.createdBy,
      ],
    );
    const id = Number(result.insertId);
    let lineNo = 0;
    for (const line of plan.lines) {
      await manager.query(
        'INSERT INTO community_budget_plan_line (plan_id, line_no, category, institution_id, amount) VALUES (?, ?, ?, ?, ?)',
        [id, ++lineNo, line.category, line.institutionId, line.amount],
      );
    }
    return id;
  }

  /** Replaces a draft's lines and figures at `version` (the version moves on by one). */
  async replaceLines(
    manager: EntityManager,
    id: number,
    version: number,
    plan: Pick<NewPlan, 'allocationId' | 'communityPackage' | 'primaryTotal' | 'floorRate' | 'floorRequired' | 'warnings' | 'lines'>,
  ): Promise<void> {
    await manager.query(
      `UPDATE community_budget_plan SET allocation_id = ?, community_package = ?, primary_total = ?, floor_rate = ?, floor_required = ?, warnings = ?, version = version + 1
       WHERE id = ? AND version = ?`,
      [plan.allocationId, plan.communityPackage, plan.primaryTotal, plan.floorRate, plan.floorRequired, plan.warnings, id, version],
    );
    await manager.query('DELETE FROM community_budget_plan_line WHERE plan_id = ?', [id]);
    let lineNo = 0;
    for (const line of plan.lines) {
      await manager.query(
        'INSERT INTO community_budget_plan_line (plan_id, line_no, category, institution_id, amount) VALUES (?, ?, ?, ?, ?)',
        [id, ++lineNo, line.category, line.institutionId, line.amount],
      );
    }
  }

  /** Moves the plan to `state` at `version`, recording who submitted or approved it and when it was approved or published. */
  async transition(
    manager: EntityManager,
    id: number,
    version: number,
    state: DocumentState,
    stamp: { submittedBy?: string; approvedBy?: string; published?: boolean },
  ): Promise<void> {
    const sets: string[] = ['state = ?', 'version = version + 1'];
    const params: unknown[] = [state];
    if (stamp.submittedBy !== undefined) {
      sets.push('submitted_by = ?');
      params.push(stamp.submittedBy);
    }
    if (stamp.approvedBy !== undefined) {
      sets.push('approved_by = ?', 'approved_at = CURRENT_TIMESTAMP(3)');
      params.push(stamp.approvedBy);
    }
    if (stamp.published) sets.push('published_at = CURRENT_TIMESTAMP(3)');
    await manager.query(`UPDATE community_budget_plan SET ${sets.join(', ')} WHERE id = ? AND version = ?`, [...params, id, version]);
  }

  async supersede(manager: EntityManager, id: number): Promise<void> {
    await manager.query("UPDATE community_budget_plan SET state = 'SUPERSEDED', version = version + 1 WHERE id = ?", [id]);
  }
}
