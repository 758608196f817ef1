import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Job } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import { BusinessClock } from '../../common/business-clock';
import { Caller } from '../../common/caller';
import { isDuplicateKey } from '../../common/record-errors';
import { inTransaction } from '../../database/transaction';
import { memberCutoffDate } from '../../domain/working-days';
import { quarterDates } from '../../domain/claim-cycle';
import { assertPeriodReached, checkCyclePeriod, CycleName, CYCLES, cyclePeriodParts, scheduledPeriod } from '../../domain/cycle-schedule';
import { DomainError } from '../../domain/domain-error';
import { CLAIMING_TYPES } from '../../domain/institution-registry';
import { JobHandler } from '../../queue/job-handler.decorator';
import { JobPayloads, JOBS } from '../../queue/jobs';
import { OutboxService } from '../../queue/outbox.service';
import { FundAnalysisService } from '../assessment/fund-analysis.service';
import { CommunityFundingService } from '../claims/community-funding.service';
import { PolicyParametersService } from '../fund-year/policy-parameters.service';
import { CountyService } from '../registry/county.service';
import { sqlList } from '../claims/record-totals';
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

interface Scope {
  countyId: number;
  countyCode: string;
  communityId: number | null;
  communityCode: string | null;
}

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
    const county = caller.institution.countyId;
    const community = caller.scope.kind === 'community' ? caller.scope.communityId : null;
    if (communityCode !== undefined && CYCLES[cycle].scope === 'county') {
      throw new DomainError('VALIDATION_FAILED', 'unprocessable', `the ${cycle} cycle runs for a whole county`, [
        { field: 'communityCode', rule: 'countyCycle', message: communityCode },
      ]);
    }
    const scopes = await this.scopes(cycle, county, community, communityCode);
    if (scopes.length === 0)
      throw new DomainError(
        'NOT_FOUND',
        'not_found',
        `no ${CYCLES[cycle].scope} to run ${cycle} for${communityCode ? `: ${communityCode}` : ''}`,
      );
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
      let kept = false;
      try {
        await manager.query("INSERT INTO cycle_result (cycle, period, scope, result, job_id) VALUES (?, ?, ?, '{}', ?)", [
          cycle,
          period,
          scope,
          jobId,
        ]);
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        if (!payload.refresh) return { alreadyDone: true };
        await manager.query('SELECT id FROM cycle_result WHERE cycle = ? AND period = ? AND scope = ? FOR UPDATE', [cycle, period, scope]);
        kept = true;
      }
      const target = await this.scopeOf(manager, cycle, scope);
      const { result, deliveryJobs: jobs } = await this.perform(manager, cycle, period, target, payload.requestedBy ?? 'system:schedule');
      deliveryJobs.push(...jobs);
      if ('skipped' in result) {
        // Nothing was done (the mode is off, no package yet): the key stays free for a later run,
        // and a result kept before stays as it was.
        if (!kept) await manager.query('DELETE FROM cycle_result WHERE cycle = ? AND period = ? AND scope = ?', [cycle, period, scope]);
        return result;
      }
      await manager.query('UPDATE cycle_result SET result = ?, job_id = ? WHERE cycle = ? AND period = ? AND scope = ?', [
        JSON.stringify(result),
        jobId,
        cycle,
        period,
        scope,
      ]);
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
  ): Promise<{ cycle: string; period: string; scope: string; result: unknown; jobId: string; createdAt: Date }[]> {
    const countyId = caller.institution.countyId;
    const own = caller.scope.kind === 'community' ? caller.scope.communityId : null;
    const codes: { code: string }[] = await this.dataSource.query(
      'SELECT code FROM county WHERE id = ? UNION ALL SELECT code FROM medical_community WHERE county_id = ? AND (? IS NULL OR id = ?)',
      [countyId, countyId, own, own],
    );
    const allowed = codes.map((c) => c.code);
    if (allowed.length === 0) return [];
    const where = [`scope IN (${allowed.map(() => '?').join(',')})`];
    const params: unknown[] = [...allowed];
    if (cycle) {
      where.push('cycle = ?');
      params.push(cycle);
    }
    if (period) {
      where.push('period = ?');
      params.push(period);
    }
    const rows: { cycle: string; period: string; scope: string; result: string; job_id: string; created_at: Date }[] =
      await this.dataSource.query(`SELECT * FROM cycle_result WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT 500`, params);
    return rows.map((r) => ({
      cycle: r.cycle,
      period: r.period,
      scope: r.scope,
      result: JSON.parse(r.result),
      jobId: r.job_id,
      createdAt: r.created_at,
    }));
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
    const params = (
      await this.parameters.current(manager, { id: target.countyId, code: target.countyCode }, cyclePeriodParts(period).fundYear)
    ).values;
    const cutoff = memberCutoffDate(period, Number(params.memberCutoffDay));
    const result = await manager.query(
      `INSERT IGNORE INTO member_claim (institution_id, community_id, county_id, period, state, cutoff)
       SELECT id, community_id, county_id, ?, 'OPEN', ? FROM institution
        WHERE county_id = ? AND active = 1 AND type IN ${sqlList(CLAIMING_TYPES)}
          AND (community_id IS NOT NULL OR type = 'PRIVATE_DESIGNATED')`,
      [period, cutoff, target.countyId],
    );
    return { countyCode: target.countyCode, period, cutoff, opened: Number(result.affectedRows) };
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

  private async queueRuns(cycle: CycleName, period: string, scopes: Scope[], requestedBy: string | null): Promise<CycleRunRef[]> {
    const refs = await inTransaction(this.dataSource, async (manager) => {
      const out: CycleRunRef[] = [];
      for (const s of scopes) {
        const scope = CYCLES[cycle].scope === 'county' ? s.countyCode : s.communityCode!;
        const [done] = await manager.query('SELECT result FROM cycle_result WHERE cycle = ? AND period = ? AND scope = ?', [
          cycle,
          period,
          scope,
        ]);
        const payload = { cycle, period, scope, ...(requestedBy ? { requestedBy } : {}) };
        // A run that finished without keeping a result (skipped: the mode was off, no package
        // yet) is asked for again under a new job id; otherwise the same job serves every request.
        const past = done ? { jobs: 0, unfinished: true } : await this.outbox.history(manager, JOBS['cycle.run'].jobId(payload));
        const jobId = await this.outbox.add(manager, 'cycle.run', payload, past.jobs > 0 && !past.unfinished ? past.jobs : 0);
        out.push({ cycle, period, scope, jobId, result: done && done.result !== '{}' ? JSON.parse(done.result) : null });
      }
      return out;
    });
    await this.outbox.relay(refs.filter((r) => r.result === null).map((r) => r.jobId));
    this.logger.log(`${cycle} ${period}: ${refs.length} run(s) queued`);
    return refs;
  }

  /** The scopes a cycle runs for: every active county or community, or those a caller names. */
  private async scopes(cycle: CycleName, countyId: number | null, ownCommunity: number | null, communityCode?: string): Promise<Scope[]> {
    const where: string[] = ['c.active = 1'];
    const params: unknown[] = [];
    if (countyId !== null) {
      where.push('c.id = ?');
      params.push(countyId);
    }
    if (CYCLES[cycle].scope === 'county') {
      const rows = await this.dataSource.query(`SELECT c.id, c.code FROM county c WHERE ${where.join(' AND ')} ORDER BY c.code`, params);
      return rows.map((r: { id: number; code: string }) => ({
        countyId: Number(r.id),
        countyCode: r.code,
        communityId: null,
        communityCode: null,
      }));
    }
    where.push('m.active = 1');
    if (ownCommunity !== null) {
      where.push('m.id = ?');
      params.push(ownCommunity);
    }
    if (communityCode !== undefined) {
      where.push('m.code = ?');
      params.push(communityCode);
    }
    const rows = await this.dataSource.query(
      `SELECT c.id AS county_id, c.code AS county_code, m.id, m.code FROM medical_community m JOIN county c ON c.id = m.county_id WHERE ${where.join(' AND ')} ORDER BY m.code`,
      params,
    );
    return rows.map((r: { county_id: number; county_code: string; id: number; code: string }) => ({
      countyId: Number(r.county_id),
      countyCode: r.county_code,
      communityId: Number(r.id),
      communityCode: r.code,
    }));
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
