import type { INestApplicationContext } from '@nestjs/common';
import { BusinessClock } from '../../src/common/business-clock';
import { Money } from '../../src/domain/money';
import { CycleRunnerService } from '../../src/modules/cycles/cycle-runner.service';
import { YearEndService } from '../../src/modules/cycles/year-end.service';
import { approveOctober, eventually, importOutOfCounty, paidRecord } from '../support/claim-month';
import { xlsxRows } from '../support/xlsx';
import { approvedAllocation, CommunityFixture, createCommunityFixture, TEN_MILLION_PACKAGE } from '../support/registry-fixtures';
import { executeSurplusPlan } from '../support/surplus-plan';
import { ApiClient, RunningApi, startApi, startWorker } from '../support/test-app';

/** Its own queues, so that no other test file's worker takes these jobs. */
const QUEUE_PREFIX = `cbm-ye-${process.pid}`;
const WORKER_ENV = { QUEUE_PREFIX, SCHEDULES_ENABLED: 'false', OUTBOX_SWEEP_MS: '300' };

async function accounts(client: ApiClient, county: string): Promise<Map<string, string>> {
  const ledger = await client.must('GET', `/api/v1/counties/${county}/ledger/2026/accounts`);
  expect(ledger.reconciled).toBe(true);
  return new Map(ledger.items.map((a: { code: string; balance: string }) => [a.code, a.balance]));
}

