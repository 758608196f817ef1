import { storedSurplusPlan } from '../support/surplus-plan';
import { routeAccess } from '../../src/app.factory';
import { Role } from '../../src/domain/access-policy';
import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { storeClaimSamples } from '../support/claim-samples';
import { outpatientRecord } from '../support/settlement-records';
import {
  approvedAllocation,
  CommunityFixture,
  createCommunityFixture,
  createRegionFixture,
  RegionFixture,
} from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi } from '../support/test-app';

interface OpenApiOperation {
  parameters?: { name: string; in: string; required?: boolean }[];
  responses?: Record<string, { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> }>;
}
interface OpenApi {
  paths: Record<string, Record<string, OpenApiOperation>>;
}

/** GET operations this walk does not call, and why. */
const NOT_CALLED: Record<string, string> = {
  '/api/v1/allocations/{id}/export.xlsx': 'a spreadsheet, not JSON',
  '/api/v1/budget-plans/{id}/export.xlsx': 'a spreadsheet, not JSON',
  '/api/v1/fund-analyses/{id}/export.xlsx': 'a spreadsheet, not JSON',
  '/api/v1/year-end-settlements/{id}/export.xlsx': 'a spreadsheet, not JSON',
  '/api/v1/member-claims/{id}/statement.xlsx': 'a spreadsheet, not JSON',
  '/api/v1/declarations/{id}/statements.xlsx': 'a spreadsheet, not JSON',
  '/api/v1/gap-sharings/{id}/statement.xlsx': 'a spreadsheet, not JSON',
  '/api/v1/adjustment-funds/{id}/statement.xlsx': 'a spreadsheet, not JSON',
};

/** Query parameters an operation requires, by path. */
const REQUIRED_QUERY: Record<string, string> = {
  '/api/v1/calendar/deadline': 'from=2026-09-30&workingDays=5',
  '/api/v1/communities/{communityCode}/referral-report': 'fundYear=2026',
  '/api/v1/counties/{countyCode}/rule-hits': 'period=2026-09',
};

/** The role that reads an operation, preferring the bureau's, then the lead unit's. */
const ROLE_PREFERENCE: Role[] = ['BUREAU_CLERK', 'AUDITOR', 'ADMIN', 'BUREAU_APPROVER', 'LEAD_FINANCE', 'MEMBER_CLERK'];

const withQuery = (path: string, query: string) => (query ? `${path}${path.includes('?') ? '&' : '?'}${query}` : path);

/**
 * Every GET operation of the OpenAPI document is called with a caller that may read it: none answers a bare JSON
 * array; every list answers `{items, page, pageSize, total}`, honours pageSize=1 with the same total, refuses an
 * unknown query parameter naming it, and is described so in the OpenAPI document. A new route is walked as soon as
 * it is served.
 */
