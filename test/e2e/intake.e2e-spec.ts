import { outpatientRecord } from '../support/settlement-records';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';

describe('settlement-record intake over HTTP (SPEC §4)', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clerk: ApiClient;
  let village: string;
  const count = async () =>
    Number(
      (
        await api.dataSource.query(
          'SELECT COUNT(*) AS n FROM settlement_record r JOIN institution i ON i.id = r.submitter_id WHERE i.code = ?',
          [f.townships[0]],
        )
      )[0].n,
    );

  const record = (n: number, over: Record<string, unknown> = {}) =>
    outpatientRecord(`HIS-${n}`, n % 2 ? village : f.townships[0], { insuredId: `53292719900101${String(1000 + n)}`, ...over });

  beforeAll(async () => {
    api = await startApi({ BUSINESS_DATE: '2026-10-31' }); // the records are settled in October 2026
    f = await createCommunityFixture(api, 2);
    village = `${f.county}-VC-1`;
    await f.admin.must('POST', '/api/v1/institutions', {
      code: village,
      name: '村卫生室',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.townships[0],
    });
    clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
  });
  afterAll(() => api.close());

  it('stores a batch, and re-sending it changes nothing and reports duplicates', async () => {
    const batch = { records: [record(1), record(2), record(3)] };
    const first = await clerk.post('/api/v1/settlement-records', batch);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ received: 3, stored: 3, duplicates: 0, rejected: 0, errors: [] });
    const again = await clerk.post('/api/v1/settlement-records', batch);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ batchId: null, stored: 0, duplicates: 3, claims: [] });
    expect(await count()).toBe(3);
  });

  it('keeps insured ids only as a keyed hash and a masked form', async () => {
    const rows: { insured_hash: string; insured_masked: string }[] = await api.dataSource.query(
      "SELECT insured_hash, insured_masked FROM settlement_record WHERE external_id = 'HIS-1'",
    );
    expect(rows[0].insured_masked).toBe('532*************01');
    expect(rows[0].insured_hash).toMatch(/^[0-9a-f]{64}$/);
    const clear = await api.dataSource.query(
      "SELECT COUNT(*) AS n FROM settlement_record WHERE CONCAT_WS('|', insured_hash, insured_masked, external_id, referral_no) LIKE '%532927199001011001%'",
    );
    expect(Number(clear[0].n)).toBe(0);
  });

  it('rejects the whole batch naming each bad record’s row, field and rule, and stores none', async () => {
    const before = await count();
    const res = await clerk.post('/api/v1/settlement-records', {
      records: [
        record(10),
        record(11, { selfPaid: '50.49' }),
        record(12, { unitCode: f.townships[1] }),
        record(13, { fundPaid: 60 }),
        record(1, { totalCost: '130.50', selfPaid: '60.50' }),
        record(14, { status: 'PAID' }),
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('BATCH_REJECTED');
    expect(res.body.details.map((d: { row: number; field: string; rule: string }) => `${d.row}:${d.field}:${d.rule}`)).toEqual([
      '2:totalCost:paymentsSumToTotal',
      '3:unitCode:submitterOrVillage',
      '4:fundPaid:amountAsText',
      '5:externalId:conflict',
      '6:status:unknownField',
    ]);
    expect(await count()).toBe(before);
  });

  it('stores the good records only when asked to', async () => {
    const res = await clerk.post('/api/v1/settlement-records', {
      onError: 'skip',
      records: [record(20), record(21, { visitDate: '2099-01-01' })],
    });
    expect(res.body).toMatchObject({
      stored: 1,
      rejected: 1,
      errors: expect.arrayContaining([expect.objectContaining({ row: 2, field: 'visitDate', rule: 'notInFuture' })]),
    });
  });

  it('answers a retried request with the same Idempotency-Key from the first answer', async () => {
    const body = { records: [record(30)] };
    const first = await clerk.post('/api/v1/settlement-records', body, { 'idempotency-key': 'batch-2026-10-0001' });
    const retry = await clerk.post('/api/v1/settlement-records', body, { 'idempotency-key': 'batch-2026-10-0001' });
    expect([first.status, retry.status]).toEqual([201, 201]);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    const other = await clerk.post('/api/v1/settlement-records', { records: [record(31)] }, { 'idempotency-key': 'batch-2026-10-0001' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('reads CSV uploads and reports bad lines by their number', async () => {
    const header = Object.keys(record(0)).join(',');
    const line = (n: number, over: Record<string, unknown> = {}) => Object.values(record(n, over)).join(',');
    const csv = [header, line(40), line(41, { visitType: 'DENTAL' })].join('\n');
    const res = await clerk.upload('/api/v1/settlement-records/upload', csv, 'october.csv');
    expect(res.status).toBe(422);
    expect(res.body.details).toEqual([expect.objectContaining({ row: 3, field: 'visitType', rule: 'isIn' })]);
    const ok = await clerk.upload('/api/v1/settlement-records/upload', [header, line(40), line(41)].join('\n'), 'october.csv');
    expect(ok.body).toMatchObject({ stored: 2 });
    const [claim] = await clerk.items('/api/v1/member-claims?period=2026-10');
    expect(ok.body.claims).toEqual([{ period: '2026-10', claimId: claim.id, institutionCode: f.townships[0], records: 2, rolledOver: [] }]);
  });

  it('takes records only from claiming units', async () => {
    const bureau = await f.as(['BUREAU_CLERK'], f.bureau);
    expect((await bureau.post('/api/v1/settlement-records', { records: [record(50)] })).status).toBe(403);
  });
});
