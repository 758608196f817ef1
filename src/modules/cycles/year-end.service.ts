import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Caller } from '../../common/caller';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { notFound, staleVersion } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { assertMakerChecker } from '../../domain/access-policy';
import {
  assertLedgerUnchanged,
  assertNoPendingDeclarations,
  assertSurplusPlansApplied,
  awaitingSurplusPlan,
  assertStatementDrafted,
  assertYearEndDrafted,
  CommunitySummary,
  assertYearEndPostable,
  communitiesReleasingDeposit,
  settleYearEnd,
  YearEndInputs,
  YearEndSettlement,
  YearEndSummary,
  yearEndTransfersToPost,
} from '../../domain/county-year-end';
import { CLAIMING_TYPES, isPrimaryInstitution } from '../../domain/institution-registry';
import { Money } from '../../domain/money';
import { PolicyParameters, policyTerms } from '../../domain/policy-parameters';
import { ledgerWithout, SimulationCase } from '../../domain/policy-simulation';
import { YEAR_END_LIFECYCLE, YearEndAction, YearEndState } from '../../domain/year-end-settlement';
import { yearEndActions } from '../../domain/document-actions';
import { JobHandler } from '../../queue/job-handler.decorator';
import { OutboxService } from '../../queue/outbox.service';
import { AuditService } from '../audit';
import { PerformanceAssessmentService } from '../assessment';
import { ConsumptionRepository } from '../claims';
import { AllocationService } from '../fund-year';
import { PolicyParametersService } from '../fund-year';
import { LedgerService } from '../ledger';
import { StatementRow, YearEndRepository, YearEndRow } from './year-end.repository';

export type { CommunitySummary, YearEndSummary } from '../../domain/county-year-end';

export interface StatementView {
  institutionCode: string;
  institutionName: string;
  kind: 'MEMBER' | 'PRIVATE';
  communityCode: string | null;
  primary: boolean;
  approvedConsumption: string;
  overspendShare: string;
  surplusShare: string;
  floorTopUp: string;
  depositWithheld: string;
  depositRelease: string;
  paidSoFar: string;
  balanceDue: string;
}

export interface YearEndView {
  id: number;
  countyCode: string;
  fundYear: number;
  state: string;
  version: number;
  revision: number;
  draftedBy: string;
  draftedAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  postingRequestedBy: string | null;
  postedTransfers: number;
  totalTransfers: number;
  postedAt: Date | null;
  summary: YearEndSummary;
  statements: StatementView[];
  /** What the caller may do now (docs/document-actions.md). */
  allowedActions: YearEndAction[];
}

/**
 * Year-end settlement of one county and fund year (年终清算, SPEC §7): a statement for every
 * member unit and private institution, computed from the year's approved claims as their
 * per-unit totals record them (units × periods rows, not the settlement records), checked
 * against the ledger before it is saved, approved by a
 * second person and posted transfer by transfer, so that a posting interrupted at any point
 * completes on retry with no transfer missing or doubled.
 */
@Injectable()
export class YearEndService {
  private readonly logger = new Logger(YearEndService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly allocations: AllocationService,
    private readonly parameters: PolicyParametersService,
    private readonly ledger: LedgerService,
    private readonly assessments: PerformanceAssessmentService,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly years: YearEndRepository,
    private readonly consumption: ConsumptionRepository,
  ) {}

