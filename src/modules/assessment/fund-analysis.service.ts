import { Injectable } from '@nestjs/common';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import {
  assertAnalysisComplete,
  assertQuarterEnded,
  buildFundAnalysis,
  FUND_ANALYSIS_LIFECYCLE,
  FundAnalysisAction,
  FundAnalysisContent,
  FundAnalysisState,
  quarterPeriods,
} from '../../domain/fund-analysis';
import { fundAnalysisActions } from '../../domain/document-actions';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { AuditService } from '../audit';
import { AssessedCommunity, CommunityFiguresRepository } from './community-figures.repository';
import { AnalysisRow, FundAnalysisRepository } from './fund-analysis.repository';

/** The lead unit's commentary (分析说明) beside the figures. */
export interface FundAnalysisNarrative {
  summary: string | null;
  risks: string | null;
  measures: string | null;
}

export interface FundAnalysisSummaryView {
  id: number;
  communityCode: string;
  fundYear: number;
  quarter: number;
  state: FundAnalysisState;
  version: number;
  draftedAt: string;
  refreshedAt: string;
  submittedBy: string | null;
  submittedAt: string | null;
  /** What the caller may do now (docs/document-actions.md). */
  allowedActions: FundAnalysisAction[];
}

export interface FundAnalysisView extends FundAnalysisSummaryView, FundAnalysisNarrative {
  communityName: string;
  content: FundAnalysisContent;
}

/** The document's heading as `reader` sees it (null: the system, offered no actions). */
function summaryOf(r: AnalysisRow, reader: Caller | null): FundAnalysisSummaryView {
  return {
    id: Number(r.id),
    communityCode: r.community_code,
    fundYear: Number(r.fund_year),
    quarter: Number(r.quarter),
    state: r.state,
    version: Number(r.version),
    draftedAt: r.drafted_at.toISOString(),
    refreshedAt: r.refreshed_at.toISOString(),
    submittedBy: r.submitted_by,
    submittedAt: r.submitted_at?.toISOString() ?? null,
    allowedActions: reader
      ? fundAnalysisActions(reader, { state: r.state, countyId: Number(r.county_id), communityId: Number(r.community_id) })
      : [],
  };
}

function viewOf(r: AnalysisRow, reader: Caller | null): FundAnalysisView {
  return {
    ...summaryOf(r, reader),
    communityName: r.community_name,
    summary: r.summary,
    risks: r.risks,
    measures: r.measures,
    content: JSON.parse(r.content) as FundAnalysisContent,
  };
}

/** What the audit trail keeps of a document: its state, version, commentary and a digest of the figures. */
function auditSnapshot(v: { state: FundAnalysisState; version: number; content: string } & FundAnalysisNarrative): Record<string, unknown> {
  return {
    state: v.state,
    version: v.version,
    summary: v.summary,
    risks: v.risks,
    measures: v.measures,
    figuresDigest: createHash('sha256').update(v.content).digest('hex'),
  };
}

/**
 * The quarterly fund analysis (基金运行分析, SPEC §6): drafted after each quarter end (by the
 * scheduled job or on demand), commented on by the lead unit, submitted to the bureau.
 */
