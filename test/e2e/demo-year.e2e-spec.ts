import { BusinessClock } from '../../src/common/business-clock';
import { DEMO_PASSWORD } from '../../src/cli/demo-county';
import { DEMO_LATE_TOWNSHIP, DEMO_OVERDUE_TOWNSHIP } from '../../src/cli/demo-year';
import { seedDemo } from '../../src/cli/seed-demo';
import { dropDatabase, migrateUp } from '../../src/database/database-admin';
import { Money } from '../../src/domain/money';
import { ApiClient, RunningApi, startApi, tableCounts, testConfig } from '../support/test-app';

/**
 * The demo county with its fund year in progress, as `scripts/demo.sh` loads it, on its own
 * fresh database on 3 December 2026: read back through the API as the demo users see it.
 */
const env = {
  DB_NAME: `${process.env.DB_NAME}_demoyear`,
  QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}:demoyear`,
  BUSINESS_DATE: '2026-12-03',
};
const MONTHS = Array.from({ length: 11 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}`);

async function allTables(api: RunningApi): Promise<Record<string, number>> {
  const rows: { t: string }[] = await api.dataSource.query(
    "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  return tableCounts(
    api.dataSource,
    rows.map((r) => r.t),
  );
}

describe('the demo county with a fund year in progress', () => {
  let api: RunningApi;
  let seconds: number;
  const signedIn = new Map<string, ApiClient>();
  const as = async (username: string) => {
    if (!signedIn.has(username)) signedIn.set(username, await ApiClient.signIn(api.baseUrl, username, DEMO_PASSWORD));
    return signedIn.get(username)!;
  };

  beforeAll(async () => {
    await migrateUp(testConfig(env).db);
    api = await startApi(env);
    const started = Date.now();
    await seedDemo(api.app, undefined, { year: true });
    seconds = (Date.now() - started) / 1000;
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    if (!process.env.KEEP_TEST_DB) await dropDatabase(testConfig(env).db, env.DB_NAME);
  });

  it('settled and posted last year, and leaves the business date as it was', async () => {
    const clerk = await as('ws.bureau.clerk');
    const settlement = await clerk.must('GET', '/api/v1/counties/WS/year-end-settlements/2025');
    // Last year ended in surplus: lead finance's execution of the approved surplus plan drew the year end again.
    expect(settlement).toMatchObject({ state: 'POSTED', draftedBy: 'ws.lead.finance', approvedBy: 'ws.bureau.approver' });
    expect(settlement.summary.communities[0].surplusPlanId).toEqual(expect.any(Number));
    const plans = await clerk.must('GET', `/api/v1/communities/WS-MC/surplus-plans?fundYear=2025`);
    expect(plans.items.map((p: { chain: { status: string } }) => p.chain.status)).toEqual(['EXECUTED']);
    expect(settlement.totalTransfers).toBeGreaterThan(0);
    expect(settlement.postedTransfers).toBe(settlement.totalTransfers);
    const declarations2025 = await clerk.items('/api/v1/declarations?pageSize=100');
    const lastYear = declarations2025.filter((d: any) => d.fundYear === 2025).map((d: any) => [d.period, d.state]);
    expect(lastYear.sort()).toEqual([
      ['2025-10', 'DISBURSED'],
      ['2025-11', 'DISBURSED'],
      ['2025-12', 'DISBURSED'],
    ]);
    expect(api.app.get(BusinessClock).today()).toBe('2026-12-03');
    // The whole year in well under a minute on the development machine; generous here for a loaded one.
    expect(seconds).toBeLessThan(150);
  });

  it("approved this year's allocation (SPEC §3's worked example) and the budget plan above the primary floor", async () => {
    const clerk = await as('ws.bureau.clerk');
    const [allocation] = await clerk.items('/api/v1/allocations?countyCode=WS&fundYear=2026');
    expect(allocation).toMatchObject({ state: 'APPROVED', createdBy: 'ws.bureau.clerk' });
    expect(allocation.figures).toMatchObject({ communityPackage: '167079472.53' });
    const [plan] = await (await as('ws.lead.finance')).items('/api/v1/budget-plans?communityCode=WS-MC&fundYear=2026');
    expect(plan).toMatchObject({ state: 'APPROVED', total: '167079472.53', approvedBy: 'ws.bureau.approver' });
    expect(plan.floor.met).toBe(true);
  });

  it('claimed, declared, approved and disbursed every month from January to November', async () => {
    const clerk = await as('ws.bureau.clerk');
    let deductions = 0;
    for (const period of MONTHS) {
      const found = await clerk.items(`/api/v1/declarations?period=${period}`);
      expect(found.map((d: any) => [d.period, d.state])).toEqual([[period, 'DISBURSED']]);
      const [d] = found;
      expect(d.approvedBy).toBe('ws.bureau.approver');
      expect(d.reviewedBy).toBe('ws.bureau.clerk');
      expect(d.disbursedOn).not.toBeNull();
      expect(d.late).toBe(false);
      expect(d.members).toHaveLength(12);
      expect(Money.of(d.funded).isPositive()).toBe(true);
      if (Money.of(d.deducted).isPositive()) deductions++;
    }
    expect(deductions).toBeGreaterThan(0);
    expect(await clerk.items('/api/v1/declarations?period=2026-12')).toEqual([]);
    // The lead unit rejected some records in pre-review, with a reason.
    const lead = await as('ws.lead.finance');
    let rejected = 0;
    for (const period of MONTHS) {
      const claims = await lead.items(`/api/v1/member-claims?period=${period}&pageSize=100`);
      expect(claims).toHaveLength(12);
      for (const c of claims) {
        expect(c.submittedBy).toMatch(/^ws\.(rmyy|tcm|tc\d\d)\.clerk$/);
        expect(c.late).toBe(false);
        if (Money.of(c.rejected).isPositive()) {
          rejected++;
          const [record] = await lead.items(`/api/v1/member-claims/${c.id}/records?reviewStatus=REJECTED`);
          expect(record.reviewReason).toEqual(expect.any(String));
        }
      }
    }
    expect(rejected).toBeGreaterThan(0);
  });

  it('passed every month down, one township late once and one left unpaid and overdue', async () => {
    const lead = await as('ws.lead.finance');
    const clerk = await as('ws.bureau.clerk');
    const passDowns: any[] = [];
    for (const period of MONTHS) {
      const [d] = await clerk.items(`/api/v1/declarations?period=${period}`);
      passDowns.push(...(await lead.items(`/api/v1/pass-downs?declarationId=${d.id}&pageSize=500`)));
    }
    const late = passDowns.filter((p) => p.late);
    expect(late.map((p) => [p.payeeCode, p.state])).toEqual([[DEMO_LATE_TOWNSHIP, 'PAID']]);
    expect(late[0].paidOn > late[0].deadline).toBe(true);
    const overdue = passDowns.filter((p) => p.overdue);
    expect(overdue.map((p) => [p.payeeCode, p.period, p.state])).toEqual([[DEMO_OVERDUE_TOWNSHIP, '2026-10', 'DUE']]);
    // Everything else, villages included, was paid within its deadline; November's too.
    const due = passDowns.filter((p) => p.state !== 'PAID');
    expect(due).toEqual([overdue[0]]);
    expect(passDowns.filter((p) => p.level === 'VILLAGE').length).toBeGreaterThan(MONTHS.length * 10);
  });

  it('raised a monitoring warning on the burn ratio of November', async () => {
    for (const username of ['ws.lead.finance', 'ws.bureau.clerk']) {
      const notifications = await (await as(username)).items('/api/v1/notifications?pageSize=100');
      expect(notifications).toEqual(
        expect.arrayContaining([expect.objectContaining({ kind: 'BURN_WARNING', severity: 'WARNING', subjectId: 'WS-MC' })]),
      );
    }
    const [result] = await (await as('ws.bureau.clerk')).items('/api/v1/cycles/results?cycle=monitoring&period=2026-11');
    expect(result.result).toMatchObject({ level: 'WARNING' });
  });

  it('changes nothing when loaded a second time', async () => {
    const before = await allTables(api);
    expect(before.settlement_record).toBeGreaterThan(1000);
    await seedDemo(api.app, undefined, { year: true });
    expect(await allTables(api)).toEqual(before);
  }, 120_000);
});
