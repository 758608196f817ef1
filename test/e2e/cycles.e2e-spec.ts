import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { BusinessClock } from '../../src/common/business-clock';
import { CycleRunnerService } from '../../src/modules/cycles/cycle-runner.service';
import { NotificationService } from '../../src/modules/cycles/notification.service';
import { approveOctober, eventually, paidRecord, reviewOctober } from '../support/claim-month';
import { approvedAllocation, CommunityFixture, createCommunityFixture, SMALL_COUNTY } from '../support/registry-fixtures';
import { TcpProxy } from '../support/tcp-proxy';
import { RunningApi, startApi, startWorker } from '../support/test-app';

const QUEUE_PREFIX = `cbm-cy-${process.pid}`;
const WORKER_ENV = { QUEUE_PREFIX, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' };

async function resultOf(api: RunningApi, cycle: string, period: string, scope: string): Promise<any> {
  return eventually(async () => {
    const [row] = await api.dataSource.query(
      "SELECT result FROM cycle_result WHERE cycle = ? AND period = ? AND scope = ? AND result <> '{}'",
      [cycle, period, scope],
    );
    return row ? JSON.parse(row.result) : undefined;
  }, `${cycle} ${period} ${scope}`);
}

describe('scheduled cycles: deadline watch, notifications, monitoring (SPEC §4, §6)', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let clock: BusinessClock;
  let hooks: Server;
  const deliveries: { headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    api = await startApi({ QUEUE_PREFIX });
    worker = await startWorker(WORKER_ENV);
    clock = api.app.get(BusinessClock);
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        deliveries.push({ headers: req.headers, body });
        res.writeHead(deliveries.length === 1 ? 503 : 204).end(); // the first attempt fails: delivery is retried
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
    await new Promise((resolve) => hooks.close(resolve));
  });

  it('gives a missed pass-down deadline exactly one overdue notification, for the payer, however often the watch runs', async () => {
    const f = await createCommunityFixture(api, 2);
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    const declaration = await approveOctober(f, clock, [
      [await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '300.00')]],
    ]);
    const bureau = await f.as(['BUREAU_CLERK'], f.bureau);
    clock.fix('2026-11-20');
    await bureau.must('POST', `/api/v1/declarations/${declaration.id}/disbursement`, {
      version: declaration.version,
      disbursedOn: '2026-11-20',
      reference: 'BK-1',
    });
    // The lead pays township 1 on time? No: its pass-down (deadline Fri 27 Nov) stays unpaid.
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    const webhook = await lead.must('PUT', '/api/v1/notifications/webhook', {
      url: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/hook`,
    });
    expect(webhook.secret).toMatch(/^[0-9a-f]{64}$/);

    // Before the deadline the watch finds nothing; after it, one notification however often it runs.
    const watch = (date: string) => {
      clock.fix(date);
      return bureau.must('POST', '/api/v1/cycles/runs', { cycle: 'deadline-watch', period: date });
    };
    await watch('2026-11-27');
    expect(await resultOf(api, 'deadline-watch', '2026-11-27', f.county)).toMatchObject({ overduePassDowns: 0, notificationsCreated: 0 });
    await watch('2026-11-30');
    await watch('2026-11-30');
    expect(await resultOf(api, 'deadline-watch', '2026-11-30', f.county)).toMatchObject({ overduePassDowns: 1, notificationsCreated: 1 });
    await watch('2026-12-01');
    expect(await resultOf(api, 'deadline-watch', '2026-12-01', f.county)).toMatchObject({ overduePassDowns: 1, notificationsCreated: 0 });

    const inbox = await lead.must('GET', '/api/v1/notifications');
    expect(inbox.items.filter((n: { kind: string }) => n.kind === 'PASS_DOWN_OVERDUE')).toEqual([
      expect.objectContaining({ subjectType: 'passDown', message: expect.stringContaining('2026-11-27') }),
    ]);
    expect(inbox.unread).toBe(inbox.items.length);
    // Nobody else was told: not the township, not the bureau.
    expect((await (await f.as(['MEMBER_CLERK'], f.townships[0])).must('GET', '/api/v1/notifications')).items).toEqual([]);
    expect(
      (await bureau.must('GET', '/api/v1/notifications')).items.filter((n: { kind: string }) => n.kind === 'PASS_DOWN_OVERDUE'),
    ).toEqual([]);

    // Marked read (twice: no change), and delivered to the lead's webhook after one failed attempt, signed.
    const id = inbox.items.find((n: { kind: string }) => n.kind === 'PASS_DOWN_OVERDUE').id;
    const read = await lead.must('POST', `/api/v1/notifications/${id}/read`);
    expect(read.readBy).toBe(lead.username);
    expect((await lead.must('POST', `/api/v1/notifications/${id}/read`)).readAt).toBe(read.readAt);
    expect((await (await f.as(['MEMBER_CLERK'], f.townships[0])).post(`/api/v1/notifications/${id}/read`)).status).toBe(404);
    const delivered = await eventually(
      async () => deliveries.find((d, i) => i > 0 && JSON.parse(d.body).id === id),
      'the webhook delivery',
      30_000,
    );
    expect(delivered.headers['x-capitation-signature']).toBe(
      `sha256=${createHmac('sha256', webhook.secret).update(delivered.body).digest('hex')}`,
    );
    expect(JSON.parse(delivered.body)).toMatchObject({ kind: 'PASS_DOWN_OVERDUE', institutionCode: f.lead });
  }, 60_000);

  it('monitors after each approval: burn ratio, warnings as notifications, once per period', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    // M = 7 225.00: by October the budget to date is 6 020.83; 6 900.00 approved reads 1.1460, a warning.
    const declaration = await approveOctober(f, clock, [
      [await f.as(['MEMBER_CLERK'], f.lead), [paidRecord('L-1', f.lead, '6000.00')]],
      [await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '900.00')]],
    ]);
    expect(declaration.approved).toBe('6900.00');
    const reading = await resultOf(api, 'monitoring', '2026-10', f.community);
    expect(reading).toMatchObject({
      memberApproved: '6900.00',
      primaryApproved: '900.00',
      budgetToDate: '6020.83',
      burnRatio: '1.1460',
      level: 'WARNING',
      projectedExpenditure: '8280.00',
      projectedOverspend: '1055.00',
      primaryBelowFloor: true,
    });
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    const kinds = (await lead.must('GET', '/api/v1/notifications')).items.map((n: { kind: string }) => n.kind).sort();
    expect(kinds).toEqual(['BURN_WARNING', 'PRIMARY_SHARE_BELOW_FLOOR']);
    // Triggered again for the same period: the kept reading, no second notification.
    const again = await lead.must('POST', '/api/v1/cycles/runs', { cycle: 'monitoring', period: '2026-10' });
    expect(again).toEqual([expect.objectContaining({ scope: f.community, result: expect.objectContaining({ burnRatio: '1.1460' }) })]);
    expect((await lead.must('GET', '/api/v1/notifications')).items).toHaveLength(2);
    expect((await lead.items('/api/v1/cycles/results?cycle=monitoring')).map((r: { scope: string }) => r.scope)).toEqual([f.community]);

    // The dashboard's read: the same reading for October, computed again, with the bands it was read against; nothing kept or sent.
    const year = await lead.must('GET', `/api/v1/communities/${f.community}/monitoring/2026`);
    expect(year).toMatchObject({ communityCode: f.community, fundYear: 2026, thresholds: { watch: '1.05', warning: '1.1', alarm: '1.2' } });
    const october = year.items.find((r: { period: string }) => r.period === '2026-10');
    const { paymentCapacity, ...figures } = reading;
    expect(october).toMatchObject({ ...figures, paymentCapacity });
    expect(year.items.map((r: { period: string }) => r.period)).toEqual(
      Array.from({ length: year.items.length }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`),
    );
    expect((await lead.must('GET', '/api/v1/notifications')).items).toHaveLength(2);
    expect(await lead.items('/api/v1/cycles/results?cycle=monitoring')).toHaveLength(1);
    expect((await (await f.as(['MEMBER_CLERK'], f.townships[0])).get(`/api/v1/communities/${f.community}/monitoring/2026`)).status).toBe(
      403,
    );
  });

  it('refreshes a reading kept before the approval: monitoring follows an approval that comes after the month’s scheduled run', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    const reviewed = await reviewOctober(f, clock, [
      [await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '900.00')]],
    ]);
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    // The month's monitoring runs (as the schedule does on 25 November) before the bureau approves.
    clock.fix('2026-11-25');
    await lead.must('POST', '/api/v1/cycles/runs', { cycle: 'monitoring', period: '2026-10' });
    expect(await resultOf(api, 'monitoring', '2026-10', f.community)).toMatchObject({ memberApproved: '0.00' });
    clock.fix('2026-12-01');
    await (
      await f.as(['BUREAU_APPROVER'], f.bureau)
    ).must('POST', `/api/v1/declarations/${reviewed.id}/approve`, { version: reviewed.version });
    const refreshed = await eventually(async () => {
      const r = await resultOf(api, 'monitoring', '2026-10', f.community);
      return r.memberApproved === '900.00' ? r : undefined;
    }, 'the refreshed reading');
    expect(refreshed).toMatchObject({ primaryApproved: '900.00' });
    const rows = await api.dataSource.query(
      "SELECT job_id FROM cycle_result WHERE cycle = 'monitoring' AND period = '2026-10' AND scope = ?",
      [f.community],
    );
    expect(rows).toEqual([{ job_id: `cycle.run.monitoring.2026-10.${f.community}.rerun1` }]);
  });

  it('opens a period for every claiming unit, refuses bad periods naming the rule, and pays the quarterly advance only once the mode is on', async () => {
    clock.fix('2026-11-04');
    const f = await createCommunityFixture(api, 2);
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    const bureau = await f.as(['BUREAU_CLERK'], f.bureau);
    const bad = await bureau.post('/api/v1/cycles/runs', { cycle: 'monitoring', period: '2026-13' });
    expect(bad.status).toBe(422);
    expect(bad.body.details).toEqual([expect.objectContaining({ field: 'period', rule: 'monthPeriod' })]);
    expect((await bureau.post('/api/v1/cycles/runs', { cycle: 'nightly', period: '2026-10' })).status).toBe(400);
    expect((await bureau.post('/api/v1/cycles/runs', { cycle: 'period-open', period: '2026-12' })).body).toMatchObject({
      code: 'PERIOD_NOT_REACHED',
    });
    clock.fix('2026-12-01');
    await bureau.must('POST', '/api/v1/cycles/runs', { cycle: 'period-open', period: '2026-12' });
    expect(await resultOf(api, 'period-open', '2026-12', f.county)).toMatchObject({ opened: 3, cutoff: '2027-01-03' });
    // The schedule firing on 1 December runs the same cycle for every county: for this one, the run already made.
    worker.get(BusinessClock).fix('2026-12-01');
    const tick = await worker.get(CycleRunnerService).tick({ cycle: 'period-open' });
    expect(tick.period).toBe('2026-12');
    expect(tick.runs).toBeGreaterThanOrEqual(1);
    expect(
      (
        await api.dataSource.query(
          "SELECT COUNT(*) AS n FROM cycle_result WHERE cycle = 'period-open' AND period = '2026-12' AND scope = ?",
          [f.county],
        )
      )[0].n,
    ).toBe('1');
    expect(
      (
        await api.dataSource.query(
          "SELECT COUNT(*) AS n FROM member_claim c JOIN county k ON k.id = c.county_id WHERE k.code = ? AND c.period = '2026-12'",
          [f.county],
        )
      )[0].n,
    ).toBe('3');
    // The quarterly fund analysis is drafted once its quarter has ended.
    expect((await bureau.post('/api/v1/cycles/runs', { cycle: 'fund-analysis', period: '2026-Q4' })).body).toMatchObject({
      code: 'PERIOD_NOT_REACHED',
    });
    await bureau.must('POST', '/api/v1/cycles/runs', { cycle: 'fund-analysis', period: '2026-Q3' });
    const analysis = await resultOf(api, 'fund-analysis', '2026-Q3', f.community);
    expect(analysis).toMatchObject({ fundYear: 2026, quarter: 3, created: true });
    expect(await bureau.must('GET', `/api/v1/fund-analyses/${analysis.fundAnalysisId}`)).toMatchObject({ state: 'DRAFT', quarter: 3 });
    // With the mode off the advance is skipped and nothing is kept: once the bureau turns it on, the same run pays it.
    const advanceJob = `cycle.run.quarterly-advance.2026-Q4.${f.community}`;
    await bureau.must('POST', '/api/v1/cycles/runs', { cycle: 'quarterly-advance', period: '2026-Q4' });
    const skipped = await eventually(
      async () => (await bureau.items(`/api/v1/job-runs?jobId=${advanceJob}`)).find((r: { outcome: string }) => r.outcome === 'DONE'),
      'the skipped advance',
    );
    expect(skipped.counts).toMatchObject({ skipped: expect.stringContaining('off') });
    expect(
      (
        await api.dataSource.query("SELECT COUNT(*) AS n FROM cycle_result WHERE cycle = 'quarterly-advance' AND scope = ?", [f.community])
      )[0].n,
    ).toBe('0');
    const params = await bureau.must('GET', `/api/v1/counties/${f.county}/policy-parameters/2026`);
    await bureau.must('PUT', `/api/v1/counties/${f.county}/policy-parameters/2026`, {
      version: params.version,
      quarterlyAdvanceRate: '0.5',
    });
    worker.get(BusinessClock).fix('2026-12-01');
    await bureau.must('POST', '/api/v1/cycles/runs', { cycle: 'quarterly-advance', period: '2026-Q4' });
    // M = 7 225.00: half of M / 4, half up.
    expect(await resultOf(api, 'quarterly-advance', '2026-Q4', f.community)).toMatchObject({
      quarter: 4,
      amount: '903.13',
      paidOn: '2026-12-01',
    });
    // A lead unit runs its own community's cycles only.
    const other = await createCommunityFixture(api, 1);
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    expect(
      (await lead.post('/api/v1/cycles/runs', { cycle: 'monitoring', period: '2026-10', communityCode: other.community })).status,
    ).toBe(404);
    expect(
      (await (await f.as(['MEMBER_CLERK'], f.townships[0])).post('/api/v1/cycles/runs', { cycle: 'monitoring', period: '2026-10' })).status,
    ).toBe(403);
    const cycles = await bureau.items('/api/v1/cycles');
    expect(cycles.find((c: { cycle: string }) => c.cycle === 'year-end')).toMatchObject({
      scope: 'county',
      period: 'year',
      timezone: 'Asia/Shanghai',
    });
  });

  it('mounts the queue dashboard for administrators only', async () => {
    const f = await createCommunityFixture(api, 1);
    const url = `${api.baseUrl}/admin/queues/api/queues`;
    expect((await fetch(url)).status).toBe(401);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    expect((await fetch(url, { headers: { authorization: `Bearer ${clerk.token}` } })).status).toBe(403);
    const res = await fetch(url, { headers: { authorization: `Bearer ${f.admin.token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort()).toEqual([
      'cycles',
      'intake',
      'notify',
      'registry',
    ]);
    // Read-only: nothing is retried or removed outside the audited API.
    const retry = await fetch(`${url}/cycles/retry/failed`, { method: 'PUT', headers: { authorization: `Bearer ${f.admin.token}` } });
    expect(retry.status).toBe(405);
  });
});

describe('the outbox: work committed while Redis is down runs once Redis is back', () => {
  it('approves a declaration with Redis stopped, then monitors it when a worker can reach Redis', async () => {
    const proxy = new TcpProxy('127.0.0.1', 6379);
    const prefix = `cbm-ob-${process.pid}`;
    const port = await proxy.start();
    const api = await startApi({ QUEUE_PREFIX: prefix, REDIS_PORT: String(port) });
    let worker: INestApplicationContext | null = null;
    try {
      const clock = api.app.get(BusinessClock);
      const f: CommunityFixture = await createCommunityFixture(api, 1);
      await approvedAllocation(f, 2026, SMALL_COUNTY);
      const reviewed = await reviewOctober(f, clock, [
        [await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '500.00')]],
      ]);
      const approver = await f.as(['BUREAU_APPROVER'], f.bureau);

      await proxy.stop(); // Redis goes away
      const started = Date.now();
      const approved = await approver.post(`/api/v1/declarations/${reviewed.id}/approve`, { version: reviewed.version });
      expect(approved.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(3000);
      const jobId = `cycle.run.monitoring.2026-10.${f.community}`;
      const [row] = await api.dataSource.query('SELECT enqueued_at, completed_at FROM outbox WHERE job_id = ?', [jobId]);
      expect(row).toEqual({ enqueued_at: null, completed_at: null });

      // A worker that reaches Redis enqueues what the outbox holds, and the job runs.
      worker = await startWorker({ QUEUE_PREFIX: prefix, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' });
      expect(await resultOf(api, 'monitoring', '2026-10', f.community)).toMatchObject({ memberApproved: '500.00' });
      await eventually(
        async () =>
          (await api.dataSource.query('SELECT completed_at FROM outbox WHERE job_id = ?', [jobId]))[0].completed_at ? true : undefined,
        'the outbox row to complete',
      );
      expect(
        (await api.dataSource.query("SELECT COUNT(*) AS n FROM cycle_result WHERE cycle = 'monitoring' AND scope = ?", [f.community]))[0].n,
      ).toBe('1');
    } finally {
      await proxy.start();
      if (worker) await worker.close();
      await api.close();
      await proxy.stop();
    }
  }, 60_000);

  it('enqueues again what Redis lost after it was enqueued (a flushed Redis)', async () => {
    const prefix = `cbm-fl-${process.pid}`;
    const api = await startApi({ QUEUE_PREFIX: prefix });
    let worker: INestApplicationContext | null = null;
    try {
      const f = await createCommunityFixture(api, 1);
      const bureau = await f.as(['BUREAU_CLERK'], f.bureau);
      api.app.get(BusinessClock).fix('2026-11-02');
      await bureau.must('POST', '/api/v1/cycles/runs', { cycle: 'period-open', period: '2026-11' });
      const jobId = `cycle.run.period-open.2026-11.${f.county}`;
      const queue = api.app.get<Queue>(getQueueToken('cycles'), { strict: false });
      expect(await queue.getJob(jobId)).toBeDefined();
      expect((await api.dataSource.query('SELECT enqueued_at FROM outbox WHERE job_id = ?', [jobId]))[0].enqueued_at).not.toBeNull();
      await queue.obliterate({ force: true }); // Redis loses every job of the queue
      expect(await queue.getJob(jobId)).toBeUndefined();
      worker = await startWorker({ QUEUE_PREFIX: prefix, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' });
      expect(await resultOf(api, 'period-open', '2026-11', f.county)).toMatchObject({ opened: 2, cutoff: '2026-12-03' }); // the lead hospital and the township;
    } finally {
      if (worker) await worker.close();
      await api.close();
    }
  });
});

describe('webhook targets in production', () => {
  it('refuses the service’s own host when the webhook is set, and sends nothing once its name points there', async () => {
    const secret = 'production-test-secret-of-forty-characters';
    const api = await startApi({
      NODE_ENV: 'production',
      JWT_SECRET: secret,
      INSURED_ID_HASH_KEY: secret,
      QUEUE_PREFIX: `cbm-prod-${process.pid}`,
      WEBHOOK_ALLOW_LOCAL_TARGETS: 'false',
    });
    try {
      const f = await createCommunityFixture(api, 1);
      const lead = await f.as(['LEAD_FINANCE'], f.lead);
      for (const url of ['http://127.0.0.1:9/hook', 'http://localhost:9/hook', 'http://169.254.169.254/latest', 'http://[::1]:9/hook']) {
        const refused = await lead.call('PUT', '/api/v1/notifications/webhook', { url });
        expect([url, refused.status, refused.body.details]).toEqual([
          url,
          422,
          [expect.objectContaining({ field: 'url', rule: 'notLocalHost' })],
        ]);
      }
      expect(await lead.must('GET', '/api/v1/notifications/webhook')).toEqual({ url: null, enabled: false });
      await lead.must('PUT', '/api/v1/notifications/webhook', { url: 'http://10.20.1.5/hook' }); // a hospital network's address

      // The target is re-pointed at the service's own host after it was accepted: the delivery is not sent.
      const [institution] = await api.dataSource.query('SELECT id FROM institution WHERE code = ?', [f.lead]);
      await api.dataSource.query("UPDATE notification_webhook SET url = 'http://localhost.:9/hook' WHERE institution_id = ?", [
        institution.id,
      ]);
      const notifications = api.app.get(NotificationService);
      await api.dataSource.transaction((m) =>
        notifications.notify(m, {
          institutionId: institution.id,
          kind: 'TEST',
          severity: 'INFO',
          dedupKey: `test:${f.lead}`,
          subjectType: 'institution',
          subjectId: f.lead,
          message: 'test',
        }),
      );
      const [n] = await api.dataSource.query('SELECT id FROM notification WHERE institution_id = ?', [institution.id]);
      expect(await notifications.deliver({ notificationId: Number(n.id) })).toEqual({ delivered: false });
      const [row] = await api.dataSource.query('SELECT delivered_at, delivery_attempts, delivery_error FROM notification WHERE id = ?', [
        n.id,
      ]);
      expect(row).toEqual({
        delivered_at: null,
        delivery_attempts: 1,
        delivery_error: 'not sent: localhost. is a loopback or link-local address',
      });
    } finally {
      await api.close();
    }
  });
});