@Injectable()
export class FundAnalysisService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly figures: CommunityFiguresRepository,
    private readonly audit: AuditService,
    private readonly clock: BusinessClock,
    private readonly analyses: FundAnalysisRepository,
  ) {}

  /**
   * Drafts the analysis of a community's quarter. Idempotent: one document per community and
   * quarter; while it is a draft a re-run refreshes the figures and keeps the commentary; once
   * submitted a re-run changes nothing.
   */
  async draft(communityId: number, fundYear: number, quarter: number): Promise<{ id: number; created: boolean }> {
    assertQuarterEnded(fundYear, quarter, this.clock.today());
    return inTransaction(this.dataSource, (manager) => this.draftWithin(manager, communityId, fundYear, quarter));
  }

  /** The same, inside the caller's transaction (the fund-analysis cycle, with its result). */
  async draftWithin(
    manager: EntityManager,
    communityId: number,
    fundYear: number,
    quarter: number,
  ): Promise<{ id: number; created: boolean }> {
    assertQuarterEnded(fundYear, quarter, this.clock.today());
    const community = await this.figures.community(manager, { id: communityId });
    await this.analyses.lockCommunity(manager, community.id);
    const existing = await this.analyses.ofQuarter(manager, community.id, fundYear, quarter);
    if (existing && !FUND_ANALYSIS_LIFECYCLE.can(existing.state, 'refresh')) return { id: Number(existing.id), created: false };
    const content = JSON.stringify(await this.content(manager, community, fundYear, quarter));
    if (!existing) {
      const id = await this.analyses.insertDraft(manager, {
        communityId: community.id,
        countyId: community.countyId,
        fundYear,
        quarter,
        content,
      });
      await this.audit.record(manager, {
        action: 'fundAnalysis.draft',
        entityType: 'fundAnalysis',
        entityId: String(id),
        before: null,
        after: {
          communityCode: community.code,
          fundYear,
          quarter,
          ...auditSnapshot({ state: 'DRAFT', version: 1, content, summary: null, risks: null, measures: null }),
        },
      });
      return { id, created: true };
    }
    if (existing.content === content) return { id: Number(existing.id), created: false };
    await this.analyses.refreshContent(manager, existing.id, content);
    await this.audit.record(manager, {
      action: 'fundAnalysis.refresh',
      entityType: 'fundAnalysis',
      entityId: String(existing.id),
      before: auditSnapshot(existing),
      after: auditSnapshot({ ...existing, version: existing.version + 1, content }),
    });
    return { id: Number(existing.id), created: false };
  }

  /** Drafts (or refreshes) on demand for the community a route names, answering the document. */
  async draftByCode(
    caller: Caller,
    communityCode: string,
    fundYear: number,
    quarter: number,
  ): Promise<{ view: FundAnalysisView; created: boolean }> {
    const community = await this.figures.community(this.dataSource.manager, { code: communityCode });
    const { id, created } = await this.draft(community.id, fundYear, quarter);
    return { view: await this.get(caller, id), created };
  }

  async list(
    caller: Caller,
    communityCode: string,
    q: { fundYear?: number; state?: string } & PageWindow,
  ): Promise<Page<FundAnalysisSummaryView>> {
    const community = await this.figures.community(this.dataSource.manager, { code: communityCode });
    const { rows, total } = await this.analyses.list(community.id, { fundYear: q.fundYear, state: q.state }, q);
    return pageOf(
      rows.map((r) => summaryOf(r, caller)),
      total,
      q,
    );
  }

  /** The analysis with what `reader` may do with it now (null: the system, offered no actions). */
  async get(reader: Caller | null, id: number): Promise<FundAnalysisView> {
    return viewOf(await this.row(this.dataSource.manager, id), reader);
  }

  /** The lead unit edits its commentary while the document is a draft; a field left out is kept. */
  async edit(caller: Caller, id: number, version: number, changes: Partial<FundAnalysisNarrative>): Promise<FundAnalysisView> {
    return inTransaction(this.dataSource, async (manager) => {
      const before = await this.row(manager, id, true);
      FUND_ANALYSIS_LIFECYCLE.apply(before.state, 'edit');
      if (before.version !== version) throw staleVersion(before.version);
      const next: FundAnalysisNarrative = { summary: before.summary, risks: before.risks, measures: before.measures };
      for (const field of ['summary', 'risks', 'measures'] as const) if (changes[field] !== undefined) next[field] = changes[field] || null;
      await this.analyses.saveNarrative(manager, id, next);
      await this.audit.record(manager, {
        action: 'fundAnalysis.edit',
        entityType: 'fundAnalysis',
        entityId: String(id),
        before: auditSnapshot(before),
        after: auditSnapshot({ ...before, ...next, version: before.version + 1 }),
      });
      return viewOf(await this.row(manager, id), caller);
    });
  }

  /** The lead unit submits the analysis to the bureau; its commentary needs at least a summary. A repeated submit answers the submitted document. */
  async submit(caller: Caller, id: number, version: number): Promise<FundAnalysisView> {
    return inTransaction(this.dataSource, async (manager) => {
      const before = await this.row(manager, id, true);
      if (before.state === 'SUBMITTED' && before.version === version + 1 && before.submitted_by === caller.name)
        return viewOf(before, caller);
      const state = FUND_ANALYSIS_LIFECYCLE.apply(before.state, 'submit');
      if (before.version !== version) throw staleVersion(before.version);
      assertAnalysisComplete(before);
      await this.analyses.markSubmitted(manager, id, state, caller.name);
      const after = await this.row(manager, id);
      await this.audit.record(manager, {
        action: 'fundAnalysis.submit',
        entityType: 'fundAnalysis',
        entityId: String(id),
        before: auditSnapshot(before),
        after: { ...auditSnapshot(after), submittedBy: caller.name },
      });
      return viewOf(after, caller);
    });
  }

  private async content(
    manager: EntityManager,
    community: AssessedCommunity,
    fundYear: number,
    quarter: number,
  ): Promise<FundAnalysisContent> {
    const periods = quarterPeriods(fundYear, quarter);
    const previous = quarterPeriods(fundYear - 1, quarter);
    const parameters = await this.figures.policyParameters(manager, community, fundYear);
    const quarterFlows = await this.figures.flows(manager, community.id, periods.from, periods.to);
    const previousYearFlows = await this.figures.flows(manager, community.id, previous.from, previous.to);
    const yearToDateFlows = await this.figures.flows(manager, community.id, `${fundYear}-01`, periods.to);
    return buildFundAnalysis({
      communityCode: community.code,
      fundYear,
      quarter,
      quarterFlows,
      previousYearFlows: previousYearFlows.groups.length || previousYearFlows.outOfCounty.length ? previousYearFlows : null,
      yearToDateFlows,
      communityPackage: await this.figures.communityPackage(manager, community, fundYear),
      thresholds: { watch: parameters.burnWatch, warning: parameters.burnWarning, alarm: parameters.burnAlarm },
      primaryFloorRate: parameters.primaryFloorRate,
    });
  }

  private async row(manager: EntityManager, id: number, lock = false): Promise<AnalysisRow> {
    const row = await this.analyses.find(manager, id, lock);
    if (!row) throw notFound('fund analysis', String(id));
    return row;
  }
}