  /**
   * Drafts the settlement, or returns the one that exists: a second trigger of the same cycle
   * changes nothing. `redraft` recomputes an existing draft (never an approved one).
   */
  async draft(
    manager: EntityManager,
    county: { id: number; code: string },
    fundYear: number,
    draftedBy: string,
    redraft = false,
  ): Promise<{ id: number; created: boolean; state: string; records: number }> {
    const existing = await this.years.lockIfDrafted(manager, county.id, fundYear);
    if (existing && !redraft) return { id: existing.id, created: false, state: existing.state, records: 0 };
    if (existing) YEAR_END_LIFECYCLE.apply(existing.state, 'redraft');
    const { summary, statements } = await this.compute(manager, county, fundYear);
    let id: number;
    if (existing) {
      id = existing.id;
      await this.years.redraft(manager, id, { summary, draftedBy });
    } else {
      id = await this.years.insertDraft(manager, { countyId: county.id, fundYear, summary, draftedBy });
    }
    await this.years.insertStatements(manager, id, statements);
    await this.audit.record(manager, {
      action: existing ? 'yearEnd.redraft' : 'yearEnd.draft',
      entityType: 'yearEndSettlement',
      entityId: String(id),
      before: null,
      after: {
        countyCode: county.code,
        fundYear,
        communities: summary.communities.map((c) => ({
          code: c.communityCode,
          overspend: c.overspend,
          surplus: c.surplus,
          floorViolation: c.floorViolation,
        })),
        statements: statements.length,
      },
    });
    return { id, created: !existing, state: 'DRAFT', records: summary.records };
  }

  /** The settlement from what it reads in the caller's transaction: inputs, the communities' scores, one policy call. */
  private async compute(manager: EntityManager, county: { id: number; code: string }, fundYear: number): Promise<YearEndSettlement> {
    const parameterSet = await this.parameters.current(manager, county, fundYear);
    const inputs = await this.inputs(manager, county, fundYear, parameterSet);
    const scores = new Map<number, string>();
    for (const communityId of communitiesReleasingDeposit(inputs))
      scores.set(communityId, (await this.assessments.assess(manager, communityId, fundYear)).score);
    return settleYearEnd({ ...inputs, scores }, policyTerms(parameterSet.values));
  }

  /**
   * The county-year as the year-end draft reads it, for the policy simulation: the parameter set
   * the stored year end was drafted with, the inputs with the communities' scores, and the ledger
   * as the draft saw it (a posted year end's own transfers taken back off); the allocation in
   * force with its inputs, and the stored year end to compare with. Reads only.
   */
  async simulationCase(county: { id: number; code: string }, fundYear: number): Promise<SimulationCase> {
    return inTransaction(this.dataSource, async (manager) => {
      const id = await this.years.idOfYear(county.id, fundYear);
      const row = id !== null ? await this.row(manager, id, false) : null;
      const stored = row ? (JSON.parse(row.summary) as YearEndSummary) : null;
      const current = await this.parameters.current(manager, county, fundYear);
      let [parameters, version]: [PolicyParameters, number] = [current.values, current.version];
      if (stored && stored.options.parametersVersion !== version) {
        const drafted = (await this.parameters.versions(county, fundYear)).find((v) => v.version === stored.options.parametersVersion);
        if (drafted) [parameters, version] = [drafted.values, drafted.version];
      }
      const inputs = await this.inputs(manager, county, fundYear, { version, values: parameters });
      const ledger = row
        ? ledgerWithout(inputs.ledger, await this.ledger.transfersOf(manager, { type: 'yearEndSettlement', id: String(row.id) }))
        : inputs.ledger;
      const scores = new Map<number, string>();
      for (const communityId of communitiesReleasingDeposit(inputs))
        scores.set(communityId, (await this.assessments.assess(manager, communityId, fundYear)).score);
      const allocation = await this.allocations.inForce(manager, county.id, fundYear);
      return {
        countyCode: county.code,
        fundYear,
        parameters,
        inputs: { ...inputs, ledger, scores },
        allocation: allocation
          ? {
              inputs: {
                insuredCount: allocation.inputs.insuredCount,
                perCapitaStandard: allocation.inputs.perCapitaStandard,
                interest: allocation.inputs.interest,
                criticalIllnessPremiumPerPerson: allocation.inputs.criticalIllnessPremiumPerPerson,
                familyDoctorFee: allocation.inputs.familyDoctorFee,
                policyAdjustmentExpenditure: allocation.inputs.policyAdjustmentExpenditure,
              },
              communities: allocation.communities.map((c) => ({
                code: c.communityCode,
                enrolledPopulation: c.enrolledPopulation,
                package: c.package,
                effectivePackage: c.effectivePackage,
              })),
            }
          : null,
        city: null,
        stored:
          row && stored
            ? {
                state: row.state,
                summary: stored,
                statements: (await this.years.statements(manager, row.id)).map((s) => ({
                  code: s.code,
                  balanceDue: Money.of(s.balance_due).toString(),
                })),
              }
            : null,
      };
    });
  }