describe('year-end settlement through the API (SPEC §7)', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let clock: BusinessClock;

  beforeAll(async () => {
    api = await startApi({ QUEUE_PREFIX });
    worker = await startWorker(WORKER_ENV);
    clock = api.app.get(BusinessClock);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  async function draftYear(f: CommunityFixture, by: ApiClient): Promise<any> {
    const runs = await by.must('POST', '/api/v1/cycles/runs', { cycle: 'year-end', period: '2026' });
    expect(runs).toEqual([
      expect.objectContaining({ cycle: 'year-end', period: '2026', scope: f.county, jobId: `cycle.run.year-end.2026.${f.county}` }),
    ]);
    return eventually(async () => {
      const res = await by.get(`/api/v1/counties/${f.county}/year-end-settlements/2026`);
      return res.status === 200 ? res.body : undefined;
    }, 'the year-end draft');
  }

  it('reproduces the worked example: overspend shares, primary share, statements that balance with the ledger, posted once', async () => {
    const f = await createCommunityFixture(api, 2);
    const [townA, townB] = f.townships;
    const tcm = `${f.county}-TCM`;
    const villageA1 = `${f.county}-VC-A1`;
    await f.admin.must('POST', '/api/v1/institutions', {
      code: tcm,
      name: '县中医医院',
      type: 'COUNTY_HOSPITAL',
      countyCode: f.county,
      communityCode: f.community,
    });
    await f.admin.must('POST', '/api/v1/institutions', {
      code: villageA1,
      name: '村卫生室 A1',
      type: 'VILLAGE_CLINIC',
      countyCode: f.county,
      communityCode: f.community,
      parentCode: townA,
    });
    const allocation = await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    expect(allocation.figures.communityPackage).toBe('10000000.00');

    // Out-of-county 1 200 000 first, then the members' year: 9 800 000 approved, of which 8 800 000 fits under M.
    clock.fix('2026-10-31');
    expect(await importOutOfCounty(f, 2, '600000.00')).toMatchObject({ total: '1200000.00', funded: '1200000.00' });
    const declaration = await approveOctober(f, clock, [
      [await f.as(['MEMBER_CLERK'], f.lead), [paidRecord('L-1', f.lead, '5200000.00')]],
      [await f.as(['MEMBER_CLERK'], tcm), [paidRecord('Z-1', tcm, '1800000.00')]],
      [await f.as(['MEMBER_CLERK'], townA), [paidRecord('A-1', townA, '1500000.00'), paidRecord('A-2', villageA1, '300000.00')]],
      [await f.as(['MEMBER_CLERK'], townB), [paidRecord('B-1', townB, '1000000.00')]],
    ]);
    expect(declaration).toMatchObject({ approved: '9800000.00', funded: '8800000.00', unfunded: '1000000.00' });
    // The bureau pays; the lead passes township A its part, and A's village pass-down is created.
    clock.fix('2026-11-20');
    await (
      await f.as(['BUREAU_CLERK'], f.bureau)
    ).must('POST', `/api/v1/declarations/${declaration.id}/disbursement`, {
      version: declaration.version,
      disbursedOn: '2026-11-20',
      reference: 'BK-YE-1',
    });
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    const toTownA = (await lead.items(`/api/v1/pass-downs?declarationId=${declaration.id}`)).find(
      (p: { payeeCode: string }) => p.payeeCode === townA,
    );
    await lead.must('POST', `/api/v1/pass-downs/${toTownA.id}/payment`, { version: toTownA.version, paidOn: '2026-11-20' });
    const passDowns: { level: string; payerCode: string; payeeCode: string; amount: string }[] = await lead.items(
      `/api/v1/pass-downs?declarationId=${declaration.id}`,
    );
    // What reached a unit: its pass-downs in, less what it passes on to its villages.
    const reached = (code: string) => {
      const total = (ps: typeof passDowns) => Money.sum(ps.map((p) => Money.of(p.amount)));
      return total(passDowns.filter((p) => p.payeeCode === code))
        .minus(total(passDowns.filter((p) => p.level === 'VILLAGE' && p.payerCode === code)))
        .toString();
    };

    const maker = await f.as(['BUREAU_APPROVER'], f.bureau);
    const drafted = await draftYear(f, maker);
    expect(drafted).toMatchObject({ state: 'DRAFT', draftedBy: maker.username, revision: 1 });
    const runs = await (await f.as(['AUDITOR'], f.bureau)).items(`/api/v1/job-runs?jobId=cycle.run.year-end.2026.${f.county}`);
    expect(runs).toEqual([
      expect.objectContaining({ jobName: 'cycle.run', outcome: 'DONE', attempt: 1, counts: expect.objectContaining({ created: true }) }),
    ]);
    expect(drafted.summary.communities).toEqual([
      expect.objectContaining({
        communityCode: f.community,
        communityPackage: '10000000.00',
        outOfCountyExpenditure: '1200000.00',
        totalExpenditure: '11000000.00',
        overspend: '1000000.00',
        surplus: '0.00',
        primaryAfterShares: '2514285.72',
        primaryShareOfPackage: '0.2514',
        floorViolation: false,
      }),
    ]);
    const line = (s: any) => [s.institutionCode, s.approvedConsumption, s.overspendShare, s.paidSoFar, s.balanceDue];
    // Paid so far: the 8 800 000 funded, split by approved amount; the balance is what the shares leave.
    expect(drafted.statements.map(line)).toEqual([
      [f.lead, '5200000.00', '530612.25', '4669387.76', '-0.01'],
      [townA, '1500000.00', '153061.22', '1346938.78', '0.00'],
      [townB, '1000000.00', '102040.82', '897959.18', '0.00'],
      [tcm, '1800000.00', '183673.47', '1616326.53', '0.00'],
      [villageA1, '300000.00', '30612.24', '269387.75', '0.01'],
    ]);
    // Each unit's "paid so far" is what its pass-downs brought it, to the fen.
    expect(drafted.statements.map((s: any) => [s.institutionCode, s.paidSoFar])).toEqual(
      drafted.statements.map((s: any) => [s.institutionCode, reached(s.institutionCode)]),
    );

    // The spreadsheet carries the same figures.
    const rows = await xlsxRows(maker, `/api/v1/year-end-settlements/${drafted.id}/export.xlsx`, f.community);
    const leadRow = rows.find((r) => r[0] === f.lead)!;
    expect([leadRow[3], leadRow[4], leadRow[10]]).toEqual([5200000, 530612.25, -0.01]);

    // The same cycle again: the same settlement, nothing new.
    const again = await maker.must('POST', '/api/v1/cycles/runs', { cycle: 'year-end', period: '2026' });
    expect(again[0].result).toMatchObject({ settlementId: drafted.id });
    // Maker-checker: the one who drafted cannot approve; another approver can.
    expect((await maker.post(`/api/v1/year-end-settlements/${drafted.id}/approve`, { version: drafted.version })).status).toBe(403);
    const checker = await f.as(['BUREAU_APPROVER', 'AUDITOR'], f.bureau);
    const approved = await checker.must('POST', `/api/v1/year-end-settlements/${drafted.id}/approve`, { version: drafted.version });
    expect(approved.state).toBe('APPROVED');
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    expect((await clerk.post(`/api/v1/year-end-settlements/${drafted.id}/post`, { version: approved.version })).status).toBe(202);
    expect((await clerk.post(`/api/v1/year-end-settlements/${drafted.id}/post`, { version: approved.version })).status).toBe(202);
    const posted = await eventually(async () => {
      const y = await clerk.must('GET', `/api/v1/year-end-settlements/${drafted.id}`);
      return y.state === 'POSTED' ? y : undefined;
    }, 'the posting');
    expect(posted.postedTransfers).toBe(posted.totalTransfers);

    // Balances: clearing empty, what the lead owes and what village A1 is owed, as the statements say.
    const balances = await accounts(clerk, f.county);
    expect(balances.get(`YEAR_END_CLEARING:${f.community}`)).toBe('0.00');
    expect(balances.get(`YEAR_END_RECEIVABLE:${f.lead}`)).toBe('-0.01');
    expect(balances.get(`YEAR_END_DUE:${villageA1}`)).toBe('0.01');
    expect(balances.get(`COMMUNITY_PACKAGE:${f.community}`)).toBe('0.00');
    // As the finance office reads them: what the lead owes is an asset (应收) on the debit side, what A1 is owed a liability.
    const presented = (await clerk.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`)).items;
    const shown = (code: string) => presented.find((a: { code: string }) => a.code === code);
    expect(shown(`YEAR_END_RECEIVABLE:${f.lead}`)).toMatchObject({
      nature: '资产',
      normalSide: '借',
      balanceSide: '借',
      balanceAmount: '0.01',
    });
    expect(shown(`YEAR_END_DUE:${villageA1}`)).toMatchObject({
      nature: '负债',
      normalSide: '贷',
      balanceSide: '贷',
      balanceAmount: '0.01',
    });
    expect(shown(`YEAR_END_CLEARING:${f.community}`)).toMatchObject({ balanceSide: '平', balanceAmount: '0.00' });
    for (const a of presented) expect([a.normalSide, '平']).toContain(a.balanceSide);
    const transfers = await api.dataSource.query(
      "SELECT COUNT(*) AS n FROM ledger_transfer WHERE reference_type = 'yearEndSettlement' AND reference_id = ?",
      [String(drafted.id)],
    );
    expect(Number(transfers[0].n)).toBe(posted.totalTransfers);
  });

  it('proposes a surplus tilted to primary care and tops the floor up from it', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    await approveOctober(f, clock, [
      [await f.as(['MEMBER_CLERK'], f.lead), [paidRecord('L-1', f.lead, '6000000.00')]],
      [await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '1000000.00')]],
    ]);
    const drafted = await draftYear(f, await f.as(['BUREAU_CLERK'], f.bureau));
    // S = 3 000 000; weighted 6 000 000 : 1 500 000 → 2 400 000 / 600 000; primary 1 600 000 is short of 2 500 000 by 900 000.
    expect(drafted.summary.communities[0]).toMatchObject({
      surplus: '3000000.00',
      overspend: '0.00',
      primaryAfterShares: '2500000.00',
      floorViolation: false,
      floor: expect.objectContaining({ required: '2500000.00', shortfall: '0.00' }),
    });
    expect(drafted.statements.map((s: any) => [s.institutionCode, s.surplusShare, s.floorTopUp, s.paidSoFar, s.balanceDue])).toEqual([
      [f.lead, '2400000.00', '-900000.00', '6000000.00', '1500000.00'],
      [f.townships[0], '600000.00', '900000.00', '1000000.00', '1500000.00'],
    ]);
    // The year waits for its surplus plan; the county government approves the default proposal, the lead executes it.
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    await executeSurplusPlan(f, 2026);
    const planned = await clerk.must('GET', `/api/v1/year-end-settlements/${drafted.id}`);
    expect(planned.statements.map((s: any) => [s.institutionCode, s.surplusShare, s.floorTopUp, s.balanceDue])).toEqual([
      [f.lead, '1500000.00', '0.00', '1500000.00'],
      [f.townships[0], '1500000.00', '0.00', '1500000.00'],
    ]);
    const approved = await (
      await f.as(['BUREAU_APPROVER'], f.bureau)
    ).must('POST', `/api/v1/year-end-settlements/${drafted.id}/approve`, { version: planned.version });
    await clerk.must('POST', `/api/v1/year-end-settlements/${drafted.id}/post`, { version: approved.version });
    await eventually(
      async () => ((await clerk.must('GET', `/api/v1/year-end-settlements/${drafted.id}`)).state === 'POSTED' ? true : undefined),
      'the posting',
    );
    const balances = await accounts(clerk, f.county);
    expect([
      balances.get(`YEAR_END_DUE:${f.lead}`),
      balances.get(`YEAR_END_DUE:${f.townships[0]}`),
      balances.get(`YEAR_END_CLEARING:${f.community}`),
      balances.get(`COMMUNITY_PACKAGE:${f.community}`),
    ]).toEqual(['1500000.00', '1500000.00', '0.00', '0.00']);
    // The lead unit reads its community's part; a township cannot.
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    expect((await lead.must('GET', `/api/v1/communities/${f.community}/year-end-statements/2026`)).items).toHaveLength(2);
    expect(
      (await (await f.as(['MEMBER_CLERK'], f.townships[0])).get(`/api/v1/communities/${f.community}/year-end-statements/2026`)).status,
    ).toBe(403);
    // A township reads its own statement, not the lead's.
    const township = await f.as(['MEMBER_CLERK'], f.townships[0]);
    expect((await township.must('GET', `/api/v1/institutions/${f.townships[0]}/year-end-statement/2026`)).statement).toMatchObject({
      surplusShare: '1500000.00',
      floorTopUp: '0.00',
      balanceDue: '1500000.00',
    });
    expect((await township.get(`/api/v1/institutions/${f.lead}/year-end-statement/2026`)).status).toBe(404);
    // A year outside 2000-2100 is refused naming the field, on every year-end route.
    for (const [client, path] of [
      [township, `/api/v1/institutions/${f.townships[0]}/year-end-statement/1999`],
      [lead, `/api/v1/communities/${f.community}/year-end-statements/2101`],
      [await f.as(['BUREAU_CLERK'], f.bureau), `/api/v1/counties/${f.county}/year-end-settlements/1999`],
    ] as const) {
      const refused = await client.get(path);
      expect([path, refused.status, refused.body.details]).toEqual([
        path,
        422,
        [expect.objectContaining({ field: 'fundYear', rule: 'range' })],
      ]);
    }
  });

  it('releases the quality deposit by the performance score and settles private institutions within their budgets', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    const approver = await f.as(['BUREAU_APPROVER'], f.bureau);
    const params = await clerk.must('GET', `/api/v1/counties/${f.county}/policy-parameters/2026`);
    await clerk.must('PUT', `/api/v1/counties/${f.county}/policy-parameters/2026`, { version: params.version, qualityDepositRate: '0.05' });
    await approveOctober(f, clock, [
      [await f.as(['MEMBER_CLERK'], f.lead), [paidRecord('L-1', f.lead, '3000000.00')]],
      [await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '1000000.00')]],
    ]);
    // A private hospital: budget 1 200 000; October's 1 100 000 is funded up to 1 200 000 × 10 / 12, less 5%.
    const hospitalCode = `${f.county}-PRV-1`;
    await f.admin.must('POST', '/api/v1/institutions', {
      code: hospitalCode,
      name: '民营医院',
      type: 'PRIVATE_DESIGNATED',
      countyCode: f.county,
    });
    await clerk.must('PUT', `/api/v1/counties/${f.county}/private-budgets/2026`, {
      budgets: [{ institutionCode: hospitalCode, amount: '1200000.00' }],
    });
    clock.fix('2026-10-31');
    const hospital = await f.as(['PRIVATE_CLERK'], hospitalCode);
    await hospital.must('POST', '/api/v1/settlement-records', { records: [paidRecord('P-1', hospitalCode, '1100000.00')] });
    const [claim] = await hospital.items('/api/v1/member-claims?state=OPEN');
    const submitted = await hospital.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
    clock.fix('2026-11-04');
    const reviewed = await clerk.must('POST', `/api/v1/member-claims/${claim.id}/complete-review`, {
      version: submitted.version,
      acceptPending: true,
    });
    expect(await approver.must('POST', `/api/v1/member-claims/${claim.id}/private-payment`, { version: reviewed.version })).toMatchObject({
      funded: '1000000.00',
      deposit: '50000.00',
      cash: '950000.00',
    });

    const drafted = await draftYear(f, clerk);
    const { score } = await clerk.must('GET', `/api/v1/communities/${f.community}/assessments/2026`);
    const community = drafted.summary.communities[0];
    // 5% of the 4 000 000 funded was withheld; the score decides how much of it comes back.
    const released = Money.roundHalfUp(Money.of('200000.00').times(score).dividedBy(100)).toString();
    expect(community).toMatchObject({ score, depositWithheld: '200000.00', depositReleased: released });
    const members = drafted.statements.filter((s: any) => s.kind === 'MEMBER');
    expect(members.map((s: any) => s.depositWithheld)).toEqual(['150000.00', '50000.00']);
    expect(Money.sum(members.map((s: any) => Money.of(s.depositRelease))).toString()).toBe(released);
    // Within budget: actual 1 100 000 plus half the unspent 100 000; 950 000 was funded in cash, so 200 000 is due.
    expect(drafted.statements.filter((s: any) => s.kind === 'PRIVATE')).toEqual([
      expect.objectContaining({
        institutionCode: hospitalCode,
        approvedConsumption: '1100000.00',
        surplusShare: '50000.00',
        overspendShare: '0.00',
        depositWithheld: '50000.00',
        depositRelease: '50000.00',
        paidSoFar: '950000.00',
        balanceDue: '200000.00',
      }),
    ]);
    expect(drafted.summary.privateInstitutions).toEqual({ count: 1, balanceDue: '200000.00' });

    await executeSurplusPlan(f, 2026);
    const planned = await clerk.must('GET', `/api/v1/year-end-settlements/${drafted.id}`);
    const approved = await approver.must('POST', `/api/v1/year-end-settlements/${drafted.id}/approve`, { version: planned.version });
    await clerk.must('POST', `/api/v1/year-end-settlements/${drafted.id}/post`, { version: approved.version });
    await eventually(
      async () => ((await clerk.must('GET', `/api/v1/year-end-settlements/${drafted.id}`)).state === 'POSTED' ? true : undefined),
      'the posting',
    );
    const balances = await accounts(clerk, f.county);
    expect(balances.get(`PRIVATE_PAYABLE:${hospitalCode}`)).toBe('1150000.00');
    expect(balances.get(`PRIVATE_DEPOSIT:${hospitalCode}`)).toBe('0.00');
    expect(balances.get(`QUALITY_DEPOSIT:${f.community}`)).toBe('0.00');
    expect(balances.get(`YEAR_END_CLEARING:${f.community}`)).toBe('0.00');
  });

  it('runs a cycle once however often it is triggered or delivered, and posts each transfer once with two workers at once', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    await approveOctober(f, clock, [[await f.as(['MEMBER_CLERK'], f.townships[0]), [paidRecord('T-1', f.townships[0], '1000.00')]]]);
    const second = await startWorker(WORKER_ENV);
    try {
      const county = (await api.dataSource.query('SELECT id FROM county WHERE code = ?', [f.county]))[0].id;
      // The same run delivered to both workers at once (at-least-once delivery): one result, one draft.
      const payload = { cycle: 'year-end' as const, period: '2026', scope: f.county, requestedBy: 'clerk' };
      const results = await Promise.all([
        worker.get(CycleRunnerService).run(payload),
        second.get(CycleRunnerService).run(payload),
        worker.get(CycleRunnerService).run(payload),
      ]);
      expect(results.filter((r) => 'alreadyDone' in r)).toHaveLength(2);
      expect(
        (await api.dataSource.query("SELECT COUNT(*) AS n FROM cycle_result WHERE cycle = 'year-end' AND scope = ?", [f.county]))[0].n,
      ).toBe('1');
      expect((await api.dataSource.query('SELECT COUNT(*) AS n FROM year_end_settlement WHERE county_id = ?', [county]))[0].n).toBe('1');
      const [{ id }] = await api.dataSource.query('SELECT id FROM year_end_settlement WHERE county_id = ?', [county]);
      const y = await f.as(['BUREAU_APPROVER'], f.bureau);
      await executeSurplusPlan(f, 2026);
      const view = await y.must('GET', `/api/v1/year-end-settlements/${id}`);
      await y.must('POST', `/api/v1/year-end-settlements/${id}/approve`, { version: view.version });
      // Both workers post the same settlement at once: every transfer once.
      const [a, b] = await Promise.all([
        worker.get(YearEndService).post({ settlementId: Number(id) }),
        second.get(YearEndService).post({ settlementId: Number(id) }),
      ]);
      expect(a.posted + b.posted).toBe(a.transfers);
      const rows = await api.dataSource.query(
        "SELECT COUNT(*) AS n FROM ledger_transfer WHERE reference_type = 'yearEndSettlement' AND reference_id = ?",
        [String(id)],
      );
      expect(Number(rows[0].n)).toBe(a.transfers);
      expect((await y.must('GET', `/api/v1/year-end-settlements/${id}`)).state).toBe('POSTED');
      // A posted settlement is never drafted again.
      expect((await y.post(`/api/v1/year-end-settlements/${id}/redraft`, { version: view.version + 1 })).status).toBe(409);
    } finally {
      await second.close();
    }
  });
});
