import ExcelJS from 'exceljs';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { RunningApi, startApi, tableCounts } from '../support/test-app';

describe('institution registry on MySQL', () => {
  let api: RunningApi;
  let f: CommunityFixture;

  beforeAll(async () => {
    api = await startApi();
    f = await createCommunityFixture(api, 2);
  });
  afterAll(() => api.close());

  it('rejects a village clinic whose parent is not a township with 422, writing nothing', async () => {
    const before = await tableCounts(api.dataSource);
    const res = await f.admin.post('/api/v1/institutions', {
      code: `${f.county}-VC-X`,
      name: '错挂村卫生室',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.lead,
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INSTITUTION_INVALID');
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'parentCode', rule: 'parentMustBeTownship' })]);
    expect(await tableCounts(api.dataSource)).toEqual(before);
  });

  it('rejects a CSV import with one bad row, naming its row and field, writing nothing', async () => {
    const csv = [
      'code,name,type,countyCode,communityCode,parentCode',
      `${f.county}-VC-1,村卫生室一,VILLAGE_CLINIC,${f.county},${f.community},${f.townships[0]}`,
      `${f.county}-VC-2,村卫生室二,VILLAGE_CLINIC,${f.county},${f.community},${f.townships[1]}`,
      `${f.county}-VC-3,村卫生室三,VILLAGE_CLNIC,${f.county},${f.community},${f.townships[1]}`,
      `${f.county}-VC-4,村卫生室四,VILLAGE_CLINIC,${f.county},${f.community},${f.townships[0]}`,
    ].join('\n');
    const tables = ['county', 'medical_community', 'institution', 'registry_import'];
    const before = await tableCounts(api.dataSource, tables);
    const res = await f.admin.upload('/api/v1/institutions/import', csv, 'villages.csv');
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('IMPORT_REJECTED');
    expect(res.body.details).toEqual([expect.objectContaining({ row: 4, field: 'type', rule: 'isIn' })]);
    expect(await tableCounts(api.dataSource, tables)).toEqual(before);
  });

  it('imports a good CSV, and importing it again changes nothing', async () => {
    const csv = [
      'code,name,type,countyCode,communityCode,parentCode',
      // the village comes before its township in the file
      `${f.county}-VC-91,新建村卫生室,VILLAGE_CLINIC,${f.county},${f.community},${f.county}-TC-9`,
      `${f.county}-TC-9,新建乡卫生院,TOWNSHIP_CENTER,${f.county},${f.community},`,
    ].join('\n');
    const first = await f.admin.upload('/api/v1/institutions/import', csv, 'new.csv');
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ created: 2, updated: 0, unchanged: 0, rejected: 0 });
    // A synchronous import is kept too: its id shows it as a queued one would be shown.
    expect((await f.admin.get(`/api/v1/institutions/imports/${first.body.id}`)).body).toMatchObject({
      id: first.body.id,
      status: 'DONE',
      rowCount: 2,
      outcome: { created: 2, updated: 0, unchanged: 0, rejected: 0, errors: [] },
      finishedAt: expect.any(String),
    });
    const before = await tableCounts(api.dataSource);
    const again = await f.admin.upload('/api/v1/institutions/import', csv, 'new.csv');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    expect(again.body.id).not.toBe(first.body.id);
    expect((await f.admin.get(`/api/v1/institutions/imports/${again.body.id}`)).body).toMatchObject({
      status: 'DONE',
      outcome: { created: 0, updated: 0, unchanged: 2 },
    });
    expect(await tableCounts(api.dataSource)).toEqual(before);
    const village = await f.admin.get(`/api/v1/institutions/${f.county}-VC-91`);
    expect(village.body).toMatchObject({ parentCode: `${f.county}-TC-9`, primary: true, version: 1 });
  });

  it('imports XLSX with Chinese headers, and with onError=skip stores the good rows only', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('机构');
    ws.addRow(['机构编码', '机构名称', '机构类型', '统筹区编码', '医共体编码', '上级机构编码']);
    ws.addRow([`${f.county}-VC-21`, '好村卫生室', 'VILLAGE_CLINIC', f.county, f.community, f.townships[0]]);
    ws.addRow([`${f.county}-VC-22`, '坏村卫生室', 'VILLAGE_CLINIC', f.county, f.community, 'NO-SUCH-TC']);
    const content = Buffer.from(await wb.xlsx.writeBuffer());
    const rejected = await f.admin.upload('/api/v1/institutions/import', content, 'x.xlsx');
    expect(rejected.status).toBe(422);
    expect(rejected.body.details).toEqual([expect.objectContaining({ row: 3, field: 'parentCode', rule: 'exists' })]);
    const skipped = await f.admin.upload('/api/v1/institutions/import?onError=skip', content, 'x.xlsx');
    expect(skipped.status).toBe(201);
    expect(skipped.body).toMatchObject({ created: 1, rejected: 1, errors: [expect.objectContaining({ row: 3, field: 'parentCode' })] });
  });

  it('refuses a file that is not what it claims', async () => {
    const res = await f.admin.upload('/api/v1/institutions/import', Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5]), 'fake.xlsx');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'FILE_UNREADABLE', details: [expect.objectContaining({ field: 'file', rule: 'format' })] });
  });

  it('audits every registry change with before and after, in the same transaction', async () => {
    const code = `${f.county}-PRIV`;
    const created = await f.admin.post(
      '/api/v1/institutions',
      { code, name: '民营医院', type: 'PRIVATE_DESIGNATED', countyCode: f.county },
      { 'x-request-id': `audit-${code}` },
    );
    expect(created.status).toBe(201);
    expect(created.headers.get('x-request-id')).toBe(`audit-${code}`);
    await f.admin.patch(`/api/v1/institutions/${code}`, { version: 1, name: '民营医院（更名）' });
    const rows: { action: string; changes: string; request_id: string }[] = await api.dataSource.query(
      'SELECT action, changes, request_id FROM audit_log WHERE entity_type = ? AND entity_id = ? ORDER BY id',
      ['institution', code],
    );
    expect(rows.map((r) => r.action)).toEqual(['institution.create', 'institution.update']);
    expect(rows[0].request_id).toBe(`audit-${code}`);
    expect(JSON.parse(rows[1].changes)).toEqual({ name: ['民营医院', '民营医院（更名）'], version: [1, 2] });
  });
});
