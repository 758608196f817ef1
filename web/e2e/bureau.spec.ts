import { expect, test, type Page } from '@playwright/test';
import { apiAs, checkA11y, figure, shot, signIn, yuan } from './support';

// The bureau's screens on the business date 2026-11-10, with the 2026 allocation approved
// (SPEC §3's worked example, seeded by global-setup.ts). What these tests leave behind stays out of
// the other specs' way: a 2027 allocation awaiting approval, policy parameters saved for 2099
// only, and no hold in force (the one placed here is lifted).

/** SPEC §3's worked example: the inputs, and every figure to the fen. */
const INPUTS = {
  insuredCount: '312457',
  perCapitaStandard: '830.00',
  interest: '1234567.89',
  criticalIllnessPremiumPerPerson: '65.00',
  familyDoctorFee: '2849300.00',
  policyAdjustmentExpenditure: '1500000.00',
};
const FIGURES = {
  raisedTotal: '260573877.89',
  adjustmentReserve: '39086081.68',
  criticalIllnessFund: '20309705.00',
  netBase: '198328791.21',
  communityBaseShare: '151721525.28',
  increasePool: '16857947.25',
  privatePool: '29749318.68',
  communityIncrease: '15357947.25',
  communityPackage: '167079472.53',
};
const INPUT_LABEL: Record<keyof typeof INPUTS, string> = {
  insuredCount: '当年筹资人数 N',
  perCapitaStandard: '筹资标准 S（元/人）',
  interest: '利息 I（元）',
  criticalIllnessPremiumPerPerson: '个人大病保险费 c（元/人）',
  familyDoctorFee: '家庭医生签约服务费 Dfd（元）',
  policyAdjustmentExpenditure: '政策调整所需资金 P（元）',
};
const FIGURE_LABEL: Record<keyof typeof FIGURES, string> = {
  raisedTotal: '筹资总额 F',
  adjustmentReserve: '调剂金 A',
  criticalIllnessFund: '大病保险基金 C',
  netBase: '可分配基数 B',
  communityBaseShare: '医共体基础份额',
  increasePool: '增长资金池',
  privatePool: '民营机构资金',
  communityIncrease: '医共体预算增加资金 R',
  communityPackage: '医共体预算资金总额 M',
};
const MAKER_CHECKER = '您起草了此单据，须由另一位审批人审批';

async function expectFigures(page: Page, figures: Record<string, string>): Promise<void> {
  for (const [name, label] of Object.entries(FIGURE_LABEL)) await expect(figure(page, label)).toHaveText(yuan(figures[name]));
}

let draft2027 = 0;

test.afterAll(async () => {
  // No hold placed here may stay in force, whatever happened above.
  const clerk = await apiAs('ws.bureau.clerk');
  for (const hold of (await clerk.get('/api/v1/communities/WS-MC/holds?state=ACTIVE')).items)
    if (hold.reason.startsWith('浏览器测试'))
      await clerk.post(`/api/v1/holds/${hold.id}/lift`, { version: hold.version, note: '测试结束解除' });
});

