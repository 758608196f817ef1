import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { dropDatabase, migrateUp } from '../../src/database/database-admin';
import { JOBS } from '../../src/queue/jobs';
import { eventually } from '../support/claim-month';
import { approvedAllocation, CommunityFixture, createCommunityFixture, TEN_MILLION_PACKAGE } from '../support/registry-fixtures';
import { RunningApi, startApi, startWorker, testConfig } from '../support/test-app';

/**
 * A scheduled tick runs every active county, so this file has a database of its own (the shared
 * one holds the other files' counties) and queues of its own; two workers share the runs.
 */
const DB_NAME = `${process.env.DB_NAME}_fanout`;
const QUEUE_PREFIX = `cbm-fan-${process.pid}`;
const TODAY = '2027-01-10';

describe('scheduled cycles fanned out per county (real queue, two workers)', () => {
  let api: RunningApi;
  const workers: INestApplicationContext[] = [];
  let queue: Queue;
  let ticks = 0;

  beforeAll(async () => {
    const config = testConfig();
    await dropDatabase(config.db, DB_NAME);
    await migrateUp(config.db, DB_NAME);
    api = await startApi({ DB_NAME, QUEUE_PREFIX });
    for (let i = 0; i < 2; i++)
      workers.push(await startWorker({ DB_NAME, QUEUE_PREFIX, BUSINESS_DATE: TODAY, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' }));
    queue = workers[0].get<Queue>(getQueueToken('cycles'), { strict: false });
  }, 180_000);
  afterAll(async () => {
    for (const w of workers) await w.close();
    await queue?.obliterate({ force: true }).catch(() => undefined);
    await api?.close();
    await dropDatabase(testConfig().db, DB_NAME);
  }, 60_000);

  /** Adds the tick a schedule adds and waits until that tick has queued its runs. */
  async function tick(cycle: 'period-open' | 'year-end'): Promise<{ period: string; runs: number }> {
    const jobId = `cycle.tick.${cycle}.test${++ticks}`;
    await queue.add('cycle.tick', { cycle }, { ...JOBS['cycle.tick'].options, jobId });
    return eventually(async () => {
      const [run] = await api.dataSource.query("SELECT counts FROM job_run WHERE job_id = ? AND outcome = 'DONE'", [jobId]);
      return run ? JSON.parse(run.counts) : undefined;
    }, `the ${cycle} tick`);
  }

  async function outboxOf(
    cycle: string,
    period: string,
  ): Promise<{ job_id: string; completed_at: Date | null; last_error: string | null }[]> {
    return api.dataSource.query('SELECT job_id, completed_at, last_error FROM outbox WHERE job_id LIKE ? ORDER BY job_id', [
      `cycle.run.${cycle}.${period}.%`,
    ]);
  }

  async function doneRuns(jobId: string): Promise<number> {
    const [row] = await api.dataSource.query("SELECT COUNT(*) AS n FROM job_run WHERE job_id = ? AND outcome = 'DONE'", [jobId]);
    return Number(row.n);
  }

  let counties: CommunityFixture[] = [];

  it('one tick queues one job per county under an idempotent id; each runs once and a second tick adds nothing', async () => {
    counties = [];
    for (let i = 0; i < 4; i++) counties.push(await createCommunityFixture(api, 2));
    const first = await tick('period-open');
    expect(first).toEqual({ period: '2027-01', runs: 4 });
    const expected = counties.map((f) => `cycle.run.period-open.2027-01.${f.county}`).sort();
    const rows = await eventually(async () => {
      const r = await outboxOf('period-open', '2027-01');
      return r.length === 4 && r.every((x) => x.completed_at) ? r : undefined;
    }, 'every county opened');
    expect(rows.map((r) => r.job_id)).toEqual(expected);
    for (const id of expected) expect(await doneRuns(id)).toBe(1);
    // Each county's own claims were opened by its own run: three claiming units (lead, two townships).
    for (const f of counties) {
      const [kept] = await api.dataSource.query(
        "SELECT result FROM cycle_result WHERE cycle = 'period-open' AND period = '2027-01' AND scope = ?",
        [f.county],
      );
      expect(JSON.parse(kept.result)).toMatchObject({ countyCode: f.county, period: '2027-01', opened: 3 });
    }

    const second = await tick('period-open');
    expect(second).toEqual({ period: '2027-01', runs: 4 });
    // Let a duplicate run, were one queued, the time to happen.
    await new Promise((r) => setTimeout(r, 1000));
    expect((await outboxOf('period-open', '2027-01')).map((r) => r.job_id)).toEqual(expected);
    for (const id of expected) expect(await doneRuns(id)).toBe(1);
    const [{ claims }] = await api.dataSource.query("SELECT COUNT(*) AS claims FROM member_claim WHERE period = '2027-01'");
    expect(Number(claims)).toBe(12);
  });

  it("a county whose run is refused does not hold up the others' runs of the same tick", async () => {
    const funded: CommunityFixture[] = [];
    for (let i = 0; i < 2; i++) {
      const f = await createCommunityFixture(api, 1);
      await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
      funded.push(f);
    }
    // The first test's counties have no allocation for 2026: their year end is refused (NO_ALLOCATION).
    const unfunded = counties;
    expect(await tick('year-end')).toEqual({ period: '2026', runs: 6 });
    const rows = await eventually(async () => {
      const r = await outboxOf('year-end', '2026');
      const settled = r.filter((x) => x.completed_at).length;
      const refused = r.filter((x) => x.last_error?.startsWith('refused: NO_ALLOCATION')).length;
      return settled === 2 && refused === 4 ? r : undefined;
    }, 'the year-end runs');
    const byId = new Map(rows.map((r) => [r.job_id, r]));
    for (const f of funded) {
      expect(byId.get(`cycle.run.year-end.2026.${f.county}`)?.completed_at).toBeTruthy();
      const [draft] = await api.dataSource.query(
        'SELECT s.state FROM year_end_settlement s JOIN county c ON c.id = s.county_id WHERE c.code = ? AND s.fund_year = 2026',
        [f.county],
      );
      expect(draft).toBeDefined();
    }
    for (const f of unfunded) expect(byId.get(`cycle.run.year-end.2026.${f.county}`)?.last_error).toMatch(/^refused: NO_ALLOCATION/);

    // Ticked again: the settled counties are not run again (a refused one is asked for again, under a new id).
    await tick('year-end');
    await new Promise((r) => setTimeout(r, 1000));
    for (const f of funded) {
      expect((await outboxOf('year-end', '2026')).filter((r) => r.job_id.startsWith(`cycle.run.year-end.2026.${f.county}`))).toHaveLength(
        1,
      );
      expect(await doneRuns(`cycle.run.year-end.2026.${f.county}`)).toBe(1);
    }
  });
});
