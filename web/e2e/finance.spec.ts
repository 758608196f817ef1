import { expect, test, type Page } from '@playwright/test';
import { apiAs, checkA11y, consoleUrl, figure, PASSWORD, shot, signIn, yuan } from './support';

// The lead unit's finance screens against the API's own figures: the budget plan editor's floor
// meter and the refusal of a plan below the floor, the community dashboard, the quarterly fund
// analysis and the year-end statements. Nothing here is approved or declared: the plan is refused,
// the fund analysis is one of the second quarter, and the dashboard and year end only read.

const COMMUNITY = 'WS-MC';

/** The API's answer with its status, for refusals (apiAs throws on them). */
async function answer(username: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const login = await fetch(`${consoleUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  }).then((r) => r.json());
  const res = await fetch(`${consoleUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${login.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Yuan text to fen and back (test arithmetic only: the console never computes money). */
const fen = (yuanText: string) => BigInt(yuanText.replace('.', ''));
const text = (f: bigint) => `${f / 100n}.${String(f % 100n).padStart(2, '0')}`;

/** Picks an option of an Ant Design select (one with search) by the text it shows. */
async function pick(page: Page, label: string, option: string): Promise<void> {
  const select = page.getByRole('combobox', { name: label });
  await select.click();
  await select.fill(option);
  await select.press('Enter');
}

async function packageOfCommunity() {
  const clerk = await apiAs('ws.bureau.clerk');
  const allocation = (await clerk.get('/api/v1/allocations?fundYear=2026')).items.find((a: { state: string }) =>
    ['APPROVED', 'PUBLISHED'].includes(a.state),
  );
  return allocation.communities.find((c: { communityCode: string }) => c.communityCode === COMMUNITY);
}

test('the budget plan editor shows the API’s floor meter and the refusal of a plan below the floor with its shortfall', async ({
  page,
}) => {
  const lead = await apiAs('ws.lead.finance');
  const share = await packageOfCommunity();
  const members = (await lead.get(`/api/v1/institutions?communityCode=${COMMUNITY}&pageSize=500`)).items;
  const hospital = members.find((m: { type: string }) => m.type === 'LEAD_HOSPITAL').code;
  // 100.00 for the township, 1 000 000.00 out of county, the rest of M at the lead hospital: far below the floor.
  const plan = {
    communityCode: COMMUNITY,
    fundYear: 2026,
    lines: [
      { category: 'OUT_OF_COUNTY', amount: '1000000.00' },
      { category: 'INPATIENT', institutionCode: hospital, amount: text(fen(share.effectivePackage) - fen('1000100.00')) },
      { category: 'OUTPATIENT', institutionCode: 'WS-TC-01', amount: '100.00' },
    ],
  };
  const preview = await lead.post('/api/v1/budget-plans/preview', plan);
  expect(preview).toMatchObject({ totalMatches: true, primaryTotal: '100.00', floor: { met: false } });
  const refused = await answer('ws.lead.finance', 'POST', '/api/v1/budget-plans', plan);
  expect(refused.status).toBe(422);
  expect(refused.body.code).toBe('PRIMARY_FLOOR_NOT_MET');
  expect(refused.body.details[0].message).toContain(`required ${preview.floor.required}`);
  expect(refused.body.details[0].message).toContain(`shortfall ${preview.floor.shortfall}`);
  const plansBefore = (await lead.get(`/api/v1/budget-plans?communityCode=${COMMUNITY}&fundYear=2026`)).total;

  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '基金收支预算' }).click();
  await expect(page.getByRole('heading', { name: '基金收支预算' })).toBeVisible();
  await page.getByRole('button', { name: '编制预算方案' }).click();
  await expect(page.getByRole('heading', { name: '编制预算方案' })).toBeVisible();
  await page.getByRole('textbox', { name: '金额 1' }).fill(plan.lines[0].amount);
  await pick(page, '成员单位 2', hospital);
  await page.getByRole('textbox', { name: '金额 2' }).fill(plan.lines[1].amount);
  await pick(page, '成员单位 3', 'WS-TC-01');
  await page.getByRole('textbox', { name: '金额 3' }).fill(plan.lines[2].amount);

  // The meter: every figure the API's preview answered.
  const meter = page.getByTestId('floor-meter');
  await expect(figure(page, '差额')).toHaveText(yuan(preview.floor.shortfall));
  await expect(figure(page, '下限要求金额')).toHaveText(yuan(preview.floor.required));
  await expect(figure(page, '打包资金 M（执行）')).toHaveText(yuan(share.effectivePackage));
  await expect(figure(page, '合计')).toHaveText(yuan(preview.total));
  await expect(figure(page, '基层医疗机构资金')).toHaveText(yuan(preview.primaryTotal));
  await expect(meter).toContainText('未达基层占比下限');
  await shot(page, 'budget-plan-editor');
  await checkA11y(page, 'budget-plan-editor');

  // Saving: the API refuses, and the refusal shows its required amount and shortfall.
  await page.getByRole('button', { name: '保存草稿' }).click();
  const refusal = page.getByTestId('plan-refusal');
  await expect(refusal).toContainText('未达基层占比下限');
  await expect(refusal).toContainText(refused.body.details[0].message);
  await expect(refusal).toContainText(`下限要求金额 ${yuan(preview.floor.required)} · 差额 ${yuan(preview.floor.shortfall)}`);
  expect((await lead.get(`/api/v1/budget-plans?communityCode=${COMMUNITY}&fundYear=2026`)).total).toBe(plansBefore);

  // Moving the shortfall from the hospital to the township meets the floor: the meter follows the API.
  const met = {
    ...plan,
    lines: [
      plan.lines[0],
      { ...plan.lines[1], amount: text(fen(plan.lines[1].amount) - fen(preview.floor.shortfall)) },
      { ...plan.lines[2], amount: text(fen('100.00') + fen(preview.floor.shortfall)) },
    ],
  };
  const metPreview = await lead.post('/api/v1/budget-plans/preview', met);
  expect(metPreview.floor).toMatchObject({ met: true, shortfall: '0.00' });
  await page.getByRole('textbox', { name: '金额 2' }).fill(met.lines[1].amount);
  await page.getByRole('textbox', { name: '金额 3' }).fill(met.lines[2].amount);
  await expect(figure(page, '差额')).toHaveText(yuan('0.00'));
  await expect(figure(page, '基层医疗机构资金')).toHaveText(yuan(metPreview.primaryTotal));
  await expect(meter).toContainText('满足基层占比下限');

  // Saved, the plan opens with the API's figures and the lead's one action; the approver returns it.
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page).toHaveURL(/\/finance\/budget-plans\/\d+$/);
  const planId = Number(page.url().split('/').pop());
  const saved = await lead.get(`/api/v1/budget-plans/${planId}`);
  expect(saved).toMatchObject({
    state: 'DRAFT',
    total: share.effectivePackage,
    primaryTotal: metPreview.primaryTotal,
    allowedActions: ['submit'],
  });
  await expect(figure(page, '合计')).toHaveText(yuan(saved.total));
  await expect(figure(page, '下限要求金额')).toHaveText(yuan(saved.floor.required));
  await expect(figure(page, '基层医疗机构资金')).toHaveText(yuan(saved.primaryTotal));
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.getByRole('button', { name: '提交', exact: true })).toHaveCount(0);
  await expect.poll(async () => (await lead.get(`/api/v1/budget-plans/${planId}`)).state).toBe('SUBMITTED');
  await expect(page.getByRole('button', { name: '导出 XLSX' })).toBeVisible();
  await shot(page, 'budget-plan');
  await checkA11y(page, 'budget-plan');

  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'ws.bureau.approver');
  await page.goto(`${consoleUrl()}/finance/budget-plans/${planId}`);
  const approver = await apiAs('ws.bureau.approver');
  const offered = (await approver.get(`/api/v1/budget-plans/${planId}`)).allowedActions;
  expect(offered).toEqual(expect.arrayContaining(['return', 'approve']));
  for (const name of ['退回', '批准']) await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  await page.getByRole('button', { name: '退回', exact: true }).click();
  await expect(page.getByRole('button', { name: '退回', exact: true })).toHaveCount(0);
  await expect.poll(async () => (await approver.get(`/api/v1/budget-plans/${planId}`)).state).toBe('DRAFT');

  // Returned, the plan is the lead's draft again: its lines change in the editor, under the same check.
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'ws.lead.finance');
  await page.goto(`${consoleUrl()}/finance/budget-plans/${planId}`);
  await page.getByRole('button', { name: '修改预算方案' }).click();
  await expect(page.getByRole('heading', { name: `修改预算方案 #${planId}` })).toBeVisible();
  await expect(page.getByRole('textbox', { name: '金额 3' })).toHaveValue(met.lines[2].amount);
  const changed = [
    met.lines[0],
    { ...met.lines[1], amount: text(fen(met.lines[1].amount) - 100n) },
    { ...met.lines[2], amount: text(fen(met.lines[2].amount) + 100n) },
  ];
  await page.getByRole('textbox', { name: '金额 2' }).fill(changed[1].amount);
  await page.getByRole('textbox', { name: '金额 3' }).fill(changed[2].amount);
  await expect(figure(page, '基层医疗机构资金')).toHaveText(yuan(changed[2].amount));
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page).toHaveURL(new RegExp(`/finance/budget-plans/${planId}$`));
  await expect.poll(async () => (await lead.get(`/api/v1/budget-plans/${planId}`)).primaryTotal).toBe(changed[2].amount);
  await expect(figure(page, '基层医疗机构资金')).toHaveText(yuan(changed[2].amount));
});

