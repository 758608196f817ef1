import { CommunityFixture, createCommunityFixture, createRegionFixture, RegionFixture } from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

/**
 * Pooling above the county through the API (SPEC §12): the county bureaus enter their fund
 * years, the prefecture computes each county's gap sharing, its finance bureau confirms, the
 * bureau executes and the county's ledger carries the movements; the province drafts its
 * adjustment fund, another person approves, it is posted. SPEC §12's worked examples, to the fen.
 */
describe('pooling above the county: city gap sharing and the provincial adjustment fund', () => {
  let api: RunningApi;
  let a: CommunityFixture;
  let b: CommunityFixture;
  let region: RegionFixture;
  let p1: RegionFixture['prefectures'][number];
  let cityClerk: ApiClient;
  let cityFinance: ApiClient;

  beforeAll(async () => {
    api = await startApi({ RATE_LIMIT_PER_MINUTE: '100000' });
    a = await createCommunityFixture(api, 1);
    b = await createCommunityFixture(api, 1);
    // Prefecture 1 holds counties A and B; prefectures 2 and 3 are the other regions of the province's fund.
    region = await createRegionFixture(api, [[a, b], [], []]);
    p1 = region.prefectures[0];
    cityClerk = await region.as(['BUREAU_CLERK'], p1.bureau);
    cityFinance = await region.as(['APPROVER'], p1.finance);
  }, 180_000);
  afterAll(async () => api?.close());

  const figures = (s: { figures: Record<string, string> }) => {
    const { cityPart, poolPays, unpaid, cityFinance: cf, capCutOff, countyFinance, countyPart, gap } = s.figures;
    return { gap, cityPart, poolPays, unpaid, cityFinance: cf, capCutOff, countyFinance, countyPart };
  };
  const balances = async (county: string, year: number) => {
    const body = await cityClerk.must('GET', `/api/v1/counties/${county}/ledger/${year}/accounts?pageSize=500`);
    return {
      reconciled: body.reconciled,
      ...Object.fromEntries(body.items.map((x: { code: string; balance: string }) => [x.code, x.balance])),
    };
  };

  /** Compute, confirm (the finance bureau), execute (the bureau): the sharing as executed. */
  async function shareAndExecute(countyCode: string, fundYear: number) {
    const computed = await cityClerk.post(`/api/v1/prefectures/${p1.code}/gap-sharings`, { countyCode, fundYear });
    expect(computed.status).toBe(201);
    // The bureau that computed cannot confirm; the finance bureau cannot compute or execute.
    expect((await cityClerk.post(`/api/v1/gap-sharings/${computed.body.id}/confirm`, { version: computed.body.version })).status).toBe(403);
    expect((await cityFinance.post(`/api/v1/gap-sharings/${computed.body.id}/execute`, { version: computed.body.version })).status).toBe(
      403,
    );
    // Executing before the confirmation is an illegal transition.
    const early = await cityClerk.post(`/api/v1/gap-sharings/${computed.body.id}/execute`, { version: computed.body.version });
    expect([early.status, early.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    const confirmed = await cityFinance.must('POST', `/api/v1/gap-sharings/${computed.body.id}/confirm`, {
      version: computed.body.version,
    });
    expect(confirmed.state).toBe('CONFIRMED');
    const executed = await cityClerk.must('POST', `/api/v1/gap-sharings/${computed.body.id}/execute`, { version: confirmed.version });
    expect(executed.state).toBe('EXECUTED');
    // A retried execution changes nothing.
    expect((await cityClerk.post(`/api/v1/gap-sharings/${computed.body.id}/execute`, { version: confirmed.version })).status).toBe(409);
    return executed;
  }

  it('reproduces SPEC §12.1’s three worked examples to the fen, every movement a ledger transfer', async () => {
    const clerkA = await a.as(['BUREAU_CLERK'], a.bureau);
    const clerkB = await b.as(['BUREAU_CLERK'], b.bureau);
    // F = 200 000 000.00, G = 10 000 000.00 (year 1) and again the year after; F = 20 000 000.00, G = 5 000 000.00.
    await clerkA.must('PUT', `/api/v1/counties/${a.county}/fund-results/2024`, {
      raisedTotal: '200000000.00',
      income: '200000000.00',
      expenditure: '210000000.00',
      openingBalance: '100000000.00',
    });
    await clerkB.must('PUT', `/api/v1/counties/${b.county}/fund-results/2024`, {
      raisedTotal: '20000000.00',
      income: '20000000.00',
      expenditure: '25000000.00',
      openingBalance: '10000000.00',
    });
    // A county enters only its own figures (another county's: 403, as every action out of scope); the prefecture enters none.
    expect(
      (
        await clerkA.call('PUT', `/api/v1/counties/${b.county}/fund-results/2024`, {
          income: '1.00',
          expenditure: '1.00',
          openingBalance: '0.00',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await cityClerk.call('PUT', `/api/v1/counties/${a.county}/fund-results/2024`, {
          income: '1.00',
          expenditure: '1.00',
          openingBalance: '0.00',
        })
      ).status,
    ).toBe(403);
    // No F and no approved allocation: refused naming the field.
    const noF = await clerkA.call('PUT', `/api/v1/counties/${a.county}/fund-results/2023`, {
      income: '1.00',
      expenditure: '1.00',
      openingBalance: '0.00',
    });
    expect([noF.status, noF.body.details?.[0]?.field]).toEqual([422, 'raisedTotal']);

    // The pooled fund holds 2 000 000.00 at the start of the year.
    const defaults = await cityClerk.must('GET', `/api/v1/prefectures/${p1.code}/pooling-terms/2024`);
    expect([defaults.stored, defaults.cityShare, defaults.cityFinanceShare, defaults.cityFinanceCapRate]).toEqual([
      false,
      '0.30',
      '0.20',
      '0.01',
    ]);
    await cityClerk.must('PUT', `/api/v1/prefectures/${p1.code}/pooling-terms/2024`, { pooledFundOpening: '2000000.00' });

    // Example 1: the pooled fund runs short, finance splits the rest 20/80.
    const first = await shareAndExecute(a.county, 2024);
    expect(figures(first)).toEqual({
      gap: '10000000.00',
      cityPart: '3000000.00',
      poolPays: '2000000.00',
      unpaid: '1000000.00',
      cityFinance: '200000.00',
      capCutOff: '0.00',
      countyFinance: '800000.00',
      countyPart: '7000000.00',
    });
    expect(await balances(a.county, 2024)).toMatchObject({
      reconciled: true,
      [`COUNTY_CURRENT_RESULT:${a.county}`]: '0.00',
      CITY_POOLED_FUND: '-2000000.00',
      CITY_FINANCE: '-200000.00',
      [`COUNTY_FINANCE:${a.county}`]: '-800000.00',
      [`COUNTY_ACCUMULATED_BALANCE:${a.county}`]: '93000000.00',
    });
    const resultA = await clerkA.must('GET', `/api/v1/counties/${a.county}/fund-results/2024`);
    expect([resultA.gap, resultA.openingBalance, resultA.closingBalance, resultA.sharingState]).toEqual([
      '10000000.00',
      '100000000.00',
      '93000000.00',
      'EXECUTED',
    ]);

    // Example 3: the pool is now empty; city finance stops at 1% of F, the cut-off falls to county finance.
    const third = await shareAndExecute(b.county, 2024);
    expect(third.inputs.pooledFundBalance).toBe('0.00');
    expect(figures(third)).toEqual({
      gap: '5000000.00',
      cityPart: '1500000.00',
      poolPays: '0.00',
      unpaid: '1500000.00',
      cityFinance: '200000.00',
      capCutOff: '100000.00',
      countyFinance: '1300000.00',
      countyPart: '3500000.00',
    });
    expect(await balances(b.county, 2024)).toMatchObject({
      reconciled: true,
      [`COUNTY_CURRENT_RESULT:${b.county}`]: '0.00',
      CITY_FINANCE: '-200000.00',
      [`COUNTY_FINANCE:${b.county}`]: '-1300000.00',
      [`COUNTY_ACCUMULATED_BALANCE:${b.county}`]: '6500000.00',
    });

    // Example 2: the year after, county A had a gap last year: the city share loses 5 points, city finance is halved.
    await clerkA.must('PUT', `/api/v1/counties/${a.county}/fund-results/2025`, {
      raisedTotal: '200000000.00',
      income: '200000000.00',
      expenditure: '210000000.00',
      openingBalance: '93000000.00',
    });
    await cityClerk.must('PUT', `/api/v1/prefectures/${p1.code}/pooling-terms/2025`, { pooledFundOpening: '2000000.00' });
    const second = await shareAndExecute(a.county, 2025);
    expect(second.inputs.gapLastYear).toBe(true);
    expect(figures(second)).toEqual({
      gap: '10000000.00',
      cityPart: '2500000.00',
      poolPays: '2000000.00',
      unpaid: '500000.00',
      cityFinance: '50000.00',
      capCutOff: '0.00',
      countyFinance: '450000.00',
      countyPart: '7500000.00',
    });
    expect(await balances(a.county, 2025)).toMatchObject({ reconciled: true, [`COUNTY_CURRENT_RESULT:${a.county}`]: '0.00' });

    // The prefecture reads both counties' results; a county reads its own sharing, not its sibling's.
    const results = await cityClerk.items<{ countyCode: string; fundYear: number }>(
      `/api/v1/prefectures/${p1.code}/fund-results?fundYear=2024`,
    );
    expect(results.map((r) => r.countyCode).sort()).toEqual([a.county, b.county].sort());
    expect((await clerkA.get(`/api/v1/gap-sharings/${first.id}`)).status).toBe(200);
    expect((await clerkA.get(`/api/v1/gap-sharings/${third.id}`)).status).toBe(404);
    expect((await clerkA.get(`/api/v1/counties/${b.county}/fund-results/2024`)).status).toBe(404);

    // The statement as a spreadsheet: the shares as the API gives them.
    const rows = await xlsxRows(cityClerk, `/api/v1/gap-sharings/${third.id}/statement.xlsx`);
    const amount = (label: string) => rows.find((r) => String(r[0]).trim() === label)?.[1];
    expect([amount('市财政补足'), amount('缺口地财政补足'), amount('缺口地承担')]).toEqual([200000, 1300000, 3500000]);
  }, 240_000);

  it('splits a surplus 30/70 in a transition year, into the county balance and the pooled fund', async () => {
    const clerkB = await b.as(['BUREAU_CLERK'], b.bureau);
    await clerkB.must('PUT', `/api/v1/counties/${b.county}/fund-results/2025`, {
      raisedTotal: '20000000.00',
      income: '21000000.01',
      expenditure: '20000000.00',
      openingBalance: '6500000.00',
    });
    await cityClerk.must('PUT', `/api/v1/prefectures/${p1.code}/pooling-terms/2025`, { transitionYear: true, version: 1 });
    const executed = await shareAndExecute(b.county, 2025);
    // 1 000 000.01 split 30/70 by largest remainder: the county balance takes the tied fen.
    expect([executed.figures.surplusToCountyBalance, executed.figures.surplusToPooledFund]).toEqual(['300000.00', '700000.01']);
    expect(await balances(b.county, 2025)).toMatchObject({
      reconciled: true,
      [`COUNTY_CURRENT_RESULT:${b.county}`]: '0.00',
      [`COUNTY_ACCUMULATED_BALANCE:${b.county}`]: '6800000.00',
      CITY_POOLED_FUND: '700000.01',
    });
    // The pooled fund of the year: 2 000 000.00, less county A's draw, plus county B's surplus.
    const terms = await cityClerk.must('GET', `/api/v1/prefectures/${p1.code}/pooling-terms/2025`);
    expect(terms.pooledFundBalance).toBe('700000.01');
  }, 120_000);

  it('reproduces SPEC §12.2’s worked example: drafted, approved by another person, posted', async () => {
    const [s1, s2, s3] = region.prefectures;
    const drafter = await region.as(['BUREAU_CLERK', 'BUREAU_APPROVER'], region.provinceBureau);
    const approver = await region.as(['BUREAU_APPROVER'], region.provinceBureau);
    const regions = [
      { regionCode: s1.code, income: '1000000000.00', insured: '500000', collectionRate: '0.95', assessmentScore: '70' },
      { regionCode: s2.code, income: '100000000.00', insured: '900000', collectionRate: '0.90', assessmentScore: '90' },
      { regionCode: s3.code, income: '300000000.00', insured: '700000', collectionRate: '0.92', assessmentScore: '80' },
    ];
    // A prefecture does not draft the province's fund; an unknown region is refused naming the row.
    expect((await cityClerk.post(`/api/v1/provinces/${region.province}/adjustment-funds`, { fundYear: 2025, regions })).status).toBe(403);
    const foreign = await drafter.post(`/api/v1/provinces/${region.province}/adjustment-funds`, {
      fundYear: 2025,
      regions: [...regions, { ...regions[0], regionCode: 'NOT-A-REGION' }],
    });
    expect(foreign.status).toBe(422);
    const drafted = await drafter.post(`/api/v1/provinces/${region.province}/adjustment-funds`, { fundYear: 2025, regions });
    expect(drafted.status).toBe(201);
    const f = drafted.body;
    const column = (key: string) => f.regions.map((r: Record<string, string>) => r[key]);
    expect(column('contribution')).toEqual(['200000000.00', '20000000.00', '60000000.00']);
    expect(column('received')).toEqual(['68947641.27', '117573872.47', '93478486.26']);
    expect(column('returned')).toEqual(['41052358.73', '0.00', '0.00']);
    expect(column('net')[0]).toBe('-131052358.73');
    expect(column('netAfterCaps')[0]).toBe('-90000000.00');
    expect(column('withheld')).toEqual(['0.00', '77573872.47', '0.00']);
    expect(column('held')).toEqual(['0.00', '1000000.00', '1673924.31']);
    expect(column('secondDistribution')).toEqual(['0.00', '1415606.99', '1258317.32']);
    expect(f.totalHeld).toBe('2673924.31');

    // Whoever drafted cannot approve; posting waits for the approval.
    const own = await drafter.post(`/api/v1/adjustment-funds/${f.id}/approve`, { version: f.version });
    expect([own.status, own.body.code]).toEqual([403, 'MAKER_CHECKER_VIOLATION']);
    expect((await drafter.post(`/api/v1/adjustment-funds/${f.id}/post`, { version: f.version })).status).toBe(409);
    const approved = await approver.must('POST', `/api/v1/adjustment-funds/${f.id}/approve`, { version: f.version });
    const posted = await drafter.must('POST', `/api/v1/adjustment-funds/${f.id}/post`, { version: approved.version });
    expect([posted.state, posted.approvedBy, posted.postedBy]).toEqual(['POSTED', approver.username, drafter.username]);
    // Posted figures never change: a redraft is an illegal transition.
    const redraft = await drafter.post(`/api/v1/provinces/${region.province}/adjustment-funds`, {
      fundYear: 2025,
      regions: regions.map((r) => ({ ...r, assessmentScore: '60' })),
      version: posted.version,
    });
    expect(redraft.status).toBe(409);

    // A prefecture reads its own region's statement only.
    const seen = await (await region.as(['AUDITOR'], s2.bureau)).must('GET', `/api/v1/adjustment-funds/${f.id}`);
    expect(seen.regions.map((r: { code: string }) => r.code)).toEqual([s2.code]);
    const rows = await xlsxRows(drafter, `/api/v1/adjustment-funds/${f.id}/statement.xlsx`);
    expect(rows.filter((r) => [s1.code, s2.code, s3.code].includes(String(r[0]))).map((r) => r[5])).toEqual([
      68947641.27, 117573872.47, 93478486.26,
    ]);
  }, 120_000);
});