  /** Everything the year end reads: packages, units, the year's approved claims and payments, the ledger. */
  private async inputs(
    manager: EntityManager,
    county: { id: number; code: string },
    fundYear: number,
    parameterSet: { version: number; values: { surplusPrimaryWeight: string } },
  ): Promise<YearEndInputs> {
    const allocation = await this.allocations.inForce(manager, county.id, fundYear);
    const units = await this.years.units(manager, county.id);
    const submitters = units.filter((u) => CLAIMING_TYPES.includes(u.type)).map((u) => u.id);
    return {
      county,
      fundYear,
      packages: allocation ? new Map(allocation.communities.map((c) => [c.communityCode, Money.of(c.effectivePackage)])) : null,
      parameterSet: { version: parameterSet.version, surplusPrimaryWeight: parameterSet.values.surplusPrimaryWeight },
      units,
      declarations: await this.consumption.fundedDeclarations(manager, county.id, fundYear),
      privateClaims: await this.consumption.privateSettledClaims(manager, county.id, fundYear),
      records: await this.consumption.recordsByClaim(manager, submitters, fundYear),
      outOfCounty: await this.consumption.outOfCountyByCommunity(manager, county.id, fundYear),
      pendingDeclarations: await this.consumption.pendingDeclarations(manager, county.id, fundYear),
      ledger: await this.ledger.accountTotals(manager, county.id, fundYear),
      communities: await this.years.communities(manager, county.id),
      privateInstitutions: await this.consumption.privateFigures(manager, county.id, fundYear),
      scores: new Map(),
      surplusPlans: await this.years.executedSurplusPlans(manager, county.id, fundYear),
    };
  }