test('the community dashboard shows M and the monitoring readings as the API reads them', async ({ page }) => {
  const lead = await apiAs('ws.lead.finance');
  const share = await packageOfCommunity();
  const monitoring = await lead.get(`/api/v1/communities/${COMMUNITY}/monitoring/2026`);
  expect(monitoring.items.length).toBeGreaterThan(0);
  const latest = monitoring.items.at(-1);

  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '医共体资金看板' }).click();
  await expect(page.getByRole('heading', { name: '医共体资金看板' })).toBeVisible();
  await expect(figure(page, '打包资金 M（分配）')).toHaveText(yuan(share.package));
  await expect(figure(page, '打包资金 M（执行）')).toHaveText(yuan(share.effectivePackage));
  await expect(figure(page, '监测期间')).toHaveText(latest.period);
  await expect(figure(page, '累计支出')).toHaveText(yuan(latest.expenditure));
  await expect(figure(page, '序时预算')).toHaveText(yuan(latest.budgetToDate));
  await expect(figure(page, '支出进度比')).toHaveText(latest.burnRatio);
  await expect(figure(page, '预计全年支出')).toHaveText(yuan(latest.projectedExpenditure));
  await expect(figure(page, '可支付月数')).toContainText(latest.paymentCapacity.months ?? '—');
  const bands = page.getByTestId('bands');
  for (const [name, value] of [
    ['关注', monitoring.thresholds.watch],
    ['预警', monitoring.thresholds.warning],
    ['警报', monitoring.thresholds.alarm],
  ])
    await expect(bands).toContainText(`${name} ${value}`);
  await expect(page.getByTestId('burn-chart')).toBeVisible();
  // The readings by month, one row each, with the API's burn ratio.
  const rows = page.getByTestId('readings').locator('tbody tr.ant-table-row');
  await expect(rows).toHaveCount(monitoring.items.length);
  for (const [i, r] of monitoring.items.entries()) {
    await expect(rows.nth(i)).toContainText(r.period);
    await expect(rows.nth(i)).toContainText(r.burnRatio);
  }
  await shot(page, 'finance-dashboard');
  await checkA11y(page, 'finance-dashboard');

  // The bureau reads the same dashboard, the community picked from the year's allocation.
  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'ws.bureau.clerk');
  await page.getByRole('menuitem', { name: '医共体资金看板' }).click();
  await expect(page.getByRole('combobox', { name: '医共体' })).toBeVisible();
  await expect(figure(page, '打包资金 M（执行）')).toHaveText(yuan(share.effectivePackage));
  await expect(figure(page, '支出进度比')).toHaveText(latest.burnRatio);
  await checkA11y(page, 'finance-dashboard-bureau');
});

