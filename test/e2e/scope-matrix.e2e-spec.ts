import { registeredRoutes } from '../../src/app.factory';
import { storeClaimSamples } from '../support/claim-samples';
import { createCommunityFixture, CommunityFixture, createRegionFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi, tableFingerprint } from '../support/test-app';

/**
 * The scope matrix beyond another county: a township's own records called by a sibling
 * township, a village clinic, a private hospital of the same county and another county's lead
 * unit — every route that names such a record answers 403 or 404 and changes nothing; an
 * auditor of the county reads them and changes nothing.
 */
describe('scope matrix: a township’s records against its neighbours', () => {
  let api: RunningApi;
  let a: CommunityFixture;
  let b: CommunityFixture;
  const samples: Record<string, Record<string, string>> = {};

  const fingerprint = () => tableFingerprint(api.dataSource);

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '100000' });
    a = await createCommunityFixture(api, 2);
    b = await createCommunityFixture(api, 1);
    await a.admin.must('POST', '/api/v1/institutions', {
      code: `${a.county}-VC-2`,
      name: '村卫生室',
      type: 'VILLAGE_CLINIC',
      countyCode: a.county,
      communityCode: a.community,
      parentCode: a.townships[1],
    });
    await a.admin.must('POST', '/api/v1/institutions', {
      code: `${a.county}-MY`,
      name: '民营医院',
      type: 'PRIVATE_DESIGNATED',
      countyCode: a.county,
    });
    // Records of the first township of county A: this test is about who may reach them.
    const stored = await storeClaimSamples(api, a, 'SUBMITTED');
    // Its claim carried by the stored declaration (so it has a statement) and sampled once.
    await api.dataSource.query('UPDATE member_claim SET declaration_id = ? WHERE id = ?', [stored.declaration, stored.claim]);
    await api.dataSource.query(
      "INSERT INTO record_sample (claim_id, seed, size_count, population, record_ids, strata, drawn_on, drawn_by) VALUES (?, 1, 1, 0, '[]', '[]', '2026-10-08', 'x')",
      [stored.claim],
    );
    Object.assign(samples, {
      '/api/v1/member-claims/:id': { id: String(stored.claim) },
      '/api/v1/pass-downs/:id': { id: String(stored.passDown) },
      '/api/v1/notifications/:id': { id: String(stored.notification) },
      '/api/v1/institutions/:code': { code: a.townships[0], fundYear: '2025' },
    });
  }, 120_000);
  afterAll(async () => api?.close());

  function ownedRoutes(): { method: string; url: string; path: string }[] {
    return registeredRoutes(api.app)
      .map((r) => {
        const base = Object.keys(samples).find((prefix) => r.url === prefix || r.url.startsWith(`${prefix}/`));
        if (!base) return null;
        const path = r.url.replace(/:([A-Za-z]+)/g, (_m, name: string) => encodeURIComponent(samples[base][name] ?? 'x'));
        return { method: r.method, url: r.url, path };
      })
      .filter((r): r is { method: string; url: string; path: string } => r !== null);
  }

  it('refuses a sibling township, a village clinic, a private hospital and another county every route to them', async () => {
    const neighbours: ApiClient[] = [
      await a.as(['MEMBER_CLERK'], a.townships[1]),
      await a.as(['VILLAGE_CLERK'], `${a.county}-VC-2`),
      await a.as(['PRIVATE_CLERK'], `${a.county}-MY`),
      await b.as(['LEAD_FINANCE'], b.lead),
      await b.as(['AUDITOR'], b.bureau),
    ];
    const routes = ownedRoutes();
    expect(routes.length).toBeGreaterThanOrEqual(12);
    const before = await fingerprint();
    const answers: string[] = [];
    for (const route of routes)
      for (const client of neighbours) {
        const res = await client.call(route.method, route.path, route.method === 'GET' ? undefined : { version: 1 });
        answers.push(`${route.method} ${route.url} as ${client.username}: ${[403, 404].includes(res.status) ? 'refused' : res.status}`);
      }
    expect(answers.filter((line) => !line.endsWith('refused'))).toEqual([]);
    expect(await fingerprint()).toBe(before);
  }, 120_000);

  it('lets the county’s auditor read them and change none of them', async () => {
    const auditor = await a.as(['AUDITOR'], a.bureau);
    const before = await fingerprint();
    const answers: string[] = [];
    for (const route of ownedRoutes()) {
      const res = await auditor.call(route.method, route.path, route.method === 'GET' ? undefined : { version: 1 });
      // Reads: allowed (a year-end statement not drafted yet is simply not there); writes: refused.
      const expected = route.method === 'GET' ? res.status < 300 || res.status === 404 : [403, 404].includes(res.status);
      answers.push(`${route.method} ${route.url}: ${expected ? 'as documented' : res.status}`);
      if (route.method === 'GET' && !route.url.includes('year-end-statement')) expect([route.url, res.status]).toEqual([route.url, 200]);
    }
    expect(answers.filter((line) => !line.endsWith('as documented'))).toEqual([]);
    expect(await fingerprint()).toBe(before);
  });

  it('lets a prefecture read its counties and not another prefecture’s, and keeps a county from its sibling', async () => {
    // County A and a sibling county in prefecture P1, county B in prefecture P2, both in one province.
    const sibling = await createCommunityFixture(api, 1);
    const region = await createRegionFixture(api, [[a, sibling], [b]]);
    const [p1, p2] = region.prefectures;
    const p1Reader = await region.as(['AUDITOR'], p1.bureau);
    const p1Clerk = await region.as(['BUREAU_CLERK'], p1.bureau);
    const p1Admin = await region.as(['ADMIN'], p1.bureau);
    const p2Reader = await region.as(['AUDITOR'], p2.bureau);
    const provinceReader = await region.as(['AUDITOR'], region.provinceBureau);

    const countyCodes = async (c: ApiClient) => (await c.items<{ code: string }>('/api/v1/counties')).map((x) => x.code).sort();
    expect(await countyCodes(p1Reader)).toEqual([a.county, sibling.county].sort());
    expect(await countyCodes(p2Reader)).toEqual([b.county]);
    expect(await countyCodes(provinceReader)).toEqual([a.county, sibling.county, b.county].sort());
    expect((await p1Reader.get(`/api/v1/counties/${b.county}`)).status).toBe(404);
    expect((await p2Reader.get(`/api/v1/counties/${a.county}`)).status).toBe(404);
    expect((await p1Reader.get(`/api/v1/prefectures/${p2.code}`)).status).toBe(404);
    expect((await provinceReader.get(`/api/v1/prefectures/${p2.code}`)).status).toBe(200);

    // A county user sees neither its sibling county nor the prefecture above it.
    const countyAuditor = await a.as(['AUDITOR'], a.bureau);
    expect(await countyCodes(countyAuditor)).toEqual([a.county]);
    expect((await countyAuditor.get(`/api/v1/counties/${sibling.county}`)).status).toBe(404);
    expect((await countyAuditor.get(`/api/v1/communities/${sibling.community}`)).status).toBe(404);
    expect((await countyAuditor.get(`/api/v1/prefectures/${p1.code}`)).status).toBe(404);
    expect((await (await sibling.as(['BUREAU_CLERK'], sibling.bureau)).get(`/api/v1/institutions/${a.townships[0]}`)).status).toBe(404);

    const before = await fingerprint();
    const answers: string[] = [];
    for (const route of ownedRoutes()) {
      const body = route.method === 'GET' ? undefined : { version: 1 };
      // The prefecture above county A reads what the county's auditor reads …
      const own = await p1Reader.call(route.method, route.path, body);
      if (route.method === 'GET' && !route.url.includes('year-end-statement') && own.status !== 200)
        answers.push(`${route.url} as P1: ${own.status}`);
      // … its clerk acts on none of it (its steps are the prefecture's own) …
      const act = await p1Clerk.call(route.method, route.path, body);
      if (route.method !== 'GET' && ![403, 404].includes(act.status))
        answers.push(`${route.method} ${route.url} as P1 clerk: ${act.status}`);
      // … and the other prefecture reaches nothing.
      const other = await p2Reader.call(route.method, route.path, body);
      if (![403, 404].includes(other.status)) answers.push(`${route.method} ${route.url} as P2: ${other.status}`);
    }
    expect(answers).toEqual([]);
    // Lists are scoped by county list too: the prefecture lists county A's communities and institutions, not county B's.
    const communities = (await p1Reader.items<{ code: string }>('/api/v1/communities?pageSize=500')).map((c) => c.code);
    expect(communities).toEqual(expect.arrayContaining([a.community, sibling.community]));
    expect(communities).not.toContain(b.community);
    const institutions = (await p1Reader.items<{ code: string }>('/api/v1/institutions?pageSize=500')).map((i) => i.code);
    expect(institutions).toContain(a.townships[0]);
    expect(institutions.some((code) => code.startsWith(b.county))).toBe(false);
    // The prefecture's administrator lists its own level's users with its counties', never the other prefecture's.
    const users = (await p1Admin.items<{ username: string; institutionCode: string }>('/api/v1/users?pageSize=500')).map(
      (u) => u.institutionCode,
    );
    expect(users).toEqual(expect.arrayContaining([p1.bureau, a.bureau]));
    expect(users).not.toContain(p2.bureau);
    // A county action by the prefecture's clerk is refused, naming the rule, and writes nothing.
    const refused = await p1Admin.post('/api/v1/communities', { code: `${a.county}-MC9`, name: 'x', countyCode: a.county });
    expect([refused.status, refused.body.code]).toEqual([403, 'ACTS_ABOVE_COUNTY']);
    expect(await fingerprint()).toBe(before);
  }, 240_000);
});
