import { executeSurplusPlan } from '../support/surplus-plan';
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { BusinessClock } from '../../src/common/business-clock';
import { approveOctober, eventually, paidRecord } from '../support/claim-month';
import { approvedAllocation, createCommunityFixture, TEN_MILLION_PACKAGE } from '../support/registry-fixtures';
import { RunningApi, startApi } from '../support/test-app';

const WORKER_JS = path.resolve(__dirname, '../../dist/src/worker.js');
const QUEUE_PREFIX = `cbm-kill-${process.pid}`;

/** The production worker (`node dist/src/worker.js`) as its own process, posting slowly enough to be caught mid-run. */
async function startWorkerProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, [WORKER_JS], {
    env: {
      ...process.env,
      QUEUE_PREFIX,
      SCHEDULES_ENABLED: 'false',
      QUEUE_LOCK_MS: '2000',
      QUEUE_STALLED_CHECK_MS: '500',
      OUTBOX_SWEEP_MS: '300',
      YEAR_END_POSTING_THROTTLE_MS: '300',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not start: ${output}`)), 30_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker: consuming queues')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.on('exit', (code) => reject(new Error(`the worker exited (${code}): ${output}`)));
  });
  return child;
}

describe('a worker killed in the middle of posting a year end (SIGKILL)', () => {
  let api: RunningApi;
  const workers: ChildProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(WORKER_JS)) throw new Error(`${WORKER_JS} is missing: build first (npm run build; scripts/test.sh does)`);
    api = await startApi({ QUEUE_PREFIX });
  });
  afterAll(async () => {
    for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
    await api.close();
  });

  it('completes after a restart with every transfer posted once and none missing', async () => {
    const f = await createCommunityFixture(api, 8);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    const clock = api.app.get(BusinessClock);
    // Nine units of 100 000 each: a surplus of 9 100 000 shared out, so every unit has a balance to post.
    const units = [f.lead, ...f.townships];
    await approveOctober(
      f,
      clock,
      await Promise.all(
        units.map(
          async (code, i) =>
            [await f.as(['MEMBER_CLERK'], code), [paidRecord(`R-${i}`, code, '100000.00')]] as [never, Record<string, unknown>[]],
        ),
      ),
    );
    workers.push(await startWorkerProcess());
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    await clerk.must('POST', '/api/v1/cycles/runs', { cycle: 'year-end', period: '2026' });
    const draft = await eventually(async () => {
      const res = await clerk.get(`/api/v1/counties/${f.county}/year-end-settlements/2026`);
      return res.status === 200 ? res.body : undefined;
    }, 'the draft');
    expect(draft.totalTransfers).toBe(10); // the package into clearing, then one per unit
    await executeSurplusPlan(f, 2026);
    const planned = await clerk.must('GET', `/api/v1/year-end-settlements/${draft.id}`);
    const approved = await (
      await f.as(['BUREAU_APPROVER'], f.bureau)
    ).must('POST', `/api/v1/year-end-settlements/${draft.id}/approve`, { version: planned.version });
    await clerk.must('POST', `/api/v1/year-end-settlements/${draft.id}/post`, { version: approved.version });

    const progress = async () =>
      Number((await api.dataSource.query('SELECT posted_transfers FROM year_end_settlement WHERE id = ?', [draft.id]))[0].posted_transfers);
    await eventually(async () => ((await progress()) >= 2 ? true : undefined), 'posting to begin', 30_000);
    workers[0].kill('SIGKILL');
    await new Promise((resolve) => workers[0].once('exit', resolve));
    const postedBeforeKill = await progress();
    expect(postedBeforeKill).toBeGreaterThanOrEqual(2);
    expect(postedBeforeKill).toBeLessThan(10);
    expect((await clerk.must('GET', `/api/v1/year-end-settlements/${draft.id}`)).state).toBe('APPROVED');

    // A new worker takes the stalled job up and finishes it.
    workers.push(await startWorkerProcess());
    const posted = await eventually(
      async () => {
        const y = await clerk.must('GET', `/api/v1/year-end-settlements/${draft.id}`);
        return y.state === 'POSTED' ? y : undefined;
      },
      'the posting to complete',
      45_000,
    );
    expect(posted.postedTransfers).toBe(10);
    const transfers: { id: string }[] = await api.dataSource.query(
      "SELECT id FROM ledger_transfer WHERE reference_type = 'yearEndSettlement' AND reference_id = ? ORDER BY id",
      [String(draft.id)],
    );
    expect(transfers.map((t) => t.id).sort()).toEqual(posted.summary.transfers.map((t: { id: string }) => t.id).sort());
    const ledger = await clerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
    expect(ledger.reconciled).toBe(true);
    const balance = (code: string) => ledger.items.find((a: { code: string }) => a.code === code)?.balance;
    expect(balance(`YEAR_END_CLEARING:${f.community}`)).toBe('0.00');
    for (const s of posted.statements) expect(balance(`YEAR_END_DUE:${s.institutionCode}`)).toBe(s.balanceDue);

    // The run the kill interrupted is recorded as failed, the one that finished as done.
    const runs = await (await f.as(['AUDITOR'], f.bureau)).items(`/api/v1/job-runs?jobId=yearend.post.${draft.id}`);
    expect(runs.map((r: { outcome: string }) => r.outcome).sort()).toEqual(['DONE', 'FAILED']);
  }, 120_000);
});
