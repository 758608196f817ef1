import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
import { http, RunningApi, startApi, tableCounts } from '../support/test-app';

describe('registry over HTTP', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  const get = (path: string) => f.admin.get(path);
  const post = (path: string, body: unknown, headers?: Record<string, string>) => f.admin.post(path, body, headers);
  const patch = (path: string, body: unknown) => f.admin.patch(path, body);

  beforeAll(async () => {
    api = await startApi({ BODY_LIMIT_BYTES: String(64 * 1024) });
    f = await createCommunityFixture(api, 3);
  });
  afterAll(() => api.close());

  it('serves OpenAPI at /docs listing the registry endpoints', async () => {
    const doc = await http(api.baseUrl, 'GET', '/docs/openapi.json');
    expect(doc.status).toBe(200);
    const paths = Object.keys(doc.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/institutions',
        '/api/v1/institutions/{code}',
        '/api/v1/institutions/import',
        '/api/v1/counties',
        '/api/v1/communities',
        '/health/ready',
      ]),
    );
    expect((await fetch(`${api.baseUrl}/docs`)).headers.get('content-type')).toContain('text/html');
  });

  it('creates, reads, lists, updates with a version and deactivates an institution', async () => {
    const code = `${f.county}-VC-E1`;
    const created = await post('/api/v1/institutions', {
      code,
      name: '东村卫生室',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: f.townships[0],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ code, primary: true, parentCode: f.townships[0], version: 1, active: true });

    expect((await get(`/api/v1/institutions/${code}`)).body).toEqual(created.body);

    const moved = await patch(`/api/v1/institutions/${code}`, { version: 1, parentCode: f.townships[1], name: '东村卫生室（迁）' });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ parentCode: f.townships[1], name: '东村卫生室（迁）', version: 2 });

    const stale = await patch(`/api/v1/institutions/${code}`, { version: 1, name: '旧版本的修改' });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      code: 'STALE_VERSION',
      details: [{ field: 'version', rule: 'current', message: 'current version is 2' }],
    });

    const blocked = await post(`/api/v1/institutions/${f.townships[1]}/deactivate`, { version: 1 });
    expect(blocked.status).toBe(409);
    expect(blocked.body.code).toBe('INSTITUTION_HAS_ACTIVE_CHILDREN');

    const gone = await post(`/api/v1/institutions/${code}/deactivate`, { version: 2 });
    expect(gone.body).toMatchObject({ active: false, version: 3 });
    expect((await post(`/api/v1/institutions/${code}/deactivate`, { version: 2 })).body).toMatchObject({ active: false, version: 3 });
    expect((await post(`/api/v1/institutions/${f.townships[1]}/deactivate`, { version: 1 })).body).toMatchObject({ active: false });
  });

  it('answers a retried creation with the existing record, and a different one with 409', async () => {
    const body = { code: `${f.county}-MY1`, name: '民营医院', type: 'PRIVATE_DESIGNATED', countyCode: f.county };
    expect((await post('/api/v1/institutions', body)).status).toBe(201);
    const before = await tableCounts(api.dataSource);
    const retry = await post('/api/v1/institutions', body);
    expect(retry.status).toBe(200);
    expect(retry.body.version).toBe(1);
    const clash = await post('/api/v1/institutions', { ...body, name: '另一家' });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('INSTITUTION_CODE_TAKEN');
    expect(await tableCounts(api.dataSource)).toEqual(before);
  });

  it('filters and paginates the list', async () => {
    const townships = await get(`/api/v1/institutions?countyCode=${f.county}&type=TOWNSHIP_CENTER&pageSize=2&page=1`);
    expect(townships.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(townships.body.items.map((i: { code: string }) => i.code)).toEqual([f.townships[0], f.townships[1]]);
    const page2 = await get(`/api/v1/institutions?countyCode=${f.county}&type=TOWNSHIP_CENTER&pageSize=2&page=2`);
    expect(page2.body.items.map((i: { code: string }) => i.code)).toEqual([f.townships[2]]);
    const nonPrimary = await get(`/api/v1/institutions?countyCode=${f.county}&primary=false`);
    expect(nonPrimary.body.items.every((i: { primary: boolean }) => !i.primary)).toBe(true);
    expect(nonPrimary.body.items.map((i: { code: string }) => i.code)).toContain(f.lead);
    const search = await get(`/api/v1/institutions?q=${encodeURIComponent('县人民医院')}&countyCode=${f.county}`);
    expect(search.body.items.map((i: { code: string }) => i.code)).toEqual([f.lead]);
    expect((await get(`/api/v1/communities?countyCode=${f.county}`)).body.items).toEqual([
      expect.objectContaining({ code: f.community, countyCode: f.county }),
    ]);
  });

  it('answers 404 for an unknown record', async () => {
    const res = await get('/api/v1/institutions/NO-SUCH-CODE');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'INSTITUTION_NOT_FOUND' });
  });

  describe('bad input gets a 4xx naming the field and rule, and writes nothing', () => {
    const valid = () => ({ code: `${f.county}-BAD`, name: '坏输入', type: 'PRIVATE_DESIGNATED', countyCode: f.county });
    const cases: [string, () => unknown, number, string, { field: string; rule: string }][] = [
      ['an unknown field', () => ({ ...valid(), status: 'ACTIVE' }), 400, 'VALIDATION_FAILED', { field: 'status', rule: 'unknownField' }],
      [
        'a smuggled id',
        () => ({ ...valid(), institutionId: 1 }),
        400,
        'VALIDATION_FAILED',
        { field: 'institutionId', rule: 'unknownField' },
      ],
      ['a wrong type', () => ({ ...valid(), name: 12 }), 400, 'VALIDATION_FAILED', { field: 'name', rule: 'isString' }],
      ['an unknown institution type', () => ({ ...valid(), type: 'HOSPITAL' }), 400, 'VALIDATION_FAILED', { field: 'type', rule: 'isIn' }],
      [
        'an overlong string',
        () => ({ ...valid(), name: '长'.repeat(101) }),
        400,
        'VALIDATION_FAILED',
        { field: 'name', rule: 'maxLength' },
      ],
      ['a malformed code', () => ({ ...valid(), code: 'ws 01' }), 400, 'VALIDATION_FAILED', { field: 'code', rule: 'matches' }],
      [
        'an unknown county',
        () => ({ ...valid(), countyCode: 'NOWHERE' }),
        422,
        'INSTITUTION_INVALID',
        { field: 'countyCode', rule: 'exists' },
      ],
      [
        'a community on a private hospital',
        () => ({ ...valid(), communityCode: f.community }),
        422,
        'INSTITUTION_INVALID',
        { field: 'communityCode', rule: 'notAllowedForType' },
      ],
      [
        'a second lead hospital',
        () => ({ ...valid(), type: 'LEAD_HOSPITAL', communityCode: f.community }),
        422,
        'INSTITUTION_INVALID',
        { field: 'type', rule: 'oneLeadPerCommunity' },
      ],
      ['malformed JSON', () => '{"code": ', 400, 'MALFORMED_JSON', { field: '', rule: 'MALFORMED_JSON' }],
      [
        'an oversize body',
        () => ({ ...valid(), name: 'x'.repeat(70 * 1024) }),
        413,
        'PAYLOAD_TOO_LARGE',
        { field: '', rule: 'PAYLOAD_TOO_LARGE' },
      ],
    ];

    it.each(cases)('%s', async (_name, body, status, code, detail) => {
      const before = await tableCounts(api.dataSource);
      const res = await post('/api/v1/institutions', body());
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ statusCode: status, code, message: expect.any(String), requestId: expect.any(String) });
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining(detail)]));
      expect(await tableCounts(api.dataSource)).toEqual(before);
    });

    it('a body that is not JSON', async () => {
      const res = await post('/api/v1/institutions', 'code=X', { 'content-type': 'text/plain' });
      expect(res.status).toBe(415);
      expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('an update without its version', async () => {
      const res = await patch(`/api/v1/institutions/${f.lead}`, { name: '无版本' });
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'version', rule: 'isInt' })]));
    });

    it('an out-of-range page size', async () => {
      const res = await get('/api/v1/institutions?pageSize=100000');
      expect(res.status).toBe(400);
      expect(res.body.details).toEqual([expect.objectContaining({ field: 'pageSize', rule: 'max' })]);
    });
  });
});
