import { storedSurplusPlan } from '../support/surplus-plan';
import { registeredRoutes, routeAccess } from '../../src/app.factory';
import { seedDemo } from '../../src/cli/seed-demo';
import { DEMO_PASSWORD, DEMO_REGION_USERS, DEMO_USERS } from '../../src/cli/demo-county';
import { Money } from '../../src/domain/money';
import { storeClaimSamples } from '../support/claim-samples';
import { approvedAllocation, createCommunityFixture, createRegionFixture, CommunityFixture } from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi, tableFingerprint } from '../support/test-app';

const fingerprint = (api: RunningApi) => tableFingerprint(api.dataSource);

describe('who may do what', () => {
  let api: RunningApi;
  let a: CommunityFixture;
  let b: CommunityFixture;
  /** For each route prefix, an existing record of county A for every parameter. */
  const samples: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    api = await startApi({ IMPORT_SYNC_MAX_ROWS: '1', INTAKE_SYNC_MAX_ROWS: '1' });
    a = await createCommunityFixture(api, 2);
    b = await createCommunityFixture(api, 1);
    const token = await a.admin.must('POST', '/api/v1/api-tokens', {
      name: 'HIS',
      institutionCode: a.townships[0],
      roles: ['MEMBER_CLERK'],
    });
    const csv = `code,name,type,countyCode,communityCode,parentCode\n${a.county}-VQ-1,村1,VILLAGE_CLINIC,${a.county},${a.community},${a.townships[0]}\n${a.county}-VQ-2,村2,VILLAGE_CLINIC,${a.county},${a.community},${a.townships[0]}`;
    const queued = await a.admin.upload('/api/v1/institutions/import', csv, 'q.csv');
    expect(queued.status).toBe(202);
    const allocation = await approvedAllocation(a, 2021);
    const lead = await a.as(['LEAD_FINANCE'], a.lead);
    const M = Money.of(allocation.figures.communityPackage);
    const primary = Money.roundHalfUp(M.times('0.3'));
    const plan = await lead.must('POST', '/api/v1/budget-plans', {
      communityCode: a.community,
      fundYear: 2021,
      lines: [
        { category: 'INPATIENT', institutionCode: a.lead, amount: M.minus(primary).toString() },
        { category: 'OUTPATIENT', institutionCode: a.townships[0], amount: primary.toString() },
      ],
    });
    const clerkA = await a.as(['MEMBER_CLERK'], a.townships[0]);
    const records = `externalId,unitCode,insuredId,visitType,visitDate,settlementDate,totalCost,coveredCost,fundPaid,criticalIllnessPaid,medicalAidPaid,selfPaid\nM-1,${a.townships[0]},532927199001011234,OUTPATIENT,2026-10-08,2026-10-08,10.00,10.00,5.00,0,0,5.00\nM-2,${a.townships[0]},532927199001011235,OUTPATIENT,2026-10-08,2026-10-08,10.00,10.00,5.00,0,0,5.00`;
    const upload = await clerkA.upload('/api/v1/settlement-records/upload', records, 'm.csv');
    expect(upload.status).toBe(202);
    // Claim-cycle records of county A, stored directly: this test is about who may reach them.
    const stored = await storeClaimSamples(api, a);
    const ids = stored.ids;
    const hold = await api.dataSource.query(
      "INSERT INTO disbursement_hold (community_id, state, reason, placed_by) VALUES (?, 'ACTIVE', 'x', 'x')",
      [ids.community],
    );
    const privatePayment = await api.dataSource.query(
      "INSERT INTO private_payment (claim_id, institution_id, county_id, fund_year, period, state, annual_budget, approved, approved_to_date, cumulative_cap, funded, deposit, cash, unfunded_to_date, approved_by) VALUES (?, ?, ?, 2026, '2026-09', 'APPROVED', 0, 0, 0, 0, 0, 0, 0, 0, 'x')",
      [stored.claim, ids.township, ids.county],
    );
    const analysis = await api.dataSource.query(
      "INSERT INTO fund_analysis (community_id, county_id, fund_year, quarter, state, content) VALUES (?, ?, 2026, 3, 'DRAFT', '{}')",
      [ids.community, ids.county],
    );
    const yearEnd = await api.dataSource.query(
      "INSERT INTO year_end_settlement (county_id, fund_year, state, options, summary, drafted_by, drafted_at) VALUES (?, 2025, 'DRAFT', '{}', ?, 'x', CURRENT_TIMESTAMP(3))",
      [
        ids.county,
        JSON.stringify({
          options: {},
          communities: [],
          privateInstitutions: { count: 0, balanceDue: '0.00' },
          pendingDeclarations: [],
          records: 0,
          transfers: [],
        }),
      ],
    );
    const reserveUse = await (
      await a.as(['BUREAU_CLERK'], a.bureau)
    ).must('POST', `/api/v1/counties/${a.county}/reserve-uses`, {
      fundYear: 2021,
      purpose: '重大疫情',
      amount: '1000.00',
      target: { kind: 'DIRECT_PAYMENT', risk: '重大疫情救治费用' },
      reason: '疫情',
    });
    const dispute = await clerkA.must('POST', '/api/v1/disputes', {
      subjectType: 'DEDUCTION',
      subjectRef: 'declaration 1',
      description: '拒付理由不成立',
    });
    const referral = await (
      await a.as(['LEAD_FINANCE'], a.lead)
    ).must('POST', `/api/v1/communities/${a.community}/referrals`, {
      insuredId: '532927198001010001',
      fromUnitCode: a.lead,
      receivingHospital: '昆明医科大学第一附属医院',
      validFrom: '2026-10-01',
      validTo: '2026-10-31',
      reason: '转诊',
    });
    const orphan = await api.dataSource.query(
      "INSERT INTO refund_orphan (submitter_id, external_id, refund_of, unit_code, settlement_date, fund_paid, total_cost, record, received_by) VALUES (?, 'R-1', 'O-1', ?, '2026-10-08', -1, -1, '{}', 'x')",
      [ids.township, a.townships[0]],
    );
    const surplusPlan = await storedSurplusPlan(api.dataSource, { county: ids.county, community: ids.community, unit: ids.township });
    // County A in a prefecture of a province: the levels' own routes are county A's neighbours' too.
    const region = await createRegionFixture(api, [[a]]);
    // A sharing of county A and a fund of its province, stored directly: this test is about who may reach them.
    const [[prefecture]] = [await api.dataSource.query('SELECT id FROM prefecture WHERE code = ?', [region.prefectures[0].code])];
    const [[province]] = [await api.dataSource.query('SELECT id FROM province WHERE code = ?', [region.province])];
    const sharing = await api.dataSource.query(
      "INSERT INTO city_gap_sharing (prefecture_id, county_id, fund_year, state, gap, surplus, pool_pays, surplus_to_pool, pooled_fund_balance, inputs, figures, computed_by) VALUES (?, ?, 2026, 'CONFIRMED', 0, 0, 0, 0, 0, '{}', '{}', 'x')",
      [prefecture.id, ids.county],
    );
    const fund = await api.dataSource.query(
      "INSERT INTO provincial_fund (province_id, fund_year, state, terms, regions, figures, drafted_by) VALUES (?, 2026, 'DRAFTED', '{}', '[]', '{}', 'x')",
      [province.id],
    );
    Object.assign(samples, {
      '/api/v1/provinces/:code': { code: region.province },
      '/api/v1/prefectures/:code': { code: region.prefectures[0].code, fundYear: '2026' },
      '/api/v1/gap-sharings/:id': { id: String(sharing.insertId) },
      '/api/v1/adjustment-funds/:id': { id: String(fund.insertId) },
      '/api/v1/surplus-plans/:id': { id: String(surplusPlan) },
      '/api/v1/refund-orphans/:id': { id: String(orphan.insertId) },
      '/api/v1/national-codes': { kind: 'med_type', code: '11' },
      '/api/v1/referrals/:id': { id: String(referral.id) },
      '/api/v1/disputes/:id': { id: String(dispute.id) },
      '/api/v1/reserve-uses/:id': { id: String(reserveUse.id) },
      '/api/v1/fund-analyses/:id': { id: String(analysis.insertId) },
      '/api/v1/member-claims/:id/rule-hits/:hitId': { id: String(stored.claim), hitId: '1' },
      '/api/v1/member-claims/:id': { id: String(stored.claim) },
      '/api/v1/declarations/:id': { id: String(stored.declaration) },
      '/api/v1/pass-downs/:id': { id: String(stored.passDown) },
      '/api/v1/holds/:id': { id: String(hold.insertId) },
      '/api/v1/private-payments/:id': { id: String(privatePayment.insertId) },
      '/api/v1/notifications/:id': { id: String(stored.notification) },
      '/api/v1/year-end-settlements/:id': { id: String(yearEnd.insertId) },
      '/api/v1/communities/:communityCode': { communityCode: a.community, period: '2026-09', fundYear: '2026' },
      '/api/v1/settlement-records/uploads/:id': { id: upload.body.id },
      '/api/v1/institutions/imports/:id': { id: queued.body.id },
      '/api/v1/institutions/:code': { code: a.townships[0], fundYear: '2025' },
      '/api/v1/counties/:countyCode': { countyCode: a.county, fundYear: '2021', period: '2021-03' },
      '/api/v1/counties/:code': { code: a.county },
      '/api/v1/communities/:code': { code: a.community },
      '/api/v1/users/:username': { username: a.admin.username },
      '/api/v1/api-tokens/:id': { id: token.id },
      '/api/v1/allocations/:id': { id: String(allocation.id) },
      '/api/v1/budget-plans/:id': { id: String(plan.id) },
      '/api/v1/calendar/years/:year': { year: '2031' },
    });
  });
  afterAll(() => api.close());

  function sampleUrl(url: string): string {
    const base = Object.keys(samples).find((prefix) => url === prefix || url.startsWith(`${prefix}/`));
    if (!base) throw new Error(`no sample record for route ${url}: add one to this test`);
    return url.replace(/:([A-Za-z]+)/g, (_, name: string) => {
      if (samples[base][name] === undefined) throw new Error(`no sample for :${name} of ${url}`);
      return encodeURIComponent(samples[base][name]);
    });
  }

  it('declares an access rule on every route the server serves', () => {
    const served = registeredRoutes(api.app).filter((r) => r.url.startsWith('/api/') || r.url.startsWith('/health/'));
    const declared = routeAccess(api.app);
    expect(served.length).toBeGreaterThan(20);
    for (const route of served) {
      const entry = declared.find((d) => d.method === route.method && d.path === route.url);
      expect({ route, declared: entry !== undefined && (entry.public || entry.rule !== null) }).toEqual({ route, declared: true });
    }
  });

  it('answers 403 or 404 to another institution on every route that takes an id, changing nothing', async () => {
    const foreign = [
      b.admin,
      await b.as(['BUREAU_CLERK', 'BUREAU_APPROVER', 'AUDITOR'], b.bureau),
      await b.as(['LEAD_FINANCE'], b.lead),
      await b.as(['MEMBER_CLERK'], b.townships[0]),
    ];
    // Public routes and routes over data no institution owns (each declares why) are outside the matrix.
    const publicPaths = new Set(
      routeAccess(api.app)
        .filter((r) => r.public || r.rule?.shared)
        .map((r) => `${r.method} ${r.path}`),
    );
    const withId = registeredRoutes(api.app).filter(
      (r) => r.url.startsWith('/api/') && r.url.includes('/:') && !publicPaths.has(`${r.method} ${r.url}`),
    );
    expect(withId.length).toBeGreaterThanOrEqual(12);
    const before = await fingerprint(api);
    const answers: string[] = [];
    for (const route of withId) {
      for (const client of foreign) {
        const res = await client.call(
          route.method,
          sampleUrl(route.url),
          route.method === 'GET' ? undefined : { version: 1, name: 'x', password: 'x'.repeat(12) },
        );
        answers.push(`${route.method} ${route.url} as ${client.username}: ${[403, 404].includes(res.status) ? 'refused' : res.status}`);
      }
    }
    expect(answers.filter((line) => !line.endsWith('refused'))).toEqual([]);
    expect(await fingerprint(api)).toBe(before);
  });

  it('refuses every change through a route that takes an id to a sibling township, a village, a private hospital and an auditor', async () => {
    await a.admin.must('POST', '/api/v1/institutions', {
      code: `${a.county}-VC-N1`,
      name: '村',
      type: 'VILLAGE_CLINIC',
      countyCode: a.county,
      communityCode: a.community,
      parentCode: a.townships[1],
    });
    await a.admin.must('POST', '/api/v1/institutions', {
      code: `${a.county}-MY-N`,
      name: '民营',
      type: 'PRIVATE_DESIGNATED',
      countyCode: a.county,
    });
    const neighbours = [
      await a.as(['MEMBER_CLERK'], a.townships[1]),
      await a.as(['VILLAGE_CLERK'], `${a.county}-VC-N1`),
      await a.as(['PRIVATE_CLERK'], `${a.county}-MY-N`),
      await a.as(['AUDITOR'], a.bureau),
    ];
    const publicPaths = new Set(
      routeAccess(api.app)
        .filter((r) => r.public || r.rule?.shared)
        .map((r) => `${r.method} ${r.path}`),
    );
    const writes = registeredRoutes(api.app).filter(
      (r) => r.url.startsWith('/api/') && r.url.includes('/:') && r.method !== 'GET' && !publicPaths.has(`${r.method} ${r.url}`),
    );
    expect(writes.length).toBeGreaterThanOrEqual(30);
    const before = await fingerprint(api);
    const answers: string[] = [];
    for (const route of writes)
      for (const client of neighbours) {
        const res = await client.call(route.method, sampleUrl(route.url), { version: 1, name: 'x', password: 'x'.repeat(12) });
        answers.push(`${route.method} ${route.url} as ${client.username}: ${[403, 404].includes(res.status) ? 'refused' : res.status}`);
      }
    expect(answers.filter((line) => !line.endsWith('refused'))).toEqual([]);
    expect(await fingerprint(api)).toBe(before);
  });

  it('refuses a township clerk every bureau and lead-unit action with 403', async () => {
    const clerk = await a.as(['MEMBER_CLERK'], a.townships[0]);
    const bureauOnly = routeAccess(api.app).filter(
      (r) => !r.public && r.rule && r.rule.roles !== 'any' && !r.rule.roles.includes('MEMBER_CLERK'),
    );
    expect(bureauOnly.length).toBeGreaterThan(10);
    const before = await fingerprint(api);
    const answers: string[] = [];
    for (const route of bureauOnly) {
      const url = route.path.includes('/:') ? sampleUrl(route.path) : route.path;
      const res = await clerk.call(route.method, url, route.method === 'GET' ? undefined : {});
      answers.push(`${route.method} ${route.path}: ${res.status}${res.status === 403 ? '' : ' ' + JSON.stringify(res.body)}`);
    }
    expect(answers.filter((line) => !line.endsWith(': 403'))).toEqual([]);
    expect(await fingerprint(api)).toBe(before);
  });

  it('limits reads to the caller’s scope: a township sees itself and its villages only', async () => {
    await a.admin.must('POST', '/api/v1/institutions', {
      code: `${a.county}-VC-S1`,
      name: '村',
      type: 'VILLAGE_CLINIC',
      countyCode: a.county,
      communityCode: a.community,
      parentCode: a.townships[0],
    });
    const clerk = await a.as(['MEMBER_CLERK'], a.townships[0]);
    const seen = await clerk.get('/api/v1/institutions?pageSize=500');
    expect(seen.body.items.map((i: { code: string }) => i.code).sort()).toEqual([a.townships[0], `${a.county}-VC-S1`].sort());
    expect((await clerk.get(`/api/v1/institutions/${a.townships[1]}`)).status).toBe(404);
    expect((await clerk.get(`/api/v1/institutions/${a.lead}`)).status).toBe(404);
    const lead = await a.as(['LEAD_FINANCE'], a.lead);
    expect((await lead.get(`/api/v1/institutions?pageSize=500`)).body.items.map((i: { code: string }) => i.code)).not.toContain(a.bureau);
    expect((await b.admin.get('/api/v1/counties')).body.items.map((c: { code: string }) => c.code)).toEqual([b.county]);
  });

  it('records denied requests in the audit trail', async () => {
    const clerk = await a.as(['MEMBER_CLERK'], a.townships[0]);
    await clerk.post(`/api/v1/institutions/${a.lead}/deactivate`, { version: 1 });
    const auditor = await a.as(['AUDITOR'], a.bureau);
    const entries = await auditor.get(`/api/v1/audit?actor=${clerk.username}`);
    expect(entries.body.items[0]).toMatchObject({ actor: clerk.username, outcome: 'DENIED', actorInstitution: a.townships[0] });
    const action: string = entries.body.items[0].action;
    const denied = await auditor.get(`/api/v1/audit?actor=${clerk.username}&action=${encodeURIComponent(action)}&outcome=DENIED`);
    expect(denied.body.items.length).toBeGreaterThan(0);
    expect(denied.body.items.every((e: { action: string; outcome: string }) => e.action === action && e.outcome === 'DENIED')).toBe(true);
    expect((await auditor.get(`/api/v1/audit?actor=${clerk.username}&outcome=REJECTED`)).body.total).toBe(0);
  });

  it('signs in, refreshes with rotation, and logs out for good', async () => {
    const user = await a.as(['BUREAU_CLERK'], a.bureau);
    const login = await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username: user.username, password: 'test-password-0001' });
    expect(login.status).toBe(200);
    const session = new ApiClient(api.baseUrl, login.body.accessToken);
    expect((await session.get('/api/v1/auth/me')).body).toMatchObject({
      name: user.username,
      roles: ['BUREAU_CLERK'],
      institutionCode: a.bureau,
    });

    const refreshed = await http(api.baseUrl, 'POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    expect((await http(api.baseUrl, 'POST', '/api/v1/auth/refresh', { refreshToken: login.body.refreshToken })).status).toBe(401);

    expect((await session.post('/api/v1/auth/logout')).status).toBe(204);
    expect((await session.get('/api/v1/auth/me')).status).toBe(401);
    expect((await new ApiClient(api.baseUrl, refreshed.body.accessToken).get('/api/v1/auth/me')).status).toBe(401);
    expect((await http(api.baseUrl, 'POST', '/api/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken })).status).toBe(401);
  });

  it('lets a user change their own password with the current one; other sessions end, this one stays', async () => {
    const user = await a.as(['AUDITOR'], a.bureau);
    const signIn = (password: string) => http(api.baseUrl, 'POST', '/api/v1/auth/login', { username: user.username, password });
    const first = await signIn('test-password-0001');
    const second = await signIn('test-password-0001');
    const here = new ApiClient(api.baseUrl, first.body.accessToken);
    const wrong = await here.post('/api/v1/auth/password', { currentPassword: 'not-the-password', password: 'a-new-password-2026' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('WRONG_CURRENT_PASSWORD');
    const short = await here.post('/api/v1/auth/password', { currentPassword: 'test-password-0001', password: 'short' });
    expect(short.status).toBe(400);
    const changed = await here.post('/api/v1/auth/password', { currentPassword: 'test-password-0001', password: 'a-new-password-2026' });
    expect(changed.status).toBe(204);
    expect((await here.get('/api/v1/auth/me')).status).toBe(200);
    expect((await new ApiClient(api.baseUrl, second.body.accessToken).get('/api/v1/auth/me')).status).toBe(401);
    expect((await signIn('test-password-0001')).status).toBe(401);
    expect((await signIn('a-new-password-2026')).status).toBe(200);
  });

  it('refuses wrong passwords and unknown users alike, and audits the attempt', async () => {
    const wrong = await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username: a.admin.username, password: 'not-the-password' });
    const unknown = await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username: 'nobody.here', password: 'not-the-password' });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.body.message).toBe(unknown.body.message);
    const [row] = await api.dataSource.query(
      "SELECT outcome FROM audit_log WHERE action = 'auth.login' AND entity_id = ? ORDER BY id DESC LIMIT 1",
      [a.admin.username],
    );
    expect(row.outcome).toBe('DENIED');
    expect((await http(api.baseUrl, 'GET', '/api/v1/institutions')).status).toBe(401);
    expect((await new ApiClient(api.baseUrl, 'not.a.jwt').get('/api/v1/institutions')).status).toBe(401);
  });

  it('lets a system use an API token within its institution until it is revoked', async () => {
    const created = await a.admin.post('/api/v1/api-tokens', {
      name: 'HIS 上传',
      institutionCode: a.townships[1],
      roles: ['MEMBER_CLERK'],
    });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^cbm_[A-Za-z0-9]{12}_/);
    const [stored] = await api.dataSource.query('SELECT secret_hash FROM api_token WHERE id = ?', [created.body.id]);
    expect(created.body.token).not.toContain(stored.secret_hash);
    const his = new ApiClient(api.baseUrl, created.body.token);
    expect((await his.get('/api/v1/auth/me')).body).toMatchObject({
      kind: 'token',
      name: `token:${created.body.id}`,
      institutionCode: a.townships[1],
    });
    expect((await his.get(`/api/v1/institutions/${a.townships[0]}`)).status).toBe(404);
    expect((await a.admin.post(`/api/v1/api-tokens/${created.body.id}/revoke`)).body.revokedAt).not.toBeNull();
    expect((await his.get('/api/v1/auth/me')).status).toBe(401);
  });

  it('gives roles only to institutions that can hold them', async () => {
    const res = await a.admin.post('/api/v1/users', {
      username: 'tc.approver',
      displayName: 'x',
      institutionCode: a.townships[0],
      roles: ['BUREAU_APPROVER'],
      password: 'long-enough-pw',
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'ROLE_NOT_FOR_INSTITUTION', details: [{ field: 'roles', rule: 'roleFitsInstitution' }] });
    const smuggled = await a.admin.post('/api/v1/users', {
      username: 'tc.clerk2',
      displayName: 'x',
      institutionCode: a.townships[0],
      roles: ['MEMBER_CLERK'],
      password: 'long-enough-pw',
      institutionId: 1,
    });
    expect(smuggled.status).toBe(400);
    expect(smuggled.body.details).toEqual([expect.objectContaining({ field: 'institutionId', rule: 'unknownField' })]);
    const foreign = await a.admin.post('/api/v1/users', {
      username: 'b.clerk',
      displayName: 'x',
      institutionCode: b.townships[0],
      roles: ['MEMBER_CLERK'],
      password: 'long-enough-pw',
    });
    expect(foreign.status).toBe(403);
  });

  it('sets security headers and keeps CORS closed by default', async () => {
    const res = await fetch(`${api.baseUrl}/health/live`, { headers: { origin: 'https://evil.example' } });
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets every demo user sign in', async () => {
    await seedDemo(api.app);
    for (const user of [...DEMO_USERS, ...DEMO_REGION_USERS]) {
      const res = await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username: user.username, password: DEMO_PASSWORD });
      expect({ user: user.username, status: res.status }).toEqual({ user: user.username, status: 200 });
    }
  });
});

describe('rate limits', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '8', LOGIN_RATE_LIMIT_PER_MINUTE: '3' });
    f = await createCommunityFixture(api, 1);
  });
  afterAll(() => api.close());

  it('answers 429 past the per-user limit', async () => {
    const user = await f.as(['AUDITOR'], f.bureau);
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await user.get('/api/v1/auth/me')).status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    const limited = await user.get('/api/v1/auth/me');
    expect(limited.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
  });

  it('limits sign-in attempts per address and username', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await http(api.baseUrl, 'POST', '/api/v1/auth/login', { username: 'guess.me', password: `guess-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
  });
});