test('the allocation form shows SPEC §3’s worked example to the fen from the API’s preview; the clerk drafts 2027 and sees maker-checker', async ({
  page,
}) => {
  const clerk = await apiAs('ws.bureau.clerk');
  const approved2026 = (await clerk.get('/api/v1/allocations?fundYear=2026')).items[0];
  expect(approved2026.figures).toMatchObject(FIGURES);

  await signIn(page, 'ws.bureau.clerk');
  for (const entry of ['预算分配', '审批队列', '暂缓拨付', '民营机构', '政策参数'])
    await expect(page.getByRole('menuitem', { name: entry })).toBeVisible();
  await page.goto('/allocations');
  const row2026 = page.getByRole('row', { name: new RegExp(`#${approved2026.id}`) });
  await expect(row2026).toContainText(yuan(approved2026.figures.communityPackage));
  await shot(page, 'bureau-allocations');
  await checkA11y(page, 'bureau-allocations');

  // A new form for 2026: the figures come from the API's preview (nothing is stored).
  await page.getByRole('button', { name: '新建预算分配' }).click();
  await expect(page).toHaveURL(/\/allocations\/new$/);
  await page.getByLabel('基金年度').fill('2026');
  const previews: string[] = [];
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/allocations/preview')) previews.push(r.postData() ?? '');
  });
  for (const [field, label] of Object.entries(INPUT_LABEL)) await page.getByLabel(label).fill(INPUTS[field as keyof typeof INPUTS]);
  await expectFigures(page, FIGURES);
  await expect(page.getByRole('row', { name: /WS-MC/ })).toContainText(yuan(FIGURES.communityPackage));
  // Debounced: the preview was asked for as typing paused, not once per key stroke.
  expect(previews.length).toBeGreaterThan(0);
  expect(previews.length).toBeLessThan(10);
  expect(JSON.parse(previews.at(-1)!)).toEqual({ countyCode: 'WS', fundYear: 2026, ...INPUTS });
  await shot(page, 'bureau-allocation-form');
  await checkA11y(page, 'bureau-allocation-form');
  expect((await clerk.get('/api/v1/allocations?fundYear=2026')).total).toBe(1);

  // An input changed: the figures follow the API (F = S × N + I).
  await page.getByLabel(INPUT_LABEL.interest).fill('1234567.90');
  await expect(figure(page, FIGURE_LABEL.raisedTotal)).toHaveText(yuan('260573877.90'));
  await page.getByLabel(INPUT_LABEL.interest).fill(INPUTS.interest);
  await expect(figure(page, FIGURE_LABEL.raisedTotal)).toHaveText(yuan(FIGURES.raisedTotal));

  // Saved as a 2027 draft, then submitted: the drafter is told another approver must approve it.
  await page.getByLabel('基金年度').fill('2027');
  await page.getByRole('button', { name: '保存草稿' }).click();
  await expect(page).toHaveURL(/\/allocations\/\d+$/);
  draft2027 = Number(/\/allocations\/(\d+)$/.exec(page.url())![1]);
  const saved = await clerk.get(`/api/v1/allocations/${draft2027}`);
  expect([saved.fundYear, saved.state, saved.createdBy]).toEqual([2027, 'DRAFT', 'ws.bureau.clerk']);
  await expectFigures(page, saved.figures);
  await page.getByRole('button', { name: '提交审批' }).click();
  await expect(page.getByTestId('maker-checker')).toHaveText(MAKER_CHECKER);
  expect((await clerk.get(`/api/v1/allocations/${draft2027}`)).state).toBe('SUBMITTED');
  await expect(page.getByRole('button', { name: '审批通过' })).toHaveCount(0);

  await page.goto('/approvals');
  const row = page.getByRole('row', { name: new RegExp(`#${draft2027} · WS · 2027`) });
  await expect(row).toContainText(MAKER_CHECKER);
  await expect(row).toContainText(yuan(saved.figures.communityPackage));
  await expect(row.getByRole('button', { name: '审批通过' })).toHaveCount(0);
  await shot(page, 'bureau-approvals-drafter');
  await checkA11y(page, 'bureau-approvals-drafter');
});

test('the approver sees the queue; an approval the API refuses shows the API’s refusal', async ({ page }) => {
  const clerk = await apiAs('ws.bureau.clerk');
  draft2027 ||= (await clerk.get('/api/v1/allocations?fundYear=2027')).items[0].id;
  const approver = await apiAs('ws.bureau.approver');
  await signIn(page, 'ws.bureau.approver');
  await page.goto('/approvals');
  const row = page.getByRole('row', { name: new RegExp(`#${draft2027} · WS · 2027`) });
  await expect(row.getByRole('button', { name: '审批通过' })).toBeVisible();
  await expect(row).not.toContainText(MAKER_CHECKER);
  await shot(page, 'bureau-approvals');
  await checkA11y(page, 'bureau-approvals');
  // The state filter: all documents include the approved 2026 allocation, awaiting ones do not.
  const approved2026 = (await clerk.get('/api/v1/allocations?fundYear=2026')).items[0];
  const row2026 = page.getByRole('row', { name: new RegExp(`#${approved2026.id} · WS · 2026`) });
  await expect(row2026).toHaveCount(0);
  await page.getByText('全部单据', { exact: true }).click();
  await expect(row2026).toContainText('已审批');
  await page.getByText('待审批', { exact: true }).click();
  await expect(row2026).toHaveCount(0);

  // While the screen stands, the allocation is returned and submitted again: the approval the
  // screen sends is for a version that is no longer current, and the API refuses it.
  const shown = await approver.get(`/api/v1/allocations/${draft2027}`);
  const returned = await approver.post(`/api/v1/allocations/${draft2027}/return`, { version: shown.version });
  await clerk.post(`/api/v1/allocations/${draft2027}/submit`, { version: returned.version });
  const refusal = await approver.post(`/api/v1/allocations/${draft2027}/approve`, { version: shown.version }).then(
    () => null,
    (e: Error) => JSON.parse(e.message.slice(e.message.indexOf('{'))),
  );
  expect(refusal.code).toBe('STALE_VERSION');
  await row.getByRole('button', { name: '审批通过' }).click();
  await expect(page.getByTestId('approval-refusal')).toContainText(refusal.message);
  expect((await approver.get(`/api/v1/allocations/${draft2027}`)).state).toBe('SUBMITTED');
  await shot(page, 'bureau-approvals-refused');
});

