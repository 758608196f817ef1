import type { INestApplicationContext } from '@nestjs/common';
import { eventually } from '../support/claim-month';
import { xlsxRows } from '../support/xlsx';
import { executeSurplusPlan } from '../support/surplus-plan';
import { approvedAllocation, CommunityFixture, createCommunityFixture, TEN_MILLION_PACKAGE } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi, startWorker } from '../support/test-app';

/** Its own queues, so that no other test file's worker takes these jobs. */
const QUEUE_PREFIX = `cbm-yej-${process.pid}`;

/**
 * The year-end cycle on the real queue and database (SPEC §7, §10.4): every year settles, and a
 * run a rule refuses stops at once with its reason and is told to the bureau once.
 */
describe('year-end jobs', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    api = await startApi({ QUEUE_PREFIX });
    worker = await startWorker({ QUEUE_PREFIX, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' });
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  const jobIdOf = (f: CommunityFixture) => `cycle.run.year-end.2026.${f.county}`;

  async function runsOf(jobId: string): Promise<{ outcome: string; attempt: number; error: string | null }[]> {
    return api.dataSource.query('SELECT outcome, attempt, error FROM job_run WHERE job_id LIKE ? ORDER BY id', [`${jobId}%`]);
  }

  async function refusalsTo(f: CommunityFixture): Promise<{ message: string }[]> {
    return api.dataSource.query(
      `SELECT n.message FROM notification n JOIN institution i ON i.id = n.institution_id WHERE i.code = ? AND n.kind = 'WORK_REFUSED'`,
      [f.bureau],
    );
  }

  async function balances(client: ApiClient, f: CommunityFixture): Promise<Map<string, string>> {
    const ledger = await client.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
    expect(ledger.reconciled).toBe(true);
    return new Map(ledger.items.map((a: { code: string; balance: string }) => [a.code, a.balance]));
  }

  it('settles a year with a package and no consumption at the first attempt: the whole package waits, retained, for the surplus plan that distributes it', async () => {
    const f = await createCommunityFixture(api, 2);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    await clerk.must('POST', '/api/v1/cycles/runs', { cycle: 'year-end', period: '2026' });
    const drafted = await eventually(async () => {
      const res = await clerk.get(`/api/v1/counties/${f.county}/year-end-settlements/2026`);
      return res.status === 200 ? res.body : undefined;
    }, 'the year-end draft');

    expect(drafted.summary.communities).toEqual([
      expect.objectContaining({
        communityCode: f.community,
        communityPackage: '10000000.00',
        totalExpenditure: '0.00',
        overspend: '0.00',
        surplus: '10000000.00',
        surplusUnallocated: '10000000.00',
        overspendUnapportioned: '0.00',
        decisionNeeded:
          'no member unit has approved consumption: the surplus 10000000.00 is retained by the community, unallocated, for the surplus plan to distribute',
      }),
    ]);
    expect(drafted.statements.map((s: { institutionCode: string; balanceDue: string }) => s.balanceDue)).toEqual(['0.00', '0.00', '0.00']);
    // One attempt, done; nothing refused, nobody told of a failure.
    expect(await runsOf(jobIdOf(f))).toEqual([{ outcome: 'DONE', attempt: 1, error: null }]);
    expect(await refusalsTo(f)).toEqual([]);

    // The 年终清算表 says the same.
    const rows = await xlsxRows(clerk, `/api/v1/year-end-settlements/${drafted.id}/export.xlsx`, f.community);
    expect(rows.find((r) => r[0] === '结余未分配（留用，待结余分配方案）')?.[1]).toBe(10000000);
    expect(rows.find((r) => r[0] === '待决定')?.[1]).toContain('no member unit has approved consumption');

    // Approval waits for the surplus plan; the plan the county government approved gives the package out, and it posts.
    const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
    const early = await approver.post(`/api/v1/year-end-settlements/${drafted.id}/approve`, { version: drafted.version });
    expect([early.status, early.body.code]).toEqual([409, 'SURPLUS_PLAN_REQUIRED']);
    await executeSurplusPlan(f, 2026, [
      { institutionCode: f.lead, amount: '5000000.00' },
      { institutionCode: f.townships[0], amount: '2500000.00' },
      { institutionCode: f.townships[1], amount: '2500000.00' },
    ]);
    const planned = await clerk.must('GET', `/api/v1/year-end-settlements/${drafted.id}`);
    expect(planned.summary.communities[0]).toMatchObject({ surplusUnallocated: '0.00', decisionNeeded: null, floorViolation: false });
    const approved = await approver.must('POST', `/api/v1/year-end-settlements/${drafted.id}/approve`, { version: planned.version });
    await clerk.must('POST', `/api/v1/year-end-settlements/${drafted.id}/post`, { version: approved.version });
    await eventually(async () => {
      const y = await clerk.must('GET', `/api/v1/year-end-settlements/${drafted.id}`);
      return y.state === 'POSTED' ? y : undefined;
    }, 'the posting');
    const after = await balances(clerk, f);
    expect(after.get(`COMMUNITY_PACKAGE:${f.community}`)).toBe('0.00');
    expect(after.get(`YEAR_END_CLEARING:${f.community}`)).toBe('0.00');
    expect(after.get(`YEAR_END_SURPLUS:${f.community}`) ?? '0.00').toBe('0.00');
    expect([after.get(`YEAR_END_DUE:${f.lead}`), after.get(`YEAR_END_DUE:${f.townships[0]}`)]).toEqual(['5000000.00', '2500000.00']);
  });

  it('a year-end run a rule refuses stops at the first attempt, keeps its reason and tells the bureau once, however often it is asked for', async () => {
    // No approved allocation: there is no package to settle, and retrying cannot change that.
    const f = await createCommunityFixture(api, 1);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    const reason = `NO_ALLOCATION: ${f.county} has no approved allocation for 2026: there is no package to settle`;
    for (let ask = 1; ask <= 2; ask++) {
      await clerk.must('POST', '/api/v1/cycles/runs', { cycle: 'year-end', period: '2026' });
      const runs = await eventually(async () => {
        const r = await runsOf(jobIdOf(f));
        return r.length === ask && r.every((x) => x.outcome === 'FAILED') ? r : undefined;
      }, `the refused run ${ask}`);
      // Each request runs once: no retry follows a refusal.
      expect(runs.map((r) => [r.outcome, r.attempt, r.error])).toEqual(
        Array.from({ length: ask }, () => ['FAILED', 1, `refused: ${reason}`]),
      );
      const [outbox] = await api.dataSource.query(
        "SELECT last_error FROM outbox WHERE job_id LIKE ? AND last_error LIKE 'refused: %' ORDER BY id DESC LIMIT 1",
        [`${jobIdOf(f)}%`],
      );
      expect(outbox.last_error).toBe(`refused: ${reason}`);
    }
    // Give a retry, were there one, the time to happen (the backoff starts at 5 s; the sweeper at 0.3 s).
    await new Promise((r) => setTimeout(r, 1500));
    expect((await runsOf(jobIdOf(f))).length).toBe(2);
    const told = await refusalsTo(f);
    expect(told).toHaveLength(1);
    expect(told[0].message).toContain('NO_ALLOCATION');
  });
});
