import ExcelJS from 'exceljs';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { outpatientRecord } from '../support/settlement-records';
import { ApiClient, http, HttpResult, RunningApi, startApi, uniqueCode } from '../support/test-app';

type Detail = { row?: number; field: string; rule: string; message: string };

/** `row:field:rule` of each error detail, the way a submitter reads the report. */
const named = (details: Detail[]) => details.map((d) => `${d.row ?? '-'}:${d.field}:${d.rule}`);

/** Tomorrow in Asia/Shanghai (UTC+8, no daylight saving), as 'YYYY-MM-DD'. */
const shanghaiTomorrow = () => new Date(Date.now() + (8 + 24) * 3_600_000).toISOString().slice(0, 10);

async function xlsxOf(rows: Record<string, unknown>[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('结算记录');
  const headers = Object.keys(rows[0]);
  sheet.addRow(headers);
  for (const r of rows) sheet.addRow(headers.map((h) => r[h]));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csvOf = (rows: Record<string, unknown>[]) =>
  [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\r\n') + '\r\n';

const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a1e2b1a50000000049454e44ae426082',
  'hex',
);

describe('settlement-record intake acceptance (SPEC §4, §11)', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clerk: ApiClient;
  let village: string;
  let otherVillage: string;

  /** Rows this county's units have in the intake tables. */
  const counts = async (): Promise<Record<'settlement_record' | 'intake_batch' | 'intake_upload', number>> => {
    const ofCounty = (table: string) =>
      `SELECT COUNT(*) FROM ${table} t JOIN institution i ON i.id = t.submitter_id JOIN county c ON c.id = i.county_id WHERE c.code = ?`;
    const [row] = await api.dataSource.query(
      `SELECT (${ofCounty('settlement_record')}) AS settlement_record, (${ofCounty('intake_batch')}) AS intake_batch, (${ofCounty('intake_upload')}) AS intake_upload`,
      [f.county, f.county, f.county],
    );
    return {
      settlement_record: Number(row.settlement_record),
      intake_batch: Number(row.intake_batch),
      intake_upload: Number(row.intake_upload),
    };
  };

  const record = (id: string, over: Record<string, unknown> = {}) => outpatientRecord(id, village, over);

  beforeAll(async () => {
    api = await startApi({ BUSINESS_DATE: '2026-10-31' }); // the records are settled in October 2026
    f = await createCommunityFixture(api, 2);
    village = `${f.county}-VC-1`;
    otherVillage = `${f.county}-VC-2`;
    await f.admin.must('POST', '/api/v1/institutions', {
      code: village,
      name: '村卫生室 1',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.townships[0],
    });
    await f.admin.must('POST', '/api/v1/institutions', {
      code: otherVillage,
      name: '村卫生室 2',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.townships[1],
    });
    clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
  });
  afterAll(() => api.close());

  describe('re-uploading the same file stores nothing new', () => {
    it.each([
      ['CSV', 'october.csv', 'csv', async (rows: Record<string, unknown>[]) => Buffer.from(csvOf(rows), 'utf8')],
      ['XLSX', 'october.xlsx', 'xlsx', xlsxOf],
    ] as const)('%s', async (_kind, filename, source, build) => {
      const rows = [1, 2, 3, 4].map((n) =>
        record(`${source.toUpperCase()}-${n}`, n % 2 ? {} : { unitCode: f.townships[0], visitType: 'MATERNITY' }),
      );
      const file = await build(rows);

      const first = await clerk.upload('/api/v1/settlement-records/upload', file, filename);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({ received: 4, stored: 4, duplicates: 0, rejected: 0, errors: [] });
      const [batch] = await api.dataSource.query('SELECT source, stored FROM intake_batch WHERE id = ?', [first.body.batchId]);
      expect(batch).toEqual({ source, stored: 4 });
      const before = await counts();

      const again = await clerk.upload('/api/v1/settlement-records/upload', file, filename);
      expect(again.status).toBe(200);
      expect(again.body).toEqual({
        batchId: null,
        received: 4,
        stored: 0,
        duplicates: 4,
        rejected: 0,
        errors: [],
        claims: [],
        reported: [],
        orphans: 0,
      });
      expect(await counts()).toEqual(before);
    });
  });

  describe('Idempotency-Key', () => {
    it('50 identical submissions at once store one batch and all get the first answer, or "still in progress"', async () => {
      const key = uniqueCode('batch-2026-11-');
      const body = { records: [record('IDEM-1'), record('IDEM-2'), record('IDEM-3')] };
      const before = await counts();

      const answers = await Promise.all(
        Array.from({ length: 50 }, () => clerk.post('/api/v1/settlement-records', body, { 'idempotency-key': key })),
      );

      const done = answers.filter((a) => a.status === 201);
      const inProgress = answers.filter((a) => a.status === 409);
      expect(done.length + inProgress.length).toBe(50);
      const originals = done.filter((a) => a.headers.get('idempotent-replayed') !== 'true');
      expect(originals).toHaveLength(1);
      const [original] = originals;
      expect(original.body).toMatchObject({ batchId: expect.any(String), received: 3, stored: 3, duplicates: 0, rejected: 0, errors: [] });
      for (const a of done) expect(a.body).toEqual(original.body);
      for (const a of inProgress) {
        expect(a.body).toMatchObject({
          statusCode: 409,
          code: 'IDEMPOTENT_REQUEST_IN_PROGRESS',
          details: [{ field: 'Idempotency-Key', rule: 'inProgress', message: key }],
        });
      }
      expect(await counts()).toEqual({ ...before, settlement_record: before.settlement_record + 3, intake_batch: before.intake_batch + 1 });
      const stored = await api.dataSource.query(
        "SELECT DISTINCT batch_id FROM settlement_record WHERE external_id IN ('IDEM-1', 'IDEM-2', 'IDEM-3')",
      );
      expect(stored).toEqual([{ batch_id: original.body.batchId }]);

      const retry = await clerk.post('/api/v1/settlement-records', body, { 'idempotency-key': key });
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBe('true');
      expect(retry.body).toEqual(original.body);

      const other = await clerk.post('/api/v1/settlement-records', { records: [record('IDEM-4')] }, { 'idempotency-key': key });
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', details: [{ field: 'Idempotency-Key', rule: 'sameRequest' }] });
      expect(await counts()).toEqual({ ...before, settlement_record: before.settlement_record + 3, intake_batch: before.intake_batch + 1 });
    });

    it('50 refused submissions in quick succession are each refused with the reason, or told the one before is in progress', async () => {
      // A refused request releases its key, so the next copy runs anew; copies that arrive
      // while one runs are told it is in progress.
      const key = uniqueCode('batch-2026-11-');
      const body = { records: [record('IDEM-BAD-1'), record('IDEM-BAD-2', { selfPaid: '50.49' })] };
      const before = await counts();

      const sent: Promise<HttpResult>[] = [];
      for (let i = 0; i < 50; i++) {
        sent.push(clerk.post('/api/v1/settlement-records', body, { 'idempotency-key': key }));
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      const answers = await Promise.all(sent);

      expect(answers.filter((a) => a.status !== 422 && a.status !== 409).map((a) => [a.status, a.body])).toEqual([]);
      for (const a of answers) {
        if (a.status === 422) expect(named(a.body.details)).toEqual(['2:totalCost:paymentsSumToTotal']);
        else
          expect(a.body).toMatchObject({
            code: 'IDEMPOTENT_REQUEST_IN_PROGRESS',
            details: [{ field: 'Idempotency-Key', rule: 'inProgress' }],
          });
      }
      expect(answers.some((a) => a.status === 422)).toBe(true);
      expect(await counts()).toEqual(before);
      expect(await api.dataSource.query('SELECT idem_key FROM idempotency_key WHERE idem_key = ?', [key])).toEqual([]);
    });
  });

  describe('bad input answers 4xx naming row, field and rule, and writes nothing', () => {
    const cases: [string, () => unknown, number, string, string[]][] = [
      ['a negative amount', () => [record('BAD-1'), record('BAD-2', { selfPaid: '-50.50' })], 422, 'BATCH_REJECTED', ['2:selfPaid:amount']],
      [
        'an amount with three decimals',
        () => [record('BAD-1'), record('BAD-2', { fundPaid: '60.001' })],
        422,
        'BATCH_REJECTED',
        ['2:fundPaid:amount'],
      ],
      [
        'parts that do not sum to totalCost',
        () => [record('BAD-1'), record('BAD-2', { medicalAidPaid: '10.01' })],
        422,
        'BATCH_REJECTED',
        ['2:totalCost:paymentsSumToTotal'],
      ],
      [
        'fundPaid above coveredCost',
        () => [record('BAD-1'), record('BAD-2', { fundPaid: '100.50', selfPaid: '10.00' })],
        422,
        'BATCH_REJECTED',
        ['2:fundPaid:notAboveCovered'],
      ],
      [
        'a settlement date tomorrow in Shanghai',
        () => [record('BAD-1'), record('BAD-2', { settlementDate: shanghaiTomorrow() })],
        422,
        'BATCH_REJECTED',
        ['2:settlementDate:notInFuture'],
      ],
      [
        'another township’s village clinic',
        () => [record('BAD-1'), record('BAD-2', { unitCode: otherVillage })],
        422,
        'BATCH_REJECTED',
        ['2:unitCode:submitterOrVillage'],
      ],
      [
        'an unknown record field',
        () => [record('BAD-1'), record('BAD-2', { paidAt: '2026-10-08' })],
        422,
        'BATCH_REJECTED',
        ['2:paidAt:unknownField'],
      ],
      [
        'an amount as a JSON number',
        () => [record('BAD-1'), record('BAD-2', { totalCost: 120.5 })],
        422,
        'BATCH_REJECTED',
        ['2:totalCost:amountAsText'],
      ],
      [
        'an impossible date',
        () => [record('BAD-1'), record('BAD-2', { visitDate: '2026-02-30' })],
        422,
        'BATCH_REJECTED',
        ['2:visitDate:date'],
      ],
    ];

    it.each(cases)('%s', async (_name, records, status, code, details) => {
      const before = await counts();
      const res = await clerk.post('/api/v1/settlement-records', { records: records() });
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, code, requestId: expect.any(String) });
      expect(named(res.body.details)).toEqual(details);
      expect(await counts()).toEqual(before);
    });

    it('an unknown field beside the records', async () => {
      const before = await counts();
      const res = await clerk.post('/api/v1/settlement-records', { records: [record('BAD-1')], submittedAt: '2026-10-08' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      expect(named(res.body.details)).toEqual(['-:submittedAt:unknownField']);
      expect(await counts()).toEqual(before);
    });

    it('malformed JSON', async () => {
      const before = await counts();
      const res = await http(api.baseUrl, 'POST', '/api/v1/settlement-records', `{"records": [${JSON.stringify(record('BAD-1'))},`, {
        authorization: `Bearer ${clerk.token}`,
        'content-type': 'application/json',
      });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'MALFORMED_JSON', requestId: expect.any(String) });
      expect(named(res.body.details)).toEqual(['-::MALFORMED_JSON']);
      expect(await counts()).toEqual(before);
    });

    const validCsv = () => Buffer.from(csvOf([record('FILE-1')]), 'utf8');
    const files: [string, () => Promise<Buffer> | Buffer, string, string][] = [
      ['a PNG', () => PNG, 'october.png', 'matchesName'],
      ['a PNG named .csv', () => PNG, 'october.csv', 'format'],
      ['a PNG named .xlsx', () => PNG, 'october.xlsx', 'matchesName'],
      ['CSV text named .xlsx', validCsv, 'october.xlsx', 'matchesName'],
      ['a workbook named .csv', () => xlsxOf([record('FILE-1')]), 'october.csv', 'matchesName'],
      [
        'a ZIP signature followed by garbage, named .xlsx',
        () => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(512, 0x5a)]),
        'october.xlsx',
        'format',
      ],
      ['an empty file', () => Buffer.alloc(0), 'october.csv', 'format'],
    ];

    it.each(files)('an upload of %s', async (_name, content, filename, rule) => {
      const before = await counts();
      const res = await clerk.upload('/api/v1/settlement-records/upload', await content(), filename);
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ statusCode: 422, code: 'FILE_UNREADABLE', requestId: expect.any(String) });
      expect(named(res.body.details)).toEqual([`-:file:${rule}`]);
      expect(await counts()).toEqual(before);
    });

    it('the same CSV text named .csv is taken, so the refusals above are about the files', async () => {
      const res = await clerk.upload('/api/v1/settlement-records/upload', validCsv(), 'october.csv');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ stored: 1 });
    });
  });
});
