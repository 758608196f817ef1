import { registeredRoutes } from '../../src/app.factory';
import { storeClaimSamples } from '../support/claim-samples';
import { createCommunityFixture, CommunityFixture } from '../support/registry-fixtures';
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
  });

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
});
