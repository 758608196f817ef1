import type { INestApplicationContext } from '@nestjs/common';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi, startWorker, tableCounts } from '../support/test-app';

const SYNC_MAX = 20;

function villageCsv(f: CommunityFixture, count: number, tag: string): string {
  const lines = ['code,name,type,countyCode,communityCode,parentCode'];
  for (let i = 1; i <= count; i++)
    lines.push(`${f.county}-${tag}-${i},村卫生室${i},VILLAGE_CLINIC,${f.county},${f.community},${f.townships[i % f.townships.length]}`);
  return lines.join('\n');
}

async function waitForImport(client: ApiClient, id: string, limitMs = 20000): Promise<any> {
  const started = Date.now();
  for (;;) {
    const res = await client.get(`/api/v1/institutions/imports/${id}`);
    if (res.body.status === 'DONE' || res.body.status === 'REJECTED') return res.body;
    if (Date.now() - started > limitMs) throw new Error(`import ${id} still ${res.body.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('large imports run on the BullMQ worker', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi({ IMPORT_SYNC_MAX_ROWS: String(SYNC_MAX) });
    f = await createCommunityFixture(api, 3);
  });
  afterAll(async () => {
    await worker?.close();
    await api.close();
  });

  it('queues a file above the threshold (202) and the worker imports it', async () => {
    worker = await startWorker();
    const res = await f.admin.upload('/api/v1/institutions/import', villageCsv(f, 60, 'QA'), 'big.csv');
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/v1/institutions/imports/${res.body.id}`);
    expect(res.body).toMatchObject({ status: 'QUEUED', rowCount: 60 });
    const done = await waitForImport(f.admin, res.body.id);
    expect(done).toMatchObject({ status: 'DONE', outcome: { created: 60, rejected: 0 } });
    const listed = await f.admin.get(`/api/v1/institutions?communityCode=${f.community}&type=VILLAGE_CLINIC&pageSize=1`);
    expect(listed.body.total).toBe(60);
  });

  it('records a rejected file with its row errors and writes no institution', async () => {
    const csv = villageCsv(f, 30, 'QB').replace(`${f.county}-QB-7,`, 'bad code,');
    const before = await tableCounts(api.dataSource, ['institution']);
    const res = await f.admin.upload('/api/v1/institutions/import', csv, 'bad.csv');
    expect(res.status).toBe(202);
    const done = await waitForImport(f.admin, res.body.id);
    expect(done.status).toBe('REJECTED');
    expect(done.outcome.errors).toEqual([expect.objectContaining({ row: 8, field: 'code', rule: 'matches' })]);
    expect(await tableCounts(api.dataSource, ['institution'])).toEqual(before);
  });

  it('finishes the active job before the worker shuts down', async () => {
    const res = await f.admin.upload('/api/v1/institutions/import', villageCsv(f, 400, 'QC'), 'bigger.csv');
    expect(res.status).toBe(202);
    // Wait until the worker has taken the job, then ask it to stop.
    const started = Date.now();
    while ((await f.admin.get(`/api/v1/institutions/imports/${res.body.id}`)).body.status === 'QUEUED') {
      if (Date.now() - started > 10000) throw new Error('job never started');
      await new Promise((r) => setTimeout(r, 20));
    }
    await worker.close();
    const after = await f.admin.get(`/api/v1/institutions/imports/${res.body.id}`);
    expect(after.body).toMatchObject({ status: 'DONE', outcome: { created: 400 } });
  });
});

describe('large settlement-record uploads run on the worker', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let f: CommunityFixture;
  const header =
    'externalId,unitCode,insuredId,visitType,visitDate,settlementDate,totalCost,coveredCost,fundPaid,criticalIllnessPaid,medicalAidPaid,selfPaid';
  const line = (f: CommunityFixture, n: number, self = '5.00') =>
    `U-${n},${f.townships[0]},53292719900101${1000 + n},OUTPATIENT,2026-10-08,2026-10-08,10.00,10.00,5.00,0,0,${self}`;

  beforeAll(async () => {
    api = await startApi({ INTAKE_SYNC_MAX_ROWS: '3', BUSINESS_DATE: '2026-10-31' }); // the records are settled in October 2026
    worker = await startWorker({ BUSINESS_DATE: '2026-10-31' });
    f = await createCommunityFixture(api, 1);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  async function waitForUpload(client: ApiClient, id: string): Promise<any> {
    const started = Date.now();
    for (;;) {
      const res = await client.get(`/api/v1/settlement-records/uploads/${id}`);
      if (res.body.status === 'DONE' || res.body.status === 'REJECTED') return res.body;
      if (Date.now() - started > 20000) throw new Error(`upload ${id} still ${res.body.status}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('queues a file above the threshold and stores its records', async () => {
    const clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const csv = [header, ...Array.from({ length: 10 }, (_, i) => line(f, i))].join('\n');
    const res = await clerk.upload('/api/v1/settlement-records/upload', csv, 'big.csv');
    expect(res.status).toBe(202);
    expect(res.headers.get('location')).toBe(`/api/v1/settlement-records/uploads/${res.body.id}`);
    const done = await waitForUpload(clerk, res.body.id);
    expect(done).toMatchObject({ status: 'DONE', rowCount: 10, processedRows: 10, outcome: { stored: 10, errors: [] } });
    // The status view says where the records went, as the synchronous answer does.
    const [claim] = await clerk.items('/api/v1/member-claims?period=2026-10');
    expect(done.outcome.claims).toEqual([
      { period: '2026-10', claimId: claim.id, institutionCode: f.townships[0], records: 10, rolledOver: [] },
    ]);
  });

  it('reports every bad line of a rejected file and stores none of it', async () => {
    const clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const csv = [header, line(f, 20), line(f, 21, '5.01'), line(f, 22), line(f, 23, 'x')].join('\n');
    const res = await clerk.upload('/api/v1/settlement-records/upload', csv, 'bad.csv');
    const done = await waitForUpload(clerk, res.body.id);
    expect(done.status).toBe('REJECTED');
    expect(done.outcome.errors.map((e: { row: number; field: string; rule: string }) => `${e.row}:${e.field}:${e.rule}`)).toEqual([
      '3:totalCost:paymentsSumToTotal',
      '5:selfPaid:amount',
    ]);
    const [{ n }] = await api.dataSource.query("SELECT COUNT(*) AS n FROM settlement_record WHERE external_id IN ('U-20','U-22')");
    expect(Number(n)).toBe(0);
  });
});