test('the quarterly fund analysis: drafted, commented, submitted and exported, its figures the API’s', async ({ page }) => {
  const lead = await apiAs('ws.lead.finance');
  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '基金运行分析' }).click();
  await expect(page.getByRole('heading', { name: '基金运行分析' })).toBeVisible();
  await pick(page, '季度', 'Q2');
  await page.getByRole('button', { name: '生成季度分析' }).click();
  await expect(page).toHaveURL(/\/finance\/fund-analyses\/\d+$/);
  const id = Number(page.url().split('/').pop());
  const analysis = await lead.get(`/api/v1/fund-analyses/${id}`);
  expect(analysis).toMatchObject({ communityCode: COMMUNITY, fundYear: 2026, quarter: 2 });
  await expect(figure(page, '合计')).toHaveText(yuan(analysis.content.fundFlow.total));
  await expect(figure(page, '县域内')).toHaveText(yuan(analysis.content.fundFlow.inCounty));
  await expect(figure(page, '基层医疗机构资金')).toHaveText(yuan(analysis.content.fundFlow.primary));
  await shot(page, 'fund-analysis');
  await checkA11y(page, 'fund-analysis');

  await page.getByLabel('运行情况').fill('二季度基金运行平稳。');
  await page.getByRole('button', { name: '保存' }).click();
  await expect.poll(async () => (await lead.get(`/api/v1/fund-analyses/${id}`)).summary).toBe('二季度基金运行平稳。');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 XLSX' }).click();
  expect((await download).suggestedFilename()).toBe(`fund-analysis-${id}.xlsx`);
  await page.getByRole('button', { name: '提交' }).click();
  await expect.poll(async () => (await lead.get(`/api/v1/fund-analyses/${id}`)).state).toBe('SUBMITTED');
  await expect(page.getByRole('button', { name: '保存' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: '提交' })).toHaveCount(0);
});