  /** Drafts an existing draft again, from the records and ledger as they are now. */
  async redraft(caller: Caller, id: number, version: number): Promise<YearEndView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      YEAR_END_LIFECYCLE.apply(row.state, 'redraft');
      if (Number(row.version) !== version) throw staleVersion(Number(row.version));
      await this.draft(manager, { id: row.county_id, code: row.county_code }, Number(row.fund_year), caller.name, true);
      return this.view(manager, id, caller);
    });
  }

  /** The bureau approves a draft; the approver is not the person who drafted it. */
  async approve(caller: Caller, id: number, version: number): Promise<YearEndView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      if (row.state === 'APPROVED' || row.state === 'POSTED') return this.view(manager, id, caller);
      YEAR_END_LIFECYCLE.apply(row.state, 'approve');
      if (Number(row.version) !== version) throw staleVersion(Number(row.version));
      assertMakerChecker(row.drafted_by, caller.name);
      const summary: YearEndSummary = JSON.parse(row.summary);
      assertNoPendingDeclarations(summary, Number(row.fund_year));
      assertSurplusPlansApplied(summary);
      assertLedgerUnchanged(summary, await this.ledger.accountTotals(manager, row.county_id, row.fund_year));
      await this.years.markApproved(manager, id, caller.name);
      await this.audit.record(manager, {
        action: 'yearEnd.approve',
        entityType: 'yearEndSettlement',
        entityId: String(id),
        before: { state: row.state },
        after: { state: 'APPROVED', approvedBy: caller.name },
      });
      return this.view(manager, id, caller);
    });
  }

  /** Asks for the approved settlement to be posted; the posting runs as a job (outbox). */
  async requestPosting(caller: Caller, id: number, version: number): Promise<YearEndView> {
    let jobId: string | null = null;
    let askedBefore = false;
    const view = await inTransaction(this.dataSource, async (manager) => {
      const row = await this.row(manager, id, true);
      askedBefore = row.state === 'APPROVED' && Boolean(row.posting_requested_by);
      if (row.state === 'POSTED' || askedBefore) return this.view(manager, id, caller);
      YEAR_END_LIFECYCLE.apply(row.state, 'post');
      if (Number(row.version) !== version) throw staleVersion(Number(row.version));
      await this.years.markPostingRequested(manager, id, caller.name);
      jobId = await this.outbox.add(manager, 'yearend.post', { settlementId: id });
      await this.audit.record(manager, {
        action: 'yearEnd.requestPosting',
        entityType: 'yearEndSettlement',
        entityId: String(id),
        before: { state: row.state },
        after: { state: row.state, postingRequestedBy: caller.name },
      });
      return this.view(manager, id, caller);
    });
    if (jobId) await this.outbox.relay([jobId]);
    else if (askedBefore) await this.outbox.redrive('yearend.post', { settlementId: id });
    return view;
  }

  /**
   * Posts the approved transfers one at a time, each in its own transaction with the progress
   * count; a transfer already posted is skipped by its id. Killed at any point, the job runs
   * again and finishes the rest.
   */
  @JobHandler('yearend.post')
  async post({ settlementId }: { settlementId: number }): Promise<{ posted: number; alreadyPosted: number; transfers: number }> {
    const row = await this.row(this.dataSource.manager, settlementId, false);
    if (row.state === 'POSTED') return { posted: 0, alreadyPosted: Number(row.posted_transfers), transfers: Number(row.posted_transfers) };
    assertYearEndPostable(row.state, settlementId);
    const transfers = yearEndTransfersToPost(JSON.parse(row.summary) as YearEndSummary);
    let posted = 0;
    let alreadyPosted = 0;
    for (let i = 0; i < transfers.length; i++) {
      const outcome = await inTransaction(this.dataSource, async (manager) => {
        const r = await this.ledger.post(manager, row.county_id, row.fund_year, [transfers[i]], {
          type: 'yearEndSettlement',
          id: String(settlementId),
        });
        await this.years.recordPosted(manager, settlementId, i + 1);
        return r;
      });
      posted += outcome.posted;
      alreadyPosted += outcome.alreadyPosted;
      if (this.config.queue.yearEndPostingThrottleMs > 0)
        await new Promise((resolve) => setTimeout(resolve, this.config.queue.yearEndPostingThrottleMs));
    }
    await inTransaction(this.dataSource, async (manager) => {
      if (await this.years.markPosted(manager, settlementId)) {
        await this.audit.record(
          manager,
          {
            action: 'yearEnd.post',
            entityType: 'yearEndSettlement',
            entityId: String(settlementId),
            before: { state: 'APPROVED' },
            after: { state: 'POSTED', transfers: transfers.length },
          },
          { actor: `system:${row.posting_requested_by}` },
        );
      }
    });
    this.logger.log(`year-end settlement ${settlementId}: ${posted} transfers posted, ${alreadyPosted} were already posted`);
    return { posted, alreadyPosted, transfers: transfers.length };
  }

  /** The county-year's settlement summary as the caller's transaction sees it; null when none is drafted. */
  async summaryOf(manager: EntityManager, countyId: number, fundYear: number): Promise<YearEndSummary | null> {
    const existing = await this.years.lockOfYear(manager, countyId, fundYear);
    return existing ? (JSON.parse((await this.row(manager, existing.id, false)).summary) as YearEndSummary) : null;
  }

  /** The settlement with what `reader` may do with it now (null: the system, offered no actions). */
  async get(reader: Caller | null, id: number): Promise<YearEndView> {
    return this.view(this.dataSource.manager, id, reader);
  }

  /** The county-year's settlement; `manager` reads it inside a caller's transaction. */
  async find(
    reader: Caller | null,
    countyId: number,
    fundYear: number,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<YearEndView | null> {
    const id = await this.years.idOfYear(countyId, fundYear);
    return id !== null ? this.view(manager, id, reader) : null;
  }

  /**
   * One community's part of the county's settlement: its summary, and a page of its units' statements (paged in SQL).
   */
  async communityStatements(
    community: { id: number; code: string; countyId: number },
    fundYear: number,
    window: PageWindow,
  ): Promise<Page<StatementView> & { settlementId: number; state: string; fundYear: number; community: CommunitySummary | null }> {
    const id = assertYearEndDrafted(await this.years.idOfYear(community.countyId, fundYear), fundYear);
    const row = await this.row(this.dataSource.manager, id, false);
    const summary: YearEndSummary = JSON.parse(row.summary);
    const { rows, total } = await this.years.statementsOfCommunity(id, community.id, window);
    return {
      ...pageOf(rows.map(statementView), total, window),
      settlementId: Number(row.id),
      state: row.state,
      fundYear: Number(row.fund_year),
      community: summary.communities.find((c) => c.communityCode === community.code) ?? null,
    };
  }

  /** One unit's statement of the fund year, with its settlement's id and state. */
  async statementOf(
    institutionCode: string,
    fundYear: number,
  ): Promise<{ settlementId: number; state: YearEndState; fundYear: number; statement: StatementView }> {
    const id = await this.years.idOfInstitutionYear(institutionCode, fundYear);
    const y = id !== null ? await this.view(this.dataSource.manager, id, null) : null;
    const statement = assertStatementDrafted(
      y?.statements.find((s) => s.institutionCode === institutionCode),
      institutionCode,
      fundYear,
    );
    return { settlementId: y!.id, state: y!.state as YearEndState, fundYear: y!.fundYear, statement };
  }

  private async row(manager: EntityManager, id: number, lock: boolean): Promise<YearEndRow> {
    const row = await this.years.find(manager, id, lock);
    if (!row) throw notFound('year-end settlement', String(id));
    return row;
  }

  private async view(manager: EntityManager, id: number, reader: Caller | null): Promise<YearEndView> {
    const row = await this.row(manager, id, false);
    const statements = await this.years.statements(manager, id);
    const summary: YearEndSummary = JSON.parse(row.summary);
    return {
      id: Number(row.id),
      countyCode: row.county_code,
      fundYear: Number(row.fund_year),
      state: row.state,
      version: Number(row.version),
      revision: Number(row.revision),
      draftedBy: row.drafted_by,
      draftedAt: row.drafted_at,
      approvedBy: row.approved_by ?? null,
      approvedAt: row.approved_at ?? null,
      postingRequestedBy: row.posting_requested_by ?? null,
      postedTransfers: Number(row.posted_transfers),
      totalTransfers: summary.transfers.length,
      postedAt: row.posted_at ?? null,
      allowedActions: reader
        ? yearEndActions(reader, {
            state: row.state,
            countyId: Number(row.county_id),
            draftedBy: row.drafted_by,
            awaitingSurplusPlan: awaitingSurplusPlan(summary),
          })
        : [],
      summary,
      statements: statements.map(statementView),
    };
  }
}

function statementView(s: StatementRow): StatementView {
  return {
    institutionCode: s.code,
    institutionName: s.name,
    kind: s.kind,
    communityCode: s.community_code ?? null,
    primary: isPrimaryInstitution(s.type),
    approvedConsumption: Money.of(s.approved_consumption).toString(),
    overspendShare: Money.of(s.overspend_share).toString(),
    surplusShare: Money.of(s.surplus_share).toString(),
    floorTopUp: Money.of(s.floor_top_up).toString(),
    depositWithheld: Money.of(s.deposit_withheld).toString(),
    depositRelease: Money.of(s.deposit_release).toString(),
    paidSoFar: Money.of(s.paid_so_far).toString(),
    balanceDue: Money.of(s.balance_due).toString(),
  };
}
