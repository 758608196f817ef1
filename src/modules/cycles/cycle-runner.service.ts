import { Injectable, Logger } from '@nestjs/common';
import { actingCountyId } from '../../domain/access-policy';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { Page, pageOf, PageWindow } from '../../common/pagination';
import { inTransaction } from '../../database/transaction';
import { memberCutoffDate } from '../../domain/working-days';
import { quarterDates } from '../../domain/claim-cycle';
import {
  assertCycleScopeNamed,
  assertPeriodReached,
  assertScopesFound,
  checkCyclePeriod,
  CycleName,
  CYCLES,
  cyclePeriodParts,
  scheduledPeriod,
} from '../../domain/cycle-schedule';
import { DomainError } from '../../domain/domain-error';
import { JobHandler } from '../../queue/job-handler.decorator';
import { JobPayloads, JOBS } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';
import { FundAnalysisService } from '../assessment';
import { CommunityFundingService, MemberClaimRepository } from '../claims';
import { PolicyParametersService } from '../fund-year';
import { CountyService } from '../registry';
import { CycleResultRepository, CycleScope } from './cycle-result.repository';
import { DeadlineWatchService } from './deadline-watch.service';
import { MonitoringService } from './monitoring.service';
import { YearEndService } from './year-end.service';

export interface CycleRunRef {
  cycle: CycleName;
  period: string;
  scope: string;
  jobId: string;
  /** The kept result when the run has already happened. */
  result: Record<string, unknown> | null;
}

type Scope = CycleScope;

/**
 * Runs the scheduled cycles. Each run is keyed by (cycle, period, scope): the worker claims the
 * key by inserting its result row in the same transaction as the run's effects, so a run
 * triggered twice, delivered twice by the queue or taken by two workers at once happens once.
 */
@Injectable()
export class CycleRunnerService {
  private readonly logger = new Logger(CycleRunnerService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly clock: BusinessClock,
    private readonly deadlineWatch: DeadlineWatchService,
    private readonly monitoring: MonitoringService,
    private readonly yearEnd: YearEndService,
    private readonly funding: CommunityFundingService,
    private readonly fundAnalysis: FundAnalysisService,
    private readonly parameters: PolicyParametersService,
    private readonly counties: CountyService,
    private readonly cycleResults: CycleResultRepository,
    private readonly memberClaims: MemberClaimRepository,
  ) {}

  /** A schedule fired: one run per scope for the period the cycle works on today. */
  @JobHandler('cycle.tick')
  async tick({ cycle }: { cycle: CycleName }): Promise<{ period: string; runs: number }> {
    const period = scheduledPeriod(cycle, this.clock.today());
    const runs = await this.queueRuns(cycle, period, await this.scopes(cycle, null, null), null);
    return { period, runs: runs.length };
  }

  /**
   * A person asks for a cycle (the bureau for its county or one community, the lead unit for
   * its community): the same runs as the schedule's, and the kept result where one exists.
   */
  async trigger(caller: Caller, cycle: CycleName, period: string, communityCode: string | undefined): Promise<CycleRunRef[]> {
    checkCyclePeriod(cycle, period);
    assertPeriodReached(cycle, period, this.clock.today());
    const county = actingCountyId(caller.scope);
    const community = caller.scope.kind === 'community' ? caller.scope.communityId : null;
    assertCycleScopeNamed(cycle, communityCode);
    const scopes = await this.scopes(cycle, county, community, communityCode);
    assertScopesFound(cycle, scopes.length, communityCode);
    return this.queueRuns(cycle, period, scopes, caller.name);
  }