describe('one list envelope for every list route', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let region: RegionFixture;
  let doc: OpenApi;
  const values: Record<string, string> = {};
  /** Path parameters by the route prefix they belong to (the longest prefix wins). */
  const byPrefix: Record<string, Record<string, string>> = {};

  beforeAll(async () => {
    // Imports and uploads of more than one row are queued, so that they have an id to read.
    api = await startApi({ IMPORT_SYNC_MAX_ROWS: '1', INTAKE_SYNC_MAX_ROWS: '1' });
    f = await createCommunityFixture(api, 2);
    const stored = await storeClaimSamples(api, f);
    const { ids } = stored;
    const [{ bureauId }] = await api.dataSource.query('SELECT id AS bureauId FROM institution WHERE code = ?', [`${f.county}-YBJ`]);
    // Second rows that differ in what each filter selects on (and let pageSize=1 cut a page short of its list).
    const second = await api.dataSource.query(
      "INSERT INTO member_claim (institution_id, community_id, county_id, period, state, cutoff, submitted_on, submitted_by) VALUES (?, ?, ?, '2026-08', 'SUBMITTED', '2026-09-03', '2026-09-02', 'x')",
      [ids.township, ids.community, ids.county],
    );
    const declaration = await api.dataSource.query(
      "INSERT INTO claim_declaration (community_id, county_id, fund_year, period, state, deadline, deadline_confirmed, declared_on, declared_by, late, record_count, payment_due, payment_due_confirmed) VALUES (?, ?, 2026, '2026-08', 'REVIEWED', '2026-09-07', 1, '2026-09-04', 'x', 0, 0, '2026-10-09', 1)",
      [ids.community, ids.county],
    );
    await api.dataSource.query(
      "INSERT INTO pass_down (declaration_id, level, payer_id, payee_id, received_on, deadline, deadline_confirmed, state, paid_on, paid_by) VALUES (?, 'MEMBER', ?, ?, '2026-09-20', '2026-09-27', 1, 'PAID', '2026-09-21', 'x')",
      [declaration.insertId, ids.lead, ids.township],
    );
    await api.dataSource.query(
      "INSERT INTO private_payment (claim_id, institution_id, county_id, fund_year, period, state, annual_budget, approved, approved_to_date, cumulative_cap, funded, deposit, cash, unfunded_to_date, approved_by, paid_on, paid_by) VALUES (?, ?, ?, 2025, '2025-12', 'PAID', 0, 0, 0, 0, 0, 0, 0, 0, 'x', '2026-01-05', 'x')",
      [second.insertId, ids.township, ids.county],
    );
    await api.dataSource.query(
      `INSERT INTO notification (institution_id, kind, severity, dedup_key, subject_type, subject_id, message, read_at, read_by)
       VALUES (?, 'FUND_WARNING', 'WARNING', ?, 'community', '1', 'a', NULL, NULL), (?, 'PASS_DOWN_OVERDUE', 'WARNING', ?, 'passDown', '1', 'b', CURRENT_TIMESTAMP(3), 'x')`,
      [bureauId, `envelope.${f.county}.1`, bureauId, `envelope.${f.county}.2`],
    );
    await api.dataSource.query(
      `INSERT INTO job_run (job_id, job_name, queue, attempt, worker, finished_at, outcome)
       VALUES (?, 'cycle.run', 'cycles', 1, 'w', CURRENT_TIMESTAMP(3), 'FAILED'), (?, 'cycle.run', 'cycles', 2, 'w', CURRENT_TIMESTAMP(3), 'DONE'), (?, 'notify.webhook', 'cycles', 1, 'w', NULL, 'RUNNING')`,
      [`envelope.${f.county}`, `envelope.${f.county}`, `envelope.${f.county}.hook`],
    );
    await api.dataSource.query(
      "INSERT INTO cycle_result (cycle, period, scope, result, job_id) VALUES ('monitoring', '2026-09', ?, '{}', 'j1'), ('deadline-watch', '2026-10-01', ?, '{}', 'j2')",
      [f.community, f.county],
    );
    // Two records sent one at a time (each at once, under the one-row limit): they wait for pre-review.
    api.app.get(BusinessClock).fix('2026-10-31');
    const township = await f.as(['MEMBER_CLERK'], f.townships[0]);
    for (const externalId of ['R-1', 'R-2'])
      await township.must('POST', '/api/v1/settlement-records', { records: [outpatientRecord(externalId, f.townships[0])] });
    const [october] = await township.items('/api/v1/member-claims?period=2026-10');
    const allocation = await approvedAllocation(f, 2021);
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    const M = Money.of(allocation.figures.communityPackage);
    const primary = Money.roundHalfUp(M.times('0.3'));
    const plan = await lead.must('POST', '/api/v1/budget-plans', {
      communityCode: f.community,
      fundYear: 2021,
      lines: [
        { category: 'INPATIENT', institutionCode: f.lead, amount: M.minus(primary).toString() },
        { category: 'OUTPATIENT', institutionCode: f.townships[0], amount: primary.toString() },
      ],
    });
    const analysis = await api.dataSource.query(
      "INSERT INTO fund_analysis (community_id, county_id, fund_year, quarter, state, content, submitted_at) VALUES (?, ?, 2026, 3, 'DRAFT', '{}', NULL), (?, ?, 2025, 4, 'SUBMITTED', '{}', CURRENT_TIMESTAMP(3))",
      [ids.community, ids.county, ids.community, ids.county],
    );
    values.octoberClaim = String(october.id);
    const hold = await api.dataSource.query(
      "INSERT INTO disbursement_hold (community_id, state, reason, placed_by) VALUES (?, 'LIFTED', 'x', 'x'), (?, 'ACTIVE', 'y', 'x')",
      [ids.community, ids.community],
    );
    const payment = await api.dataSource.query(
      "INSERT INTO private_payment (claim_id, institution_id, county_id, fund_year, period, state, annual_budget, approved, approved_to_date, cumulative_cap, funded, deposit, cash, unfunded_to_date, approved_by) VALUES (?, ?, ?, 2026, '2026-09', 'APPROVED', 0, 0, 0, 0, 0, 0, 0, 0, 'x')",
      [stored.claim, ids.township, ids.county],
    );
    const summary = {
      options: {},
      communities: [
        {
          communityCode: f.community,
          surplus: '0.00',
          communityPackage: '1000.00',
          floor: { floorRate: '0.25', required: '0.00', shortfall: '0.00', met: true },
        },
      ],
      privateInstitutions: { count: 0, balanceDue: '0.00' },
      pendingDeclarations: [],
      records: 0,
      transfers: [],
    };
    const yearEnd = await api.dataSource.query(
      "INSERT INTO year_end_settlement (county_id, fund_year, state, options, summary, drafted_by, drafted_at) VALUES (?, 2025, 'DRAFT', '{}', ?, 'x', CURRENT_TIMESTAMP(3))",
      [ids.county, JSON.stringify(summary)],
    );
    await api.dataSource.query(
      `INSERT INTO year_end_statement (settlement_id, institution_id, community_id, kind, approved_consumption, overspend_share, surplus_share, floor_top_up, deposit_withheld, deposit_release, paid_so_far, balance_due)
       VALUES (?, ?, ?, 'MEMBER', 0, 0, 0, 0, 0, 0, 0, 0), (?, ?, ?, 'MEMBER', 0, 0, 0, 0, 0, 0, 0, 0)`,
      [yearEnd.insertId, ids.township, ids.community, yearEnd.insertId, ids.lead, ids.community],
    );
    const token = await f.admin.must('POST', '/api/v1/api-tokens', {
      name: 'HIS',
      institutionCode: f.townships[0],
      roles: ['MEMBER_CLERK'],
    });
    const upload = await (
      await f.as(['MEMBER_CLERK'], f.townships[0])
    ).upload(
      '/api/v1/settlement-records/upload',
      `externalId,unitCode,insuredId,visitType,visitDate,settlementDate,totalCost,coveredCost,fundPaid,criticalIllnessPaid,medicalAidPaid,selfPaid\nE-1,${f.townships[0]},532927199001011234,OUTPATIENT,2026-10-08,2026-10-08,10.00,10.00,5.00,0,0,5.00\nE-2,${f.townships[0]},532927199001011235,OUTPATIENT,2026-10-08,2026-10-08,10.00,10.00,5.00,0,0,5.00`,
      'e.csv',
    );
    const imported = await f.admin.upload(
      '/api/v1/institutions/import',
      `code,name,type,countyCode,communityCode,parentCode\n${f.county}-VE-1,村1,VILLAGE_CLINIC,${f.county},${f.community},${f.townships[0]}\n${f.county}-VE-2,村2,VILLAGE_CLINIC,${f.county},${f.community},${f.townships[0]}`,
      'v.csv',
    );

    const reserveUse = await (
      await f.as(['BUREAU_CLERK'], `${f.county}-YBJ`)
    ).must('POST', `/api/v1/counties/${f.county}/reserve-uses`, {
      fundYear: 2021,
      purpose: '重大疫情',
      amount: '1000.00',
      target: { kind: 'DIRECT_PAYMENT', risk: '重大疫情救治费用' },
      reason: '疫情',
    });
    const dispute = await (
      await f.as(['MEMBER_CLERK'], f.townships[0])
    ).must('POST', '/api/v1/disputes', { subjectType: 'DEDUCTION', subjectRef: 'declaration 1', description: '拒付理由不成立' });

    const referral = await (
      await f.as(['LEAD_FINANCE'], f.lead)
    ).must('POST', `/api/v1/communities/${f.community}/referrals`, {
      insuredId: '532927198001010001',
      fromUnitCode: f.lead,
      receivingHospital: '昆明医科大学第一附属医院',
      validFrom: '2026-10-01',
      validTo: '2026-10-31',
      reason: '转诊',
    });

    const surplusPlan = await storedSurplusPlan(api.dataSource, { county: ids.county, community: ids.community, unit: ids.township });
    // The lead unit's declared September claim (its statement) and a sample of it and of the declaration.
    const declaredClaim = await api.dataSource.query(
      "INSERT INTO member_claim (institution_id, community_id, county_id, period, state, cutoff, declaration_id, declared_on) VALUES (?, ?, ?, '2026-09', 'DECLARED', '2026-10-03', ?, '2026-10-08')",
      [ids.lead, ids.community, ids.county, stored.declaration],
    );
    await api.dataSource.query(
      "INSERT INTO record_sample (claim_id, declaration_id, seed, size_count, population, record_ids, strata, drawn_on, drawn_by) VALUES (?, NULL, 1, 1, 0, '[]', '[]', '2026-10-08', 'x'), (NULL, ?, 1, 1, 0, '[]', '[]', '2026-10-08', 'x')",
      [declaredClaim.insertId, stored.declaration],
    );
    // Above the county: the county in a prefecture of a province, two years of its fund, a sharing, a provincial fund.
    region = await createRegionFixture(api, [[f]]);
    const prefecture = region.prefectures[0];
    const countyClerk = await f.as(['BUREAU_CLERK'], `${f.county}-YBJ`);
    for (const year of [2025, 2026])
      await countyClerk.must('PUT', `/api/v1/counties/${f.county}/fund-results/${year}`, {
        raisedTotal: '100.00',
        income: '90.00',
        expenditure: '100.00',
        openingBalance: '50.00',
      });
    const sharing = await (
      await region.as(['BUREAU_CLERK'], prefecture.bureau)
    ).must('POST', `/api/v1/prefectures/${prefecture.code}/gap-sharings`, { countyCode: f.county, fundYear: 2026 });
    const fund = await (
      await region.as(['BUREAU_CLERK'], region.provinceBureau)
    ).must('POST', `/api/v1/provinces/${region.province}/adjustment-funds`, {
      fundYear: 2026,
      regions: [{ regionCode: prefecture.code, income: '100.00', insured: '10', collectionRate: '0.9', assessmentScore: '80' }],
    });
    Object.assign(values, {
      countyCode: f.county,
      communityCode: f.community,
      period: '2026-09',
      username: f.admin.username,
      declarationId: String(declaration.insertId),
      allocationId: String(allocation.id),
    });
    Object.assign(byPrefix, {
      '/api/v1/member-claims/{id}': { id: String(stored.claim) },
      '/api/v1/member-claims/{id}/statement': { id: String(declaredClaim.insertId) },
      '/api/v1/member-claims/{id}/sample': { id: String(declaredClaim.insertId) },
      '/api/v1/reserve-uses/{id}': { id: String(reserveUse.id) },
      '/api/v1/disputes/{id}': { id: String(dispute.id) },
      '/api/v1/referrals/{id}': { id: String(referral.id) },
      '/api/v1/surplus-plans/{id}': { id: String(surplusPlan) },
      '/api/v1/declarations/{id}': { id: String(stored.declaration) },
      '/api/v1/pass-downs/{id}': { id: String(stored.passDown) },
      '/api/v1/private-payments/{id}': { id: String(payment.insertId) },
      '/api/v1/fund-analyses/{id}': { id: String(analysis.insertId) },
      '/api/v1/holds/{id}': { id: String(hold.insertId) },
      '/api/v1/year-end-settlements/{id}': { id: String(yearEnd.insertId) },
      '/api/v1/allocations/{id}': { id: String(allocation.id) },
      '/api/v1/budget-plans/{id}': { id: String(plan.id) },
      '/api/v1/api-tokens/{id}': { id: token.id },
      '/api/v1/settlement-records/uploads/{id}': { id: String(upload.body?.id) },
      '/api/v1/institutions/imports/{id}': { id: String(imported.body?.id) },
      '/api/v1/institutions/{code}': { code: f.townships[0], fundYear: '2025' },
      '/api/v1/counties/{code}': { code: f.county },
      '/api/v1/communities/{code}': { code: f.community },
      '/api/v1/counties/{countyCode}': { fundYear: '2021', period: '2021-03' },
      '/api/v1/counties/{countyCode}/year-end-settlements': { fundYear: '2025' },
      '/api/v1/communities/{communityCode}': { fundYear: '2025' },
      '/api/v1/communities/{communityCode}/assessments': { fundYear: '2026' },
      '/api/v1/public/allocations/{countyCode}/{fundYear}': { fundYear: '2021' },
      '/api/v1/calendar/years/{year}': { year: '2026' },
      '/api/v1/counties/{countyCode}/fund-results': { fundYear: '2026' },
      '/api/v1/provinces/{code}': { code: region.province },
      '/api/v1/prefectures/{code}': { code: prefecture.code, fundYear: '2026' },
      '/api/v1/gap-sharings/{id}': { id: String(sharing.id) },
      '/api/v1/adjustment-funds/{id}': { id: String(fund.id) },
    });
    await (
      await f.as(['BUREAU_CLERK'], `${f.county}-YBJ`)
    ).must('POST', `/api/v1/allocations/${allocation.id}/publish`, {
      version: allocation.version,
    });
    doc = (await http<OpenApi>(api.baseUrl, 'GET', '/docs/openapi.json')).body;
  }, 60_000);
  afterAll(() => api.close());

  function urlOf(path: string): string {
    const prefixes = Object.keys(byPrefix)
      .filter((p) => path === p || path.startsWith(`${p}/`))
      .sort((a, b) => b.length - a.length);
    const filled = path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = prefixes.map((p) => byPrefix[p][name]).find((v) => v !== undefined) ?? values[name];
      if (value === undefined) throw new Error(`no sample for {${name}} of ${path}: add one to this test`);
      return encodeURIComponent(value);
    });
    return withQuery(filled, REQUIRED_QUERY[path] ?? '');
  }

  async function callerFor(path: string): Promise<ApiClient | null> {
    const rule = routeAccess(api.app).find((a) => a.method === 'GET' && a.path === path.replace(/\{(\w+)\}/g, ':$1'));
    if (!rule || rule.public || rule.rule === null) return null;
    const roles = rule.rule.roles === 'any' ? ROLE_PREFERENCE : (rule.rule.roles as readonly Role[]);
    const role = ROLE_PREFERENCE.find((r) => roles.includes(r)) ?? roles[0];
    // The levels' own records are read by their users.
    if (/^\/api\/v1\/(provinces|adjustment-funds)\/\{/.test(path)) return region.as([role], region.provinceBureau);
    if (/^\/api\/v1\/(prefectures|gap-sharings)\/\{/.test(path)) return region.as([role], region.prefectures[0].bureau);
    const institution = role === 'LEAD_FINANCE' ? f.lead : role === 'MEMBER_CLERK' ? f.townships[0] : `${f.county}-YBJ`;
    return f.as([role], institution);
  }

  it('answers no bare array; every list is enveloped, paged, strict about its query and documented', async () => {
    const operations = Object.entries(doc.paths).filter(([, methods]) => methods.get !== undefined);
    expect(operations.length).toBeGreaterThan(50);
    const failures: string[] = [];
    const lists: string[] = [];
    for (const [path, methods] of operations) {
      if (NOT_CALLED[path]) continue;
      const caller = await callerFor(path);
      const get = (url: string) => (caller ? caller.get(url) : http(api.baseUrl, 'GET', url));
      const url = urlOf(path);
      const res = await get(url);
      if (res.status < 200 || res.status >= 300) {
        failures.push(`${path}: GET ${url} answered ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      if (Array.isArray(res.body)) {
        failures.push(`${path}: answers a bare JSON array`);
        continue;
      }
      if (res.body === null || typeof res.body !== 'object' || !('items' in res.body)) continue;
      lists.push(path);
      const { items, page, pageSize, total } = res.body;
      if (!Array.isArray(items) || page !== 1 || pageSize !== 50 || typeof total !== 'number' || total < items.length)
        failures.push(`${path}: not the envelope: ${JSON.stringify({ items: Array.isArray(items), page, pageSize, total })}`);
      const one = await get(withQuery(url, 'pageSize=1'));
      if (one.status !== 200 || one.body.items.length > Math.min(1, total) || one.body.total !== total || one.body.pageSize !== 1)
        failures.push(`${path}: pageSize=1 gave ${one.status} ${one.body.items?.length} items of ${one.body.total} (of ${total})`);
      if (total > 1) {
        const two = await get(withQuery(url, 'pageSize=1&page=2'));
        if (two.body.items?.length !== 1 || JSON.stringify(two.body.items[0]) === JSON.stringify(one.body.items[0]))
          failures.push(`${path}: page 2 of pageSize=1 is not the next item`);
      }
      for (const bad of ['pageSize=0', 'pageSize=501', 'page=0']) {
        const refused = await get(withQuery(url, bad));
        if (refused.status !== 400) failures.push(`${path}: ${bad} answered ${refused.status}`);
      }
      const unknown = await get(withQuery(url, 'noSuchFilter=1'));
      if (unknown.status !== 400 || !JSON.stringify(unknown.body.details ?? []).includes('noSuchFilter'))
        failures.push(`${path}: an unknown query parameter answered ${unknown.status} ${JSON.stringify(unknown.body).slice(0, 200)}`);
      const documented = methods.get.responses?.['200']?.content?.['application/json']?.schema?.properties ?? {};
      if (!['items', 'page', 'pageSize', 'total'].every((k) => k in documented))
        failures.push(`${path}: the OpenAPI document does not describe the envelope`);
      const params = (methods.get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      if (!params.includes('page') || !params.includes('pageSize')) failures.push(`${path}: page and pageSize are not documented`);
    }
    expect(failures).toEqual([]);
    // The walk saw the lists it must see (a route that stops being one would otherwise pass unnoticed).
    expect(lists.sort()).toEqual(
      [
        '/api/v1/allocations',
        '/api/v1/api-tokens',
        '/api/v1/audit',
        '/api/v1/budget-plans',
        '/api/v1/calendar/years',
        '/api/v1/communities',
        '/api/v1/communities/{communityCode}/disputes',
        '/api/v1/communities/{communityCode}/fund-analyses',
        '/api/v1/communities/{communityCode}/holds',
        '/api/v1/communities/{communityCode}/monitoring/{fundYear}',
        '/api/v1/communities/{communityCode}/referrals',
        '/api/v1/communities/{communityCode}/surplus-plans',
        '/api/v1/communities/{communityCode}/year-end-statements/{fundYear}',
        '/api/v1/counties',
        '/api/v1/counties/{countyCode}/fund-results',
        '/api/v1/counties/{countyCode}/ledger/{fundYear}/accounts',
        '/api/v1/counties/{countyCode}/ledger/{fundYear}/transfers',
        '/api/v1/counties/{countyCode}/policy-parameters/{fundYear}/versions',
        '/api/v1/counties/{countyCode}/private-budgets/{fundYear}',
        '/api/v1/counties/{countyCode}/reserve-uses',
        '/api/v1/counties/{countyCode}/review-rules/versions',
        '/api/v1/counties/{countyCode}/rule-hits',
        '/api/v1/cycles',
        '/api/v1/cycles/results',
        '/api/v1/declarations',
        '/api/v1/inbox',
        '/api/v1/institutions',
        '/api/v1/job-runs',
        '/api/v1/member-claims',
        '/api/v1/member-claims/{id}/records',
        '/api/v1/member-claims/{id}/rule-hits',
        '/api/v1/national-codes',
        '/api/v1/notifications',
        '/api/v1/outbox',
        '/api/v1/pass-downs',
        '/api/v1/prefectures',
        '/api/v1/prefectures/{code}/fund-results',
        '/api/v1/prefectures/{code}/gap-sharings',
        '/api/v1/private-payments',
        '/api/v1/provinces',
        '/api/v1/provinces/{code}/adjustment-funds',
        '/api/v1/refund-orphans',
        '/api/v1/users',
      ].sort(),
    );
  }, 120_000);

  /**
   * Each list's declared filters: a value that selects some of the rows, what every selected row must show, and a value
   * that selects none. `whole`: the sample rows all match, so the filter cannot be seen leaving one out here.
   */
  const FILTERS: { path: string; query: string; each: (item: any) => boolean; none: string; whole?: true }[] = [
    { path: '/api/v1/member-claims', query: 'period=2026-08', each: (c) => c.period === '2026-08', none: 'period=2020-01' },
    { path: '/api/v1/member-claims', query: 'state=SUBMITTED', each: (c) => c.state === 'SUBMITTED', none: 'state=REVIEWED' },
    {
      path: '/api/v1/member-claims/{octoberClaim}/records',
      query: 'reviewStatus=PENDING',
      each: (r) => r.reviewStatus === 'PENDING',
      none: 'reviewStatus=ACCEPTED',
      whole: true,
    },
    {
      path: '/api/v1/member-claims/{octoberClaim}/records',
      query: 'externalId=R-2',
      each: (r) => r.externalId === 'R-2',
      none: 'externalId=R-999',
    },
    { path: '/api/v1/declarations', query: 'period=2026-08', each: (d) => d.period === '2026-08', none: 'period=2020-01' },
    { path: '/api/v1/declarations', query: 'state=REVIEWED', each: (d) => d.state === 'REVIEWED', none: 'state=APPROVED' },
    { path: '/api/v1/pass-downs', query: 'state=PAID', each: (p) => p.state === 'PAID', none: 'declarationId=999999999' },
    {
      path: '/api/v1/pass-downs',
      query: 'declarationId={declarationId}',
      each: (p) => p.declarationId === Number(values.declarationId),
      none: 'declarationId=999999999',
    },
    { path: '/api/v1/private-payments', query: 'fundYear=2025', each: (p) => p.fundYear === 2025, none: 'fundYear=2030' },
    { path: '/api/v1/private-payments', query: 'state=PAID', each: (p) => p.state === 'PAID', none: 'fundYear=2030&state=PAID' },
    {
      path: '/api/v1/communities/{communityCode}/holds',
      query: 'state=LIFTED',
      each: (h) => h.state === 'LIFTED',
      none: 'state=LIFTED&page=2',
    },
    { path: '/api/v1/notifications', query: 'unread=true', each: (n) => n.readAt === null, none: 'kind=NO_SUCH_KIND' },
    {
      path: '/api/v1/notifications',
      query: 'kind=PASS_DOWN_OVERDUE',
      each: (n) => n.kind === 'PASS_DOWN_OVERDUE',
      none: 'kind=PASS_DOWN_OVERDUE&unread=true',
    },
    { path: '/api/v1/cycles/results', query: 'cycle=monitoring', each: (r) => r.cycle === 'monitoring', none: 'cycle=year-end' },
    { path: '/api/v1/cycles/results', query: 'period=2026-10-01', each: (r) => r.period === '2026-10-01', none: 'period=2020-01' },
    {
      path: '/api/v1/job-runs',
      query: 'jobId=envelope.{countyCode}',
      each: (r) => r.jobId === `envelope.${f.county}`,
      none: 'jobId=no-such-job',
    },
    {
      path: '/api/v1/job-runs',
      query: 'jobName=notify.webhook',
      each: (r) => r.jobName === 'notify.webhook',
      // Job runs are the deployment's, shared by every test file running at once: only this
      // test's own job id is sure to have no DONE run.
      none: 'jobName=notify.webhook&jobId=envelope.{countyCode}.hook&outcome=DONE',
    },
    {
      path: '/api/v1/job-runs',
      query: 'outcome=FAILED',
      each: (r) => r.outcome === 'FAILED',
      none: 'jobId=envelope.{countyCode}.hook&outcome=FAILED',
    },
    {
      path: '/api/v1/communities/{communityCode}/fund-analyses',
      query: 'state=DRAFT',
      each: (a) => a.state === 'DRAFT',
      none: 'fundYear=2025&state=DRAFT',
    },
    {
      path: '/api/v1/communities/{communityCode}/fund-analyses',
      query: 'fundYear=2026',
      each: (a) => a.fundYear === 2026,
      none: 'fundYear=2020',
    },
    {
      path: '/api/v1/counties/{countyCode}/ledger/2021/transfers',
      query: 'account=PRIVATE_POOL',
      each: (t) => t.debit === 'PRIVATE_POOL' || t.credit === 'PRIVATE_POOL',
      none: 'account=NO_SUCH_ACCOUNT',
    },
    {
      path: '/api/v1/counties/{countyCode}/ledger/2021/transfers',
      query: 'referenceType=allocation&referenceId={allocationId}',
      each: (t) => t.referenceType === 'allocation' && t.referenceId === values.allocationId,
      none: 'referenceType=declaration',
      whole: true,
    },
    {
      path: '/api/v1/allocations',
      query: 'fundYear=2021&state=PUBLISHED',
      each: (a) => a.fundYear === 2021 && a.state === 'PUBLISHED',
      none: 'fundYear=2030',
      whole: true,
    },
    {
      path: '/api/v1/budget-plans',
      query: 'communityCode={communityCode}&fundYear=2021',
      each: (p) => p.communityCode === f.community && p.fundYear === 2021,
      none: 'fundYear=2030',
      whole: true,
    },
  ];

  it('honours each declared filter: every row it answers matches, a value nothing matches answers none', async () => {
    const bureau = await f.as(['BUREAU_CLERK'], `${f.county}-YBJ`);
    const fill = (text: string) => text.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
    const failures: string[] = [];
    for (const { path, query, each, none, whole } of FILTERS) {
      const url = fill(path);
      const all = await bureau.must('GET', url);
      const some = await bureau.must('GET', `${url}?${fill(query)}`);
      if (some.items.length === 0 || !some.items.every(each) || (!whole && some.total >= all.total))
        failures.push(
          `${path}?${query}: ${some.items.length} of ${some.total} rows (of ${all.total}), matching: ${some.items.every(each)}`,
        );
      const nothing = await bureau.must('GET', `${url}?${fill(none)}`);
      if (nothing.items.length !== 0) failures.push(`${path}?${none}: ${nothing.items.length} rows`);
    }
    expect(failures).toEqual([]);
  });
});