test('holds: the clerk places a hold on the community and lifts it', async ({ page }) => {
  const clerk = await apiAs('ws.bureau.clerk');
  await signIn(page, 'ws.bureau.clerk');
  await page.goto('/holds');
  await expect(page.getByRole('combobox', { name: '医共体' })).toBeVisible();
  await page.getByRole('button', { name: '暂缓拨付' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('暂缓原因').fill('浏览器测试：整改未按期完成');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(dialog).toBeHidden();
  const active = (await clerk.get('/api/v1/communities/WS-MC/holds?state=ACTIVE')).items[0];
  expect(active).toMatchObject({ reason: '浏览器测试：整改未按期完成', placedBy: 'ws.bureau.clerk' });
  const row = page.getByRole('row').filter({ hasText: active.reason });
  await expect(row).toContainText('暂缓中');
  await shot(page, 'bureau-holds');
  await checkA11y(page, 'bureau-holds');

  await row.getByRole('button', { name: '解除暂缓' }).click();
  await page.getByRole('dialog').getByLabel('解除说明').fill('已整改');
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await expect(row).toContainText('已解除');
  await expect(row).toContainText('已整改');
  expect((await clerk.get('/api/v1/communities/WS-MC/holds?state=ACTIVE')).total).toBe(0);
});

test('private budgets and payments, policy parameters with their versions, and the calendar show the API’s figures', async ({ page }) => {
  const clerk = await apiAs('ws.bureau.clerk');
  await signIn(page, 'ws.bureau.clerk');

  const budgets = await clerk.get('/api/v1/counties/WS/private-budgets/2026');
  await page.goto('/private-budgets');
  await expect(figure(page, '民营机构资金总额')).toHaveText(budgets.privatePool ? yuan(budgets.privatePool) : '—');
  await expect(figure(page, '已安排预算')).toHaveText(yuan(budgets.budgeted));
  for (const b of budgets.items) await expect(page.getByRole('row', { name: new RegExp(b.institutionCode) })).toContainText(yuan(b.amount));
  await shot(page, 'bureau-private-budgets');
  await checkA11y(page, 'bureau-private-budgets');

  const payments = await clerk.get('/api/v1/private-payments');
  await page.getByRole('link', { name: '民营机构付款' }).click();
  await expect(page.locator('.ant-table-tbody tr.ant-table-row')).toHaveCount(payments.items.length);
  for (const p of payments.items) await expect(page.getByRole('row', { name: new RegExp(`#${p.id}`) })).toContainText(yuan(p.cash));
  await shot(page, 'bureau-private-payments');
  await checkA11y(page, 'bureau-private-payments');

  // Policy parameters: 2026 as the API answers; a new version saved for 2099 joins the history.
  const params = await clerk.get('/api/v1/counties/WS/policy-parameters/2026');
  await page.goto('/policy-parameters');
  await expect(page.getByTestId('parameters-version')).toHaveText(String(params.version));
  for (const name of ['adjustmentReserveRate', 'communityBaseShareRate', 'burnWatch'])
    await expect(page.getByTestId(`parameter-${name}`)).toHaveValue(params.values[name]);
  await shot(page, 'bureau-policy-parameters');
  await checkA11y(page, 'bureau-policy-parameters');
  await page.getByLabel('基金年度').fill('2099');
  await page.getByLabel('基金年度').blur();
  await expect(page.getByTestId('parameters-version')).toHaveText('0');
  await page.getByTestId('parameter-burnWatch').fill('1.06');
  await page.getByRole('button', { name: '保存新版本' }).click();
  await expect(page.getByTestId('parameters-version')).toHaveText('1');
  const versions = await clerk.get('/api/v1/counties/WS/policy-parameters/2099/versions');
  expect(versions.items.map((v: { version: number; changedBy: string }) => [v.version, v.changedBy])).toEqual([[1, 'ws.bureau.clerk']]);
  await expect(page.getByTestId('parameter-versions').getByRole('row', { name: /ws\.bureau\.clerk/ })).toHaveCount(1);
  await page.getByTestId('parameter-burnWatch').fill('1.07');
  await page.getByRole('button', { name: '保存新版本' }).click();
  await expect(page.getByTestId('parameters-version')).toHaveText('2');
  await expect(page.getByTestId('parameter-versions')).toContainText('1.06 → 1.07');
  await shot(page, 'bureau-policy-parameters-history');

  const year = await clerk.get('/api/v1/calendar/years/2026');
  await page.getByRole('link', { name: '节假日安排' }).click();
  await expect(page.getByTestId('holidays').locator('.ant-tag')).toHaveCount(year.holidays.length);
  await expect(page.getByTestId('make-up-days').locator('.ant-tag')).toHaveCount(year.makeUpWorkingDays.length);
  if (year.holidays.length) await expect(page.getByTestId('holidays')).toContainText(year.holidays[0]);
  await shot(page, 'bureau-calendar');
  await checkA11y(page, 'bureau-calendar');
});