  /**
   * Runs one cycle for one period and scope, once. A `refresh` run (monitoring after an
   * approval) recomputes a kept result and replaces it, one run at a time.
   */
  @JobHandler('cycle.run')
  async run(payload: JobPayloads['cycle.run'], job?: Job): Promise<Record<string, unknown>> {
    const { cycle, period, scope } = payload;
    const jobId = job?.id ?? JOBS['cycle.run'].jobId(payload);
    const deliveryJobs: string[] = [];
    const outcome = await inTransaction(this.dataSource, async (manager) => {
      const key = { cycle, period, scope };
      let kept = false;
      if (!(await this.cycleResults.claim(manager, key, jobId))) {
        if (!payload.refresh) return { alreadyDone: true };
        await this.cycleResults.lock(manager, key);
        kept = true;
      }
      const target = await this.scopeOf(manager, cycle, scope);
      const { result, deliveryJobs: jobs } = await this.perform(manager, cycle, period, target, payload.requestedBy ?? 'system:schedule');
      deliveryJobs.push(...jobs);
      if ('skipped' in result) {
        // Nothing was done (the mode is off, no package yet): the key stays free for a later run,
        // and a result kept before stays as it was.
        if (!kept) await this.cycleResults.release(manager, key);
        return result;
      }
      await this.cycleResults.keep(manager, key, result, jobId);
      return result;
    });
    await this.outbox.relay(deliveryJobs);
    return outcome;
  }

  /** Kept results the caller may read: its county's and communities' (a lead unit: its community's and its county's). */
  async results(
    caller: Caller,
    cycle: CycleName | undefined,
    period: string | undefined,
    window: PageWindow,
  ): Promise<Page<{ cycle: string; period: string; scope: string; result: unknown; jobId: string; createdAt: Date }>> {
    const countyId = actingCountyId(caller.scope);
    const own = caller.scope.kind === 'community' ? caller.scope.communityId : null;
    const { rows, total } = await this.cycleResults.results(await this.cycleResults.scopeCodes(countyId, own), cycle, period, window);
    const items = rows.map((r) => ({
      cycle: r.cycle,
      period: r.period,
      scope: r.scope,
      result: JSON.parse(r.result),
      jobId: r.job_id,
      createdAt: r.created_at,
    }));
    return pageOf(items, total, window);
  }

  private async perform(
    manager: EntityManager,
    cycle: CycleName,
    period: string,
    target: Scope,
    requestedBy: string,
  ): Promise<{ result: Record<string, unknown>; deliveryJobs: string[] }> {
    const { fundYear, quarter } = cyclePeriodParts(period);
    switch (cycle) {
      case 'period-open':
        return { result: await this.openPeriod(manager, target, period), deliveryJobs: [] };
      case 'deadline-watch':
        return this.deadlineWatch.run(manager, period, target.countyId);
      case 'monitoring':
        return this.monitoring.run(manager, period, { id: target.communityId!, code: target.communityCode!, countyId: target.countyId });
      case 'fund-analysis': {
        const draft = await this.fundAnalysis.draftWithin(manager, target.communityId!, fundYear, quarter!);
        return {
          result: { communityCode: target.communityCode, fundYear, quarter, fundAnalysisId: draft.id, created: draft.created },
          deliveryJobs: [],
        };
      }
      case 'quarterly-advance':
        return { result: await this.advance(manager, target, fundYear, quarter!), deliveryJobs: [] };
      case 'year-end': {
        const draft = await this.yearEnd.draft(manager, { id: target.countyId, code: target.countyCode }, fundYear, requestedBy);
        return {
          result: {
            countyCode: target.countyCode,
            fundYear,
            settlementId: draft.id,
            created: draft.created,
            state: draft.state,
            records: draft.records,
          },
          deliveryJobs: [],
        };
      }
    }
  }

  /** Opens every claiming unit's claim for the month, so that each sees it and its cut-off. */
  private async openPeriod(manager: EntityManager, target: Scope, period: string): Promise<Record<string, unknown>> {
    const terms = await this.parameters.terms(manager, { id: target.countyId, code: target.countyCode }, cyclePeriodParts(period).fundYear);
    const cutoff = memberCutoffDate(period, terms.memberCutoffDay);
    const opened = await this.memberClaims.openClaims(manager, { countyId: target.countyId, period, cutoff });
    return { countyCode: target.countyCode, period, cutoff, opened };
  }