test('the year-end statements screen shows each role the API’s answer for the year being settled', async ({ page }) => {
  // 2025 is the year before the business date: no settlement of it is drafted in this county.
  const community = await answer('ws.lead.finance', 'GET', `/api/v1/communities/${COMMUNITY}/year-end-statements/2025`);
  const unit = await answer('ws.tc01.clerk', 'GET', '/api/v1/institutions/WS-TC-01/year-end-statement/2025');
  const county = await answer('ws.bureau.clerk', 'GET', '/api/v1/counties/WS/year-end-settlements/2025');
  for (const a of [community, unit, county]) expect(a.status).toBeGreaterThanOrEqual(400);

  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '年终清算' }).click();
  await expect(page.getByRole('heading', { name: '年终清算', level: 1 })).toBeVisible();
  await expect(page.getByLabel('基金年度')).toHaveValue('2025');
  await expect(page.getByRole('region', { name: '年终清算结算单' })).toHaveCount(0);
  await expect(page.getByRole('status').filter({ hasText: community.body.message }).first()).toBeVisible();
  await shot(page, 'year-end-statements');
  await checkA11y(page, 'year-end-statements');

  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'ws.tc01.clerk');
  await page.getByRole('menuitem', { name: '年终清算' }).click();
  await expect(page.getByRole('heading', { name: '本单位年终结算单' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: unit.body.message }).first()).toBeVisible();

  await page.getByRole('button', { name: '退出登录' }).click();
  await signIn(page, 'ws.bureau.clerk');
  await page.getByRole('menuitem', { name: '年终清算' }).click();
  await expect(page.getByRole('heading', { name: '全县年终清算' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: county.body.message }).first()).toBeVisible();
  await checkA11y(page, 'year-end-settlement');
});
