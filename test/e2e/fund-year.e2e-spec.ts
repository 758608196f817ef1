import { Money } from '../../src/domain/money';
import { approvedAllocation, createCommunityFixture, CommunityFixture, WORKED_EXAMPLE_INPUTS } from '../support/registry-fixtures';
import { ApiClient, http, RunningApi, startApi } from '../support/test-app';
import { xlsxRows } from '../support/xlsx';

const cellYuan = (value: unknown) =>
  Money.roundHalfUp(Money.of(String(value ?? 0).includes('.') || /^\d+$/.test(String(value)) ? String(value) : '0').toDecimal()).toString();

describe('fund year over HTTP', () => {
  let api: RunningApi;
  let f: CommunityFixture;
  let clerk: ApiClient;
  let approver: ApiClient;

  beforeAll(async () => {
    api = await startApi();
    f = await createCommunityFixture(api, 2);
    clerk = await f.as(['BUREAU_CLERK'], f.bureau);
    approver = await f.as(['BUREAU_APPROVER'], f.bureau);
  });
  afterAll(() => api.close());

  const transferCount = async (allocationId: number) =>
    Number(
      (
        await api.dataSource.query("SELECT COUNT(*) AS n FROM ledger_transfer WHERE reference_type = 'allocation' AND reference_id = ?", [
          String(allocationId),
        ])
      )[0].n,
    );

  it('reproduces SPEC §3’s worked example exactly, returning every figure by name', async () => {
    const res = await clerk.post('/api/v1/allocations', { countyCode: f.county, fundYear: 2021, ...WORKED_EXAMPLE_INPUTS });
    expect(res.status).toBe(201);
    expect(res.body.figures).toEqual({
      raisedTotal: '260573877.89',
      adjustmentReserve: '39086081.68',
      criticalIllnessFund: '20309705.00',
      netBase: '198328791.21',
      communityBaseShare: '151721525.28',
      increasePool: '16857947.25',
      communityIncrease: '15357947.25',
      communityPackage: '167079472.53',
      privatePool: '29749318.68',
    });
    expect(res.body).toMatchObject({
      state: 'DRAFT',
      communities: [{ communityCode: f.community, package: '167079472.53' }],
      allowedActions: ['submit'],
    });
  });

  it('previews a draft’s figures without storing anything, with the same validation as a draft', async () => {
    const audited = async () => Number((await api.dataSource.query('SELECT COUNT(*) AS n FROM audit_log'))[0].n);
    const before = await audited();
    const res = await clerk.post('/api/v1/allocations/preview', { countyCode: f.county, fundYear: 2018, ...WORKED_EXAMPLE_INPUTS });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      countyCode: f.county,
      fundYear: 2018,
      figures: { raisedTotal: '260573877.89', netBase: '198328791.21', communityPackage: '167079472.53', privatePool: '29749318.68' },
      communities: [{ communityCode: f.community, package: '167079472.53' }],
    });
    expect((await clerk.get('/api/v1/allocations?fundYear=2018')).body.total).toBe(0);
    expect(await audited()).toBe(before);
    const bad = await approver.post('/api/v1/allocations/preview', {
      countyCode: f.county,
      fundYear: 2018,
      ...WORKED_EXAMPLE_INPUTS,
      insuredCount: '0',
    });
    const refusedDraft = await clerk.post('/api/v1/allocations', {
      countyCode: f.county,
      fundYear: 2018,
      ...WORKED_EXAMPLE_INPUTS,
      insuredCount: '0',
    });
    expect([bad.status, bad.body.code]).toEqual([refusedDraft.status, refusedDraft.body.code]);
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    expect(
      (await lead.post('/api/v1/allocations/preview', { countyCode: f.county, fundYear: 2018, ...WORKED_EXAMPLE_INPUTS })).status,
    ).toBe(403);
  });

  it('keeps every saved version of a year’s policy parameters readable, newest first', async () => {
    const path = `/api/v1/counties/${f.county}/policy-parameters/2099`;
    expect((await clerk.must('GET', `${path}/versions`)).total).toBe(0);
    const first = await clerk.must('PUT', path, { version: 0, burnWatch: '1.06' });
    await clerk.must('PUT', path, { version: first.version, burnWatch: '1.07' });
    const versions = await clerk.must('GET', `${path}/versions`);
    expect(
      versions.items.map((v: { version: number; values: { burnWatch: string }; changedBy: string }) => [
        v.version,
        v.values.burnWatch,
        v.changedBy,
      ]),
    ).toEqual([
      [2, '1.07', clerk.username],
      [1, '1.06', clerk.username],
    ]);
  });

  it('never lets the person who drafted and submitted an allocation approve it', async () => {
    const both = await f.as(['BUREAU_CLERK', 'BUREAU_APPROVER'], f.bureau);
    const draft = await both.must('POST', '/api/v1/allocations', { countyCode: f.county, fundYear: 2019, ...WORKED_EXAMPLE_INPUTS });
    const submitted = await both.must('POST', `/api/v1/allocations/${draft.id}/submit`, { version: draft.version });
    const self = await both.post(`/api/v1/allocations/${draft.id}/approve`, { version: submitted.version });
    expect(self.status).toBe(403);
    expect(self.body.code).toBe('MAKER_CHECKER_VIOLATION');
    expect(await transferCount(draft.id)).toBe(0);
    const other = await approver.post(`/api/v1/allocations/${draft.id}/approve`, { version: submitted.version });
    expect(other.body).toMatchObject({ state: 'APPROVED', approvedBy: approver.username });
  });

  it('posts exactly one set of ledger transfers however many approvals race', async () => {
    const [list] = (await clerk.get(`/api/v1/allocations?fundYear=2021`)).body.items;
    const submitted = await clerk.must('POST', `/api/v1/allocations/${list.id}/submit`, { version: list.version });
    const second = await f.as(['BUREAU_APPROVER', 'AUDITOR'], f.bureau);
    const answers = await Promise.all(
      [approver, second, approver, second, approver, second].map((c) =>
        c.post(`/api/v1/allocations/${list.id}/approve`, { version: submitted.version }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(answers.map((a) => a.body.approvedBy)).size).toBe(1);
    expect(await transferCount(list.id)).toBe(7);
    await approver.post(`/api/v1/allocations/${list.id}/approve`, { version: submitted.version });
    expect(await transferCount(list.id)).toBe(7);

    const ledger = await clerk.get(`/api/v1/counties/${f.county}/ledger/2021/accounts`);
    const balance = (code: string) => ledger.body.items.find((a: { code: string }) => a.code === code)?.balance;
    expect(ledger.body).toMatchObject({ reconciled: true });
    expect(ledger.body.totalDebits).toBe(ledger.body.totalCredits);
    expect(balance('FUND_POOL')).toBe('0.00');
    expect(balance(`COMMUNITY_PACKAGE:${f.community}`)).toBe('167079472.53');
    expect(balance('ADJUSTMENT_RESERVE')).toBe('39086081.68');
    expect(balance('FUND_SOURCE')).toBe('-260573877.89');
  });

  it('presents the ledger as a finance office reads it: nature, normal side, 余额方向 and entries, in the API and the spreadsheet', async () => {
    const ledger = await clerk.must('GET', `/api/v1/counties/${f.county}/ledger/2021/accounts`);
    const account = (code: string) => ledger.items.find((a: { code: string }) => a.code === code);
    // The fund source keeps its signed balance, and reads as 借 260 573 877.89 on an asset's normal side.
    expect(account('FUND_SOURCE')).toEqual({
      code: 'FUND_SOURCE',
      debits: '260573877.89',
      credits: '0.00',
      balance: '-260573877.89',
      name: '筹资来源（筹资到账）',
      nature: '资产',
      normalSide: '借',
      balanceSide: '借',
      balanceAmount: '260573877.89',
    });
    expect(account(`COMMUNITY_PACKAGE:${f.community}`)).toMatchObject({
      name: `医共体打包资金 ${f.community}`,
      nature: '净资产',
      normalSide: '贷',
      balanceSide: '贷',
      balanceAmount: '167079472.53',
    });
    expect(account('FUND_POOL')).toMatchObject({ balanceSide: '平', balanceAmount: '0.00' });
    expect(account('POLICY_ADJUSTMENT')).toMatchObject({ nature: '支出', balanceSide: '贷', balanceAmount: '1500000.00' });
    for (const a of ledger.items) expect([a.normalSide, '平']).toContain(a.balanceSide);
    expect(ledger.trialBalance).toEqual({ debitBalances: '260573877.89', creditBalances: '260573877.89', balanced: true });

    const transfers = await clerk.items(`/api/v1/counties/${f.county}/ledger/2021/transfers`);
    expect(transfers[0]).toMatchObject({
      debit: 'FUND_SOURCE',
      credit: 'FUND_POOL',
      amount: '260573877.89',
      entry: {
        summary: '筹资总额 F',
        lines: [
          { side: '借', account: 'FUND_SOURCE', accountName: '筹资来源（筹资到账）', amount: '260573877.89' },
          { side: '贷', account: 'FUND_POOL', accountName: '县级统筹基金（待分配）', amount: '260573877.89' },
        ],
      },
    });

    // (Empty rows are not read: the title, then the header.)
    const balances = await xlsxRows(clerk, `/api/v1/counties/${f.county}/ledger/2021/export.xlsx`, '科目余额表');
    expect(balances[1]).toEqual(['科目编码', '科目名称', '性质', '正常余额方向', '借方发生额', '贷方发生额', '余额方向', '余额']);
    expect(balances.find((r) => r[0] === 'FUND_SOURCE')).toEqual([
      'FUND_SOURCE',
      '筹资来源（筹资到账）',
      '资产',
      '借',
      260573877.89,
      0,
      '借',
      260573877.89,
    ]);
    expect(balances.find((r) => r[0] === '借方余额合计')?.[1]).toBe(260573877.89);
    expect(balances.find((r) => r[0] === '贷方余额合计')?.[1]).toBe(260573877.89);
    expect(balances.find((r) => r[0] === '试算平衡')?.[1]).toBe('平衡');
    const entries = await xlsxRows(clerk, `/api/v1/counties/${f.county}/ledger/2021/export.xlsx`, '记账分录');
    expect(entries.slice(2, 4).map((r) => [r[2], r[3], r[4], r[6]])).toEqual([
      ['筹资总额 F', '借', 'FUND_SOURCE', 260573877.89],
      ['筹资总额 F', '贷', 'FUND_POOL', 260573877.89],
    ]);
    expect(entries.length - 2).toBe(2 * transfers.length);
    // Read-only, and only for the bureau and auditors of the county.
    const member = await f.as(['MEMBER_CLERK'], f.lead);
    expect((await member.get(`/api/v1/counties/${f.county}/ledger/2021/export.xlsx`)).status).toBe(403);
  });

  it('keeps an approved allocation immutable; a correction is a new version that re-posts the difference', async () => {
    const [current] = (await clerk.get(`/api/v1/allocations?fundYear=2021`)).body.items;
    expect((await clerk.patch(`/api/v1/allocations/${current.id}`, { version: current.version, ...WORKED_EXAMPLE_INPUTS })).body.code).toBe(
      'DOCUMENT_NOT_EDITABLE',
    );
    const correction = await clerk.must('POST', `/api/v1/allocations/${current.id}/corrections`, {
      ...WORKED_EXAMPLE_INPUTS,
      policyAdjustmentExpenditure: '2500000.00',
    });
    expect(correction).toMatchObject({
      state: 'DRAFT',
      supersedesId: current.id,
      documentVersion: 2,
      figures: { communityPackage: '166079472.53' },
    });
    const submitted = await clerk.must('POST', `/api/v1/allocations/${correction.id}/submit`, { version: correction.version });
    await approver.must('POST', `/api/v1/allocations/${correction.id}/approve`, { version: submitted.version });
    expect((await clerk.get(`/api/v1/allocations/${current.id}`)).body.state).toBe('SUPERSEDED');
    const ledger = await clerk.get(`/api/v1/counties/${f.county}/ledger/2021/accounts`);
    const balance = (code: string) => ledger.body.items.find((a: { code: string }) => a.code === code)?.balance;
    expect(balance(`COMMUNITY_PACKAGE:${f.community}`)).toBe('166079472.53');
    expect(balance('POLICY_ADJUSTMENT')).toBe('2500000.00');
    expect(balance('FUND_POOL')).toBe('0.00');
    expect(ledger.body).toMatchObject({ reconciled: true, totalDebits: ledger.body.totalCredits });
  });

  it('refuses inputs that leave no net base or a negative increase with 422', async () => {
    const noBase = await clerk.post('/api/v1/allocations', {
      countyCode: f.county,
      fundYear: 2030,
      ...WORKED_EXAMPLE_INPUTS,
      familyDoctorFee: '300000000.00',
    });
    expect(noBase.status).toBe(422);
    expect(noBase.body).toMatchObject({
      code: 'NET_BASE_NOT_POSITIVE',
      details: expect.arrayContaining([expect.objectContaining({ field: 'familyDoctorFee', rule: 'netBasePositive' })]),
    });
    const negative = await clerk.post('/api/v1/allocations', {
      countyCode: f.county,
      fundYear: 2030,
      ...WORKED_EXAMPLE_INPUTS,
      policyAdjustmentExpenditure: '16857947.26',
    });
    expect(negative.status).toBe(422);
    expect(negative.body.code).toBe('COMMUNITY_INCREASE_NEGATIVE');
    const asNumber = await clerk.post('/api/v1/allocations', {
      countyCode: f.county,
      fundYear: 2030,
      ...WORKED_EXAMPLE_INPUTS,
      interest: 1234567.89,
    });
    expect(asNumber.status).toBe(400);
    expect(asNumber.body.details).toEqual([expect.objectContaining({ field: 'interest', rule: 'matches' })]);
    expect((await clerk.get('/api/v1/allocations?fundYear=2030')).body.items).toEqual([]);
  });

  describe('community budget plan and the primary-care floor', () => {
    let lead: ApiClient;
    const M = Money.of('166079472.53'); // after the correction above
    const plan = (fundYear: number, primary: Money, total = M) => ({
      communityCode: f.community,
      fundYear,
      lines: [
        { category: 'INPATIENT', institutionCode: f.lead, amount: total.minus(primary).minus(Money.of('1000000.00')).toString() },
        { category: 'OUT_OF_COUNTY', amount: '1000000.00' },
        { category: 'OUTPATIENT', institutionCode: f.townships[0], amount: primary.minus(Money.of('100.00')).toString() },
        { category: 'CHRONIC_SPECIAL', institutionCode: f.townships[1], amount: '100.00' },
      ],
    });
    const required2021 = Money.roundHalfUp(M.times('0.25'));

    beforeAll(async () => {
      lead = await f.as(['LEAD_FINANCE'], f.lead);
    });

    it('refuses a 2021 plan one fen below 25% of M, naming floor, required amount and shortfall', async () => {
      const res = await lead.post('/api/v1/budget-plans', plan(2021, required2021.minus(Money.of('0.01'))));
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({
        code: 'PRIMARY_FLOOR_NOT_MET',
        details: [
          {
            field: 'lines',
            rule: 'primaryFloor',
            message: `floor 0.25, required ${required2021}, planned ${required2021.minus(Money.of('0.01'))}, shortfall 0.01`,
          },
        ],
      });
    });

    it('previews a plan one fen below the floor with the required amount and shortfall, storing nothing', async () => {
      const before = (await lead.must('GET', `/api/v1/budget-plans?communityCode=${f.community}&fundYear=2021`)).total;
      const short = plan(2021, required2021.minus(Money.of('0.01')));
      short.lines[1].amount = '999999.99';
      const res = await lead.post('/api/v1/budget-plans/preview', short);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        communityCode: f.community,
        fundYear: 2021,
        communityPackage: M.toString(),
        total: M.minus(Money.of('0.01')).toString(),
        unplanned: '0.01',
        totalMatches: false,
        primaryTotal: required2021.minus(Money.of('0.01')).toString(),
        floor: { rate: '0.25', required: required2021.toString(), shortfall: '0.01', met: false },
        warnings: [],
      });
      expect((await lead.must('GET', `/api/v1/budget-plans?communityCode=${f.community}&fundYear=2021`)).total).toBe(before);
      const foreign = plan(2021, required2021);
      foreign.lines[3].institutionCode = f.bureau;
      expect((await lead.post('/api/v1/budget-plans/preview', foreign)).body.code).toBe('PLAN_INVALID');
      expect((await approver.post('/api/v1/budget-plans/preview', plan(2021, required2021))).status).toBe(403);
    });

    it('accepts a 2021 plan at exactly 25%, and the bureau approves it', async () => {
      const res = await lead.post('/api/v1/budget-plans', plan(2021, required2021));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        state: 'DRAFT',
        total: M.toString(),
        primaryTotal: required2021.toString(),
        floor: { rate: '0.25', met: true },
        warnings: [],
      });
      const submitted = await lead.must('POST', `/api/v1/budget-plans/${res.body.id}/submit`, { version: res.body.version });
      expect((await lead.post(`/api/v1/budget-plans/${res.body.id}/approve`, { version: submitted.version })).status).toBe(403);
      const approved = await approver.must('POST', `/api/v1/budget-plans/${res.body.id}/approve`, { version: submitted.version });
      expect(approved.state).toBe('APPROVED');

      const rows = await xlsxRows(lead, `/api/v1/budget-plans/${res.body.id}/export.xlsx`);
      const total = rows.find((r) => r[0] === '合计')!;
      expect(cellYuan(total[3])).toBe(approved.total);
    });

    it('accepts a 2020 plan at 20% of that year’s M', async () => {
      const a2020 = await approvedAllocation(f, 2020);
      const m2020 = Money.of(a2020.figures.communityPackage);
      const res = await lead.post('/api/v1/budget-plans', plan(2020, Money.roundHalfUp(m2020.times('0.20')), m2020));
      expect(res.status).toBe(201);
      expect(res.body.floor).toMatchObject({ rate: '0.2', met: true });
    });

    it('refuses plans that do not total M, or plan for units outside the community', async () => {
      const short = plan(2021, required2021);
      short.lines[1].amount = '999999.99';
      expect((await lead.post('/api/v1/budget-plans', short)).body.code).toBe('PLAN_TOTAL_MISMATCH');
      const foreign = plan(2021, required2021);
      foreign.lines[3].institutionCode = f.bureau;
      expect((await lead.post('/api/v1/budget-plans', foreign)).body).toMatchObject({
        code: 'PLAN_INVALID',
        details: [{ field: 'lines.3.institutionCode', rule: 'memberOfCommunity' }],
      });
    });

    it('changes the lines of a draft, new or returned, under the same floor check; a submitted plan is not changed', async () => {
      const draft = await lead.must('POST', '/api/v1/budget-plans', plan(2021, required2021.plus(Money.of('5.00'))));
      expect(draft).toMatchObject({ state: 'DRAFT', documentVersion: 2 });
      const below = await lead.patch(`/api/v1/budget-plans/${draft.id}`, {
        version: draft.version,
        lines: plan(2021, required2021.minus(Money.of('0.01'))).lines,
      });
      expect(below.status).toBe(422);
      expect(below.body).toMatchObject({
        code: 'PRIMARY_FLOOR_NOT_MET',
        details: [{ rule: 'primaryFloor', message: expect.stringContaining('shortfall 0.01') }],
      });
      expect((await lead.must('GET', `/api/v1/budget-plans/${draft.id}`)).primaryTotal).toBe(
        required2021.plus(Money.of('5.00')).toString(),
      );

      const changed = await lead.must('PATCH', `/api/v1/budget-plans/${draft.id}`, {
        version: draft.version,
        lines: plan(2021, required2021).lines,
      });
      expect(changed).toMatchObject({
        state: 'DRAFT',
        version: draft.version + 1,
        total: M.toString(),
        primaryTotal: required2021.toString(),
      });
      expect(
        (await lead.patch(`/api/v1/budget-plans/${draft.id}`, { version: draft.version, lines: plan(2021, required2021).lines })).status,
      ).toBe(409);
      expect(
        (await approver.patch(`/api/v1/budget-plans/${draft.id}`, { version: changed.version, lines: plan(2021, required2021).lines }))
          .status,
      ).toBe(403);

      const submitted = await lead.must('POST', `/api/v1/budget-plans/${draft.id}/submit`, { version: changed.version });
      const refused = await lead.patch(`/api/v1/budget-plans/${draft.id}`, {
        version: submitted.version,
        lines: plan(2021, required2021).lines,
      });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('DOCUMENT_NOT_EDITABLE');
      const returned = await approver.must('POST', `/api/v1/budget-plans/${draft.id}/return`, { version: submitted.version });
      const again = await lead.must('PATCH', `/api/v1/budget-plans/${draft.id}`, {
        version: returned.version,
        lines: plan(2021, required2021.plus(Money.of('1.00'))).lines,
      });
      expect(again.primaryTotal).toBe(required2021.plus(Money.of('1.00')).toString());
      const resubmitted = await lead.must('POST', `/api/v1/budget-plans/${draft.id}/submit`, { version: again.version });
      expect((await approver.must('POST', `/api/v1/budget-plans/${draft.id}/approve`, { version: resubmitted.version })).state).toBe(
        'APPROVED',
      );
    });
  });

  it('exports the allocation as XLSX whose totals equal the API’s, and publishes it (公示)', async () => {
    const [current] = (await clerk.get(`/api/v1/allocations?fundYear=2021`)).body.items;
    const rows = await xlsxRows(clerk, `/api/v1/allocations/${current.id}/export.xlsx`);
    const byLabel = (label: string) => rows.find((r) => r[0] === label)!;
    expect(cellYuan(byLabel('医共体预算资金总额 M')[1])).toBe(current.figures.communityPackage);
    expect(cellYuan(byLabel('净基数 B')[1])).toBe(current.figures.netBase);
    expect(String(byLabel('医共体预算资金总额 M')[2])).toBe(String(Number(Money.of(current.figures.communityPackage).toWanYuan())));
    expect(rows).toContainEqual(['项目', '金额（元）', '金额（万元）', '说明']);

    expect((await http(api.baseUrl, 'GET', `/api/v1/public/allocations/${f.county}/2021`)).status).toBe(404);
    await clerk.must('POST', `/api/v1/allocations/${current.id}/publish`, { version: current.version });
    const published = await http(api.baseUrl, 'GET', `/api/v1/public/allocations/${f.county}/2021`);
    expect(published.body).toMatchObject({ fundYear: 2021, documentVersion: 2, figures: current.figures });
  });

  it('keeps policy parameters per county and year, edited by the bureau only, each change a version', async () => {
    const fresh = await clerk.get(`/api/v1/counties/${f.county}/policy-parameters/2024`);
    expect(fresh.body).toMatchObject({
      version: 0,
      source: 'default',
      values: { communityBaseShareRate: '0.765', primaryFloorRate: '0.25' },
    });
    const lead = await f.as(['LEAD_FINANCE'], f.lead);
    expect(
      (await lead.call('PUT', `/api/v1/counties/${f.county}/policy-parameters/2024`, { version: 0, qualityDepositRate: '0.05' })).status,
    ).toBe(403);
    const bad = await clerk.call('PUT', `/api/v1/counties/${f.county}/policy-parameters/2024`, { version: 0, privatePoolRate: '0.20' });
    expect(bad.body).toMatchObject({
      code: 'POLICY_PARAMETERS_INVALID',
      details: [{ field: 'communityBaseShareRate', rule: 'sharesSumToOne' }],
    });
    const saved = await clerk.call('PUT', `/api/v1/counties/${f.county}/policy-parameters/2024`, {
      version: 0,
      qualityDepositRate: '0.05',
    });
    expect(saved.body).toMatchObject({ version: 1, source: 'saved', values: { qualityDepositRate: '0.05' } });
    expect(
      (await clerk.call('PUT', `/api/v1/counties/${f.county}/policy-parameters/2024`, { version: 0, qualityDepositRate: '0.06' })).status,
    ).toBe(409);
    const next = await clerk.get(`/api/v1/counties/${f.county}/policy-parameters/2025`);
    expect(next.body).toMatchObject({ version: 0, source: 'previous-year', values: { qualityDepositRate: '0.05' } });
  });
});