  /** The quarter's advance when the county advances quarterly; nothing (and said so) otherwise. */
  private async advance(manager: EntityManager, target: Scope, fundYear: number, quarter: number): Promise<Record<string, unknown>> {
    const today = this.clock.today();
    const { last } = quarterDates(fundYear, quarter);
    const community = { id: target.communityId!, code: target.communityCode!, countyId: target.countyId };
    try {
      const view = await this.funding.advanceQuarterWithin(
        manager,
        { name: 'system:schedule' },
        community,
        fundYear,
        quarter,
        today <= last ? today : last,
      );
      return { ...view, communityCode: target.communityCode };
    } catch (err) {
      if (err instanceof DomainError && err.code === 'ADVANCE_MODE_OFF')
        return { communityCode: target.communityCode, fundYear, quarter, skipped: 'quarterly advance is off (quarterlyAdvanceRate 0)' };
      throw err;
    }
  }

  /**
   * Queues one `cycle.run` job per scope, so that the workers share a province's runs and one
   * county's failure stays its own. The scopes' kept results and job histories are read, and
   * their outbox rows written, in one statement each, however many scopes there are.
   */
  private async queueRuns(cycle: CycleName, period: string, scopes: Scope[], requestedBy: string | null): Promise<CycleRunRef[]> {
    const refs = await inTransaction(this.dataSource, async (manager) => {
      const keys = scopes.map((s) => (CYCLES[cycle].scope === 'county' ? s.countyCode : s.communityCode!));
      const payloads = keys.map((scope) => ({ cycle, period, scope, ...(requestedBy ? { requestedBy } : {}) }));
      const kept = await this.cycleResults.keptResults(manager, cycle, period, keys);
      const bases = payloads.map((p) => JOBS['cycle.run'].jobId(p));
      const prefix = JOBS['cycle.run'].jobId({ cycle, period, scope: '' });
      const histories = await this.outbox.histories(
        manager,
        prefix,
        bases.filter((_, i) => !kept.has(keys[i])),
      );
      // A run that finished without keeping a result (skipped: the mode was off, no package
      // yet) is asked for again under a new job id; otherwise the same job serves every request.
      const jobIds = await this.outbox.addMany(
        manager,
        'cycle.run',
        payloads.map((payload, i) => {
          const past = kept.has(keys[i]) ? { jobs: 0, unfinished: true } : histories.get(bases[i])!;
          return { payload, rerun: past.jobs > 0 && !past.unfinished ? past.jobs : 0 };
        }),
      );
      return keys.map((scope, i): CycleRunRef => {
        const done = kept.get(scope);
        return { cycle, period, scope, jobId: jobIds[i], result: done !== undefined && done !== '{}' ? JSON.parse(done) : null };
      });
    });
    await this.outbox.relay(refs.filter((r) => r.result === null).map((r) => r.jobId));
    this.logger.log(`${cycle} ${period}: ${refs.length} run(s) queued`);
    return refs;
  }

  /** The scopes a cycle runs for: every active county or community, or those a caller names. */
  private async scopes(cycle: CycleName, countyId: number | null, ownCommunity: number | null, communityCode?: string): Promise<Scope[]> {
    if (CYCLES[cycle].scope === 'county') return this.cycleResults.activeCounties(countyId);
    return this.cycleResults.activeCommunities({ countyId, communityId: ownCommunity, communityCode });
  }

  private async scopeOf(manager: EntityManager, cycle: CycleName, code: string): Promise<Scope> {
    if (CYCLES[cycle].scope === 'county') {
      const c = await this.counties.getCounty(code, manager);
      return { countyId: c.id, countyCode: c.code, communityId: null, communityCode: null };
    }
    const m = await this.counties.getCommunity(code, manager);
    return { countyId: m.countyId, countyCode: m.county.code, communityId: m.id, communityCode: m.code };
  }
}
