import type { INestApplicationContext } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { QUEUES } from '../../src/queue/jobs';
import { storeClaimSamples } from '../support/claim-samples';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi, startWorker, testConfig } from '../support/test-app';

/** Every series `name{labels} value` of a Prometheus text answer. */
function parse(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!m) throw new Error(`not a Prometheus series line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
      return { name: m[1], labels, value: Number(m[3]) };
    });
}

/** The series of `name` whose labels include `labels`. */
function series(text: string, name: string, labels: Record<string, string> = {}) {
  return parse(text).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The summed value of the matching series (0 when there is none). */
const total = (text: string, name: string, labels: Record<string, string> = {}) =>
  series(text, name, labels).reduce((sum, s) => sum + s.value, 0);

const FAMILIES: [string, string][] = [
  ['cbm_http_request_duration_seconds', 'histogram'],
  ['cbm_job_duration_seconds', 'histogram'],
  ['cbm_job_stalls_total', 'counter'],
  ['cbm_queue_jobs', 'gauge'],
  ['cbm_outbox_oldest_unrelayed_age_seconds', 'gauge'],
  ['cbm_outbox_unrelayed_rows', 'gauge'],
  ['cbm_db_pool_connections', 'gauge'],
  ['cbm_db_pool_waiting', 'gauge'],
  ['cbm_db_pool_size', 'gauge'],
  ['cbm_community_burn_ratio', 'gauge'],
  ['cbm_community_primary_share', 'gauge'],
  ['cbm_community_projected_primary_share', 'gauge'],
  ['cbm_community_primary_floor', 'gauge'],
  ['cbm_pass_downs_overdue', 'gauge'],
  ['cbm_metrics_collector_up', 'gauge'],
];

describe('metrics at /metrics', () => {
  const scrapeToken = `scrape-${randomBytes(24).toString('hex')}`;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let a: CommunityFixture;
  let b: CommunityFixture;
  let scraper: ApiClient;

  /** A kept monitoring reading of a community, as the monitoring cycle stores it. */
  const storeReading = (community: string, period: string, burnRatio: string, primaryShareToDate: string) =>
    api.dataSource.query("INSERT INTO cycle_result (cycle, period, scope, result, job_id) VALUES ('monitoring', ?, ?, ?, ?)", [
      period,
      community,
      JSON.stringify({
        communityCode: community,
        period,
        burnRatio,
        primaryShareToDate,
        projectedPrimaryShare: '0.3100',
        primaryFloorRate: '0.3000',
      }),
      `test.${community}.${period}`,
    ]);

  beforeAll(async () => {
    // The business date puts the sample pass-down (deadline 2026-10-27) past its deadline.
    const env = { METRICS_TOKEN: scrapeToken, BUSINESS_DATE: '2026-11-02', IMPORT_SYNC_MAX_ROWS: '1' };
    api = await startApi(env);
    worker = await startWorker(env);
    a = await createCommunityFixture(api, 1);
    b = await createCommunityFixture(api, 1);
    await storeClaimSamples(api, a);
    await storeReading(a.community, '2026-09', '1.0321', '0.2875');
    await storeReading(a.community, '2026-10', '1.1042', '0.2950');
    // A later run skipped for want of a package holds no burn ratio: the gauges keep the last reading.
    await api.dataSource.query(
      "INSERT INTO cycle_result (cycle, period, scope, result, job_id) VALUES ('monitoring', '2026-11', ?, ?, 'x')",
      [a.community, JSON.stringify({ communityCode: a.community, period: '2026-11', skipped: 'no approved package for 2026' })],
    );
    await storeReading(b.community, '2026-10', '0.8000', '0.4000');
    scraper = new ApiClient(api.baseUrl, scrapeToken, 'scraper');
  }, 60_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it('refuses a scrape without a token, with a wrong one, and by anyone but ADMIN; the scrape token opens no other route', async () => {
    expect((await http(api.baseUrl, 'GET', '/metrics')).status).toBe(401);
    expect((await new ApiClient(api.baseUrl, `${scrapeToken}x`).get('/metrics')).status).toBe(401);
    const clerk = await a.as(['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'], a.bureau);
    const refused = await clerk.get('/metrics');
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'ROLE_NOT_ALLOWED' });
    const his = await a.admin.must('POST', '/api/v1/api-tokens', { name: 'HIS', institutionCode: a.townships[0], roles: ['MEMBER_CLERK'] });
    expect((await new ApiClient(api.baseUrl, his.token).get('/metrics')).status).toBe(403);
    const [denied] = await api.dataSource.query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE actor = ? AND action = 'denied GET /metrics' AND outcome = 'DENIED'",
      [clerk.username],
    );
    expect(Number(denied.n)).toBe(1);
    // Elsewhere the scrape token is no credential at all.
    expect((await scraper.get('/api/v1/institutions')).status).toBe(401);
    expect((await scraper.get('/api/v1/inbox')).status).toBe(401);
  });

  it('answers every series to the scrape token, and they move with requests and a job run', async () => {
    const first = await scraper.get<string>('/metrics');
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const before = first.body;
    for (const [name, type] of FAMILIES) expect(before).toContain(`# TYPE ${name} ${type}`);
    expect(
      series(before, 'cbm_metrics_collector_up')
        .map((s) => `${s.labels.collector}=${s.value}`)
        .sort(),
    ).toEqual(['db-pool=1', 'jobs=1', 'monitoring=1', 'outbox=1', 'pass-downs=1', 'queues=1']);
    for (const queue of Object.values(QUEUES))
      for (const state of ['waiting', 'delayed']) expect(series(before, 'cbm_queue_jobs', { queue, state })).toHaveLength(1);
    expect(total(before, 'cbm_db_pool_size')).toBe(testConfig().db.poolSize);
    expect(series(before, 'cbm_db_pool_connections', { state: 'in_use' })).toHaveLength(1);
    expect(total(before, 'cbm_outbox_oldest_unrelayed_age_seconds')).toBeGreaterThanOrEqual(0);
    // The latest reading with a burn ratio, of every county (the scrape token reads the deployment).
    expect(series(before, 'cbm_community_burn_ratio', { community: a.community })).toEqual([
      { name: 'cbm_community_burn_ratio', labels: { county: a.county, community: a.community, period: '2026-10' }, value: 1.1042 },
    ]);
    expect(total(before, 'cbm_community_primary_share', { community: a.community })).toBe(0.295);
    expect(total(before, 'cbm_community_burn_ratio', { community: b.community })).toBe(0.8);
    expect(series(before, 'cbm_pass_downs_overdue', { county: a.county }).map((s) => s.value)).toEqual([1]);
    expect(series(before, 'cbm_pass_downs_overdue', { county: b.county }).map((s) => s.value)).toEqual([0]);

    // Requests: three reads of one list, one read of a code that does not exist.
    const list = { method: 'GET', route: '/api/v1/institutions', status: '200' };
    const missing = { method: 'GET', route: '/api/v1/institutions/:code', status: '404' };
    for (let i = 0; i < 3; i++) await a.admin.must('GET', '/api/v1/institutions');
    expect((await a.admin.get(`/api/v1/institutions/${a.county}-NOPE`)).status).toBe(404);
    // A job run: an import above the synchronous limit goes to the worker.
    const job = { queue: 'registry', job: 'registry.import-institutions', outcome: 'completed' };
    const csv = `code,name,type,countyCode,communityCode,parentCode\n${a.county}-VM-1,村1,VILLAGE_CLINIC,${a.county},${a.community},${a.townships[0]}\n${a.county}-VM-2,村2,VILLAGE_CLINIC,${a.county},${a.community},${a.townships[0]}`;
    expect((await a.admin.upload('/api/v1/institutions/import', csv, 'metrics.csv')).status).toBe(202);

    let after = before;
    for (
      let waited = 0;
      waited < 20_000 && total(after, 'cbm_job_duration_seconds_count', job) <= total(before, 'cbm_job_duration_seconds_count', job);
      waited += 250
    ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      after = (await scraper.get<string>('/metrics')).body;
    }
    expect(
      total(after, 'cbm_job_duration_seconds_count', job) - total(before, 'cbm_job_duration_seconds_count', job),
    ).toBeGreaterThanOrEqual(1);
    expect(total(after, 'cbm_job_duration_seconds_sum', job)).toBeGreaterThan(total(before, 'cbm_job_duration_seconds_sum', job));
    expect(total(after, 'cbm_job_duration_seconds_bucket', { ...job, le: '+Inf' })).toBe(
      total(after, 'cbm_job_duration_seconds_count', job),
    );

    expect(
      total(after, 'cbm_http_request_duration_seconds_count', list) - total(before, 'cbm_http_request_duration_seconds_count', list),
    ).toBe(3);
    expect(
      total(after, 'cbm_http_request_duration_seconds_count', missing) - total(before, 'cbm_http_request_duration_seconds_count', missing),
    ).toBe(1);
    expect(total(after, 'cbm_http_request_duration_seconds_sum', list)).toBeGreaterThan(
      total(before, 'cbm_http_request_duration_seconds_sum', list),
    );
    // Route patterns only: the raw URL (with the code asked for) is never a label.
    expect(after).not.toContain('-NOPE');
    expect(new Set(series(after, 'cbm_http_request_duration_seconds_count').map((s) => s.labels.route))).not.toContain(
      `/api/v1/institutions/${a.county}-NOPE`,
    );
  }, 60_000);

  it('answers an ADMIN the deployment’s series and its own county’s business gauges only', async () => {
    const answer = await a.admin.get<string>('/metrics');
    expect(answer.status).toBe(200);
    expect(series(answer.body, 'cbm_http_request_duration_seconds_count').length).toBeGreaterThan(0);
    expect(series(answer.body, 'cbm_community_burn_ratio', { community: a.community })).toHaveLength(1);
    expect(series(answer.body, 'cbm_community_burn_ratio', { county: b.county })).toEqual([]);
    expect(series(answer.body, 'cbm_pass_downs_overdue').map((s) => s.labels.county)).toEqual([a.county]);
    expect(answer.body).not.toContain(b.community);
  });
});
