import { BusinessClock } from '../../src/common/business-clock';
import { approveOctober, paidRecord } from '../support/claim-month';
import {
  approvedAllocation,
  CommunityFixture,
  createCommunityFixture,
  SMALL_COUNTY,
  TEN_MILLION_PACKAGE,
} from '../support/registry-fixtures';
import { ApiClient, RunningApi, startApi, tableFingerprint } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

/** The county's finance bureau and prefecture bureau, each with an APPROVER, as the demo county has them. */
async function approvingBodies(f: CommunityFixture): Promise<{ finance: ApiClient; prefecture: ApiClient }> {
  for (const [suffix, type, name] of [
    ['CZJ', 'FINANCE_BUREAU', '县财政局'],
    ['ZYBJ', 'PREFECTURE_BUREAU', '州医保局'],
  ])
    await f.admin.must('POST', '/api/v1/institutions', { code: `${f.county}-${suffix}`, name, type, countyCode: f.county });
  return {
    finance: await f.as(['APPROVER'], `${f.county}-CZJ`),
    prefecture: await f.as(['APPROVER'], `${f.county}-ZYBJ`),
  };
}

const increase = (f: CommunityFixture, amount: string, purpose = '医共体打包资金不足，申请调剂金补充') => ({
  fundYear: 2026,
  purpose,
  amount,
  target: { kind: 'PACKAGE_INCREASE', communityCode: f.community },
  reason: '住院人次较上年同期增长 18%，基金支出进度超过 110%',
  attachments: [{ name: '基金运行分析报告.pdf', reference: 'YBJ-2026-017' }],
});

describe('adjustment reserve use (调剂金, SPEC §9.1)', () => {
  let api: RunningApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(async () => {
    await api.close();
  });

  async function packageBalance(client: ApiClient, f: CommunityFixture): Promise<string> {
    const ledger = await client.must('GET', `/api/v1/counties/${f.county}/ledger/2026/accounts`);
    return ledger.items.find((a: { code: string }) => a.code === `COMMUNITY_PACKAGE:${f.community}`).balance;
  }

  async function reserveBalance(client: ApiClient, county: string): Promise<string> {
    const ledger = await client.must('GET', `/api/v1/counties/${county}/ledger/2026/accounts`);
    expect(ledger.reconciled).toBe(true);
    const items: { code: string; balance: string }[] = ledger.items;
    return items.find((a) => a.code === 'ADJUSTMENT_RESERVE')!.balance;
  }

  /** Applies, submits, and has both bodies agree; returns the approved use. */
  async function approvedUse(
    f: CommunityFixture,
    bodies: { finance: ApiClient; prefecture: ApiClient },
    clerk: ApiClient,
    amount: string,
  ): Promise<any> {
    const draft = await clerk.must('POST', `/api/v1/counties/${f.county}/reserve-uses`, increase(f, amount));
    const submitted = await clerk.must('POST', `/api/v1/reserve-uses/${draft.id}/submit`, { version: draft.version });
    const agreed = await bodies.finance.must('POST', `/api/v1/reserve-uses/${draft.id}/approve`, {
      version: submitted.version,
      step: 'financeAgrees',
    });
    return bodies.prefecture.must('POST', `/api/v1/reserve-uses/${draft.id}/approve`, {
      version: agreed.version,
      step: 'prefectureReviews',
    });
  }

  it('bureau applies, finance returns with a comment, bureau resubmits, finance and prefecture agree, bureau executes: M rises', async () => {
    const f = await createCommunityFixture(api, 1);
    const allocated = await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    const bodies = await approvingBodies(f);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    expect(await reserveBalance(clerk, f.county)).toBe('2250000.00');

    const draft = await clerk.must('POST', `/api/v1/counties/${f.county}/reserve-uses`, increase(f, '1000000.00'));
    expect(draft).toMatchObject({
      amount: '1000000.00',
      target: { kind: 'PACKAGE_INCREASE', communityCode: f.community },
      reserveBalance: '2250000.00',
      chain: { status: 'DRAFT' },
      allowedActions: ['submit', 'withdraw'],
    });
    // The finance bureau can read it but has nothing to do on a draft.
    expect((await bodies.finance.must('GET', `/api/v1/reserve-uses/${draft.id}`)).allowedActions).toEqual([]);

    const submitted = await clerk.must('POST', `/api/v1/reserve-uses/${draft.id}/submit`, { version: draft.version });
    expect(submitted.chain.status).toBe('IN_REVIEW');
    expect(submitted.chain.steps).toEqual([
      expect.objectContaining({ key: 'financeAgrees', title: '财政局同意', status: 'OPEN', deadline: expect.stringMatching(/^2\d{3}-/) }),
      expect.objectContaining({ key: 'prefectureReviews', status: 'WAITING', deadline: null }),
    ]);
    // The finance bureau is told, and now may act on its step; the prefecture not yet.
    const notices = await bodies.finance.must('GET', '/api/v1/notifications?kind=GOVERNANCE_STEP');
    expect(notices.items).toEqual([expect.objectContaining({ subjectType: 'reserveUse', subjectId: String(draft.id) })]);
    expect((await bodies.finance.must('GET', `/api/v1/reserve-uses/${draft.id}`)).allowedActions).toEqual(['approve', 'return', 'reject']);
    // It waits in the finance bureau's inbox, with the step's deadline; in nobody else's.
    const financeInbox = await bodies.finance.items('/api/v1/inbox');
    expect(financeInbox).toEqual([
      expect.objectContaining({
        kind: 'reserveUseToAct',
        id: draft.id,
        amount: '1000000.00',
        deadline: submitted.chain.steps[0].deadline,
        link: `/api/v1/reserve-uses/${draft.id}`,
      }),
    ]);
    expect((await bodies.prefecture.items('/api/v1/inbox')).filter((i: { kind: string }) => i.kind === 'reserveUseToAct')).toEqual([]);
    const early = await bodies.prefecture.post(`/api/v1/reserve-uses/${draft.id}/approve`, {
      version: submitted.version,
      step: 'prefectureReviews',
    });
    expect([early.status, early.body.code]).toEqual([409, 'STEP_NOT_OPEN']);

    // A return needs a comment saying why; with one, the chain goes back to the bureau.
    const bare = await bodies.finance.post(`/api/v1/reserve-uses/${draft.id}/return`, {
      version: submitted.version,
      step: 'financeAgrees',
    });
    expect([bare.status, bare.body.code, bare.body.details[0].field]).toEqual([422, 'COMMENT_REQUIRED', 'comment']);
    const returned = await bodies.finance.must('POST', `/api/v1/reserve-uses/${draft.id}/return`, {
      version: submitted.version,
      step: 'financeAgrees',
      comment: '请补充第三季度基金运行分析',
    });
    expect(returned.chain.status).toBe('RETURNED');
    const resubmitted = await clerk.must('POST', `/api/v1/reserve-uses/${draft.id}/submit`, { version: returned.version });
    const agreed = await bodies.finance.must('POST', `/api/v1/reserve-uses/${draft.id}/approve`, {
      version: resubmitted.version,
      step: 'financeAgrees',
    });
    expect(agreed.chain.steps.map((s: { status: string }) => s.status)).toEqual(['APPROVED', 'OPEN']);
    const approved = await bodies.prefecture.must('POST', `/api/v1/reserve-uses/${draft.id}/approve`, {
      version: agreed.version,
      step: 'prefectureReviews',
      comment: '同意',
    });
    expect(approved.chain.status).toBe('APPROVED');

    // Approved, it waits in the bureau clerk's inbox to be executed.
    expect((await clerk.items('/api/v1/inbox')).filter((i: { kind: string }) => i.kind === 'reserveUseToAct')).toEqual([
      expect.objectContaining({ id: draft.id, deadline: null }),
    ]);
    // Only the bureau executes; an approving body may not.
    const byPrefecture = await bodies.prefecture.post(`/api/v1/reserve-uses/${draft.id}/execute`, { version: approved.version });
    expect(byPrefecture.status).toBe(403);
    const executed = await clerk.must('POST', `/api/v1/reserve-uses/${draft.id}/execute`, { version: approved.version });
    expect(executed).toMatchObject({ chain: { status: 'EXECUTED' }, reserveBalance: '1250000.00', executedBy: clerk.username });
    expect(executed.chain.history.map((h: any) => [h.action, h.step, h.username, h.institutionCode, h.comment])).toEqual([
      ['submit', null, clerk.username, f.bureau, null],
      ['return', 'financeAgrees', bodies.finance.username, `${f.county}-CZJ`, '请补充第三季度基金运行分析'],
      ['submit', null, clerk.username, f.bureau, null],
      ['approve', 'financeAgrees', bodies.finance.username, `${f.county}-CZJ`, null],
      ['approve', 'prefectureReviews', bodies.prefecture.username, `${f.county}-ZYBJ`, '同意'],
      ['execute', null, clerk.username, f.bureau, null],
    ]);
    expect(await reserveBalance(clerk, f.county)).toBe('1250000.00');

    // The community's M is the allocated package plus the increase, with why.
    const allocation = await clerk.must('GET', `/api/v1/allocations/${allocated.id}`);
    expect(allocation.communities[0]).toMatchObject({
      package: '10000000.00',
      effectivePackage: '11000000.00',
      increases: [
        { amount: '1000000.00', sourceType: 'reserveUse', sourceId: String(draft.id), reason: expect.stringContaining('调剂金使用') },
      ],
    });
    // Executing again changes nothing.
    const again = await clerk.post(`/api/v1/reserve-uses/${draft.id}/execute`, { version: executed.version });
    expect([again.status, again.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(await reserveBalance(clerk, f.county)).toBe('1250000.00');
  });

  it('a rejection ends the chain, and nothing is posted', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    const bodies = await approvingBodies(f);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    const draft = await clerk.must('POST', `/api/v1/counties/${f.county}/reserve-uses`, {
      ...increase(f, '500000.00'),
      target: { kind: 'DIRECT_PAYMENT', risk: '重大疫情救治费用' },
    });
    const submitted = await clerk.must('POST', `/api/v1/reserve-uses/${draft.id}/submit`, { version: draft.version });
    const rejected = await bodies.finance.must('POST', `/api/v1/reserve-uses/${draft.id}/reject`, {
      version: submitted.version,
      step: 'financeAgrees',
      comment: '不属于调剂金使用范围',
    });
    expect([rejected.chain.status, rejected.chain.steps[0].status, rejected.allowedActions]).toEqual(['REJECTED', 'REJECTED', []]);
    const executed = await clerk.post(`/api/v1/reserve-uses/${draft.id}/execute`, { version: rejected.version });
    expect([executed.status, executed.body.code]).toEqual([409, 'ILLEGAL_TRANSITION']);
    expect(await reserveBalance(clerk, f.county)).toBe('2250000.00');
  });

  it('refuses an application beyond the reserve, and writes nothing', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    const before = await tableFingerprint(api.dataSource);
    const res = await clerk.post(`/api/v1/counties/${f.county}/reserve-uses`, increase(f, '2250000.01'));
    expect([res.status, res.body.code, res.body.details[0]]).toEqual([
      409,
      'RESERVE_INSUFFICIENT',
      expect.objectContaining({ field: 'amount', rule: 'withinReserveBalance', message: 'balance 2250000.00, shortfall 0.01' }),
    ]);
    expect(await tableFingerprint(api.dataSource)).toBe(before);
  });

  it('two approved uses executed at once that together exceed the reserve: exactly one executes, the other is refused naming the balance', async () => {
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, TEN_MILLION_PACKAGE);
    const bodies = await approvingBodies(f);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    const a = await approvedUse(f, bodies, clerk, '1500000.00');
    const b = await approvedUse(f, bodies, clerk, '1500000.00');
    const results = await Promise.all([a, b].map((u) => clerk.post(`/api/v1/reserve-uses/${u.id}/execute`, { version: u.version })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const refused = results.find((r) => r.status === 409)!;
    expect(refused.body).toMatchObject({
      code: 'RESERVE_INSUFFICIENT',
      details: [{ field: 'amount', rule: 'withinReserveBalance', message: 'balance 750000.00, shortfall 750000.00' }],
    });
    expect(await reserveBalance(clerk, f.county)).toBe('750000.00');
    const states = await Promise.all([a, b].map((u) => clerk.must('GET', `/api/v1/reserve-uses/${u.id}`)));
    expect(states.map((s) => s.chain.status).sort()).toEqual(['APPROVED', 'EXECUTED']);
    // The register (调剂金使用登记簿) shows both, newest first, with amount, target and status.
    const rows = await xlsxRows(bodies.finance, `/api/v1/counties/${f.county}/reserve-uses/export.xlsx`);
    expect(rows[0]).toEqual([`${f.county} 调剂金使用登记簿`]);
    expect(rows[1]).toEqual([
      '编号',
      '年度',
      '用途',
      '金额（元）',
      '去向',
      '申请人',
      '申请时间',
      '状态',
      '当前环节',
      '最近意见',
      '执行日期',
      '执行人',
    ]);
    expect(rows.slice(2).map((r) => [r[0], r[3], r[4], r[7]])).toEqual(
      [b, a].map((u) => [
        u.id,
        1500000,
        `调增打包额度 ${f.community}`,
        states.find((s) => s.id === u.id)!.chain.status === 'EXECUTED' ? '已执行' : '已批准',
      ]),
    );
  });
  it('the funding cap (cumulative funding ≤ M) holds against the raised M', async () => {
    // SMALL_COUNTY: M = 7 225.00, reserve 1 500.00. October asks 8 000.00: 7 225.00 funded, 775.00 unfunded.
    const f = await createCommunityFixture(api, 1);
    await approvedAllocation(f, 2026, SMALL_COUNTY);
    const clock = api.app.get(BusinessClock);
    const township = await f.as(['MEMBER_CLERK'], f.townships[0]);
    const october = await approveOctober(f, clock, [[township, [paidRecord('CAP-1', f.townships[0], '8000.00')]]]);
    expect([october.funded, october.unfunded]).toEqual(['7225.00', '775.00']);

    // The reserve raises M by 1 000.00.
    const bodies = await approvingBodies(f);
    const clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    const use = await approvedUse(f, bodies, clerk, '1000.00');
    await clerk.must('POST', `/api/v1/reserve-uses/${use.id}/execute`, { version: use.version });

    // November asks 1 500.00: only what is left of the raised M (1 000.00) is funded.
    clock.fix('2026-11-30');
    await township.must('POST', '/api/v1/settlement-records', {
      records: [paidRecord('CAP-2', f.townships[0], '1500.00')].map((r) => ({
        ...r,
        visitDate: '2026-11-12',
        settlementDate: '2026-11-12',
      })),
    });
    const [claim] = await township.items('/api/v1/member-claims?period=2026-11');
    await township.must('POST', `/api/v1/member-claims/${claim.id}/submit`, { version: claim.version });
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    await lead.must('POST', `/api/v1/member-claims/${claim.id}/complete-review`, { version: claim.version + 1, acceptPending: true });
    clock.fix('2026-12-02');
    const declared = await lead.must('POST', `/api/v1/communities/${f.community}/declarations`, { period: '2026-11' });
    const reviewed = await clerk.must('POST', `/api/v1/declarations/${declared.id}/complete-review`, { version: declared.version });
    const approved = await (
      await f.as(['BUREAU_APPROVER'], f.bureau)
    ).must('POST', `/api/v1/declarations/${declared.id}/approve`, {
      version: reviewed.version,
    });
    expect([approved.approved, approved.funded, approved.unfunded]).toEqual(['1500.00', '1000.00', '500.00']);
    expect(await packageBalance(clerk, f)).toBe('0.00');
  });
});
