import { expect, test } from '@playwright/test';
import { apiAs, checkA11y, consoleUrl, figure, shot, signIn, signOut, yuan } from './support';

// The surplus plan (结余资金分配方案) of a year that ends in surplus, through the console: lead finance
// drafts it, is shown the rules it breaks and refused on submission, corrects it and submits; the
// bureau approves on screen, the health bureau and the county government approve, lead finance
// executes, and the year end carries the plan's amounts. Fund year 2024, so no other test's year moves.

const YEAR = 2024;
test.describe.configure({ mode: 'serial' });
let planId = 0;
let surplus = '';

test.beforeAll(async () => {
  const clerk = await apiAs('ws.bureau.clerk');
  const approver = await apiAs('ws.bureau.approver');
  const existing = (await clerk.get(`/api/v1/allocations?countyCode=WS&fundYear=${YEAR}`)).items;
  if (existing.length === 0) await approvedAllocation(clerk, approver);
  // The year-end cycle runs on the worker; its draft is the plan's starting point.
  await clerk.post('/api/v1/cycles/runs', { cycle: 'year-end', period: String(YEAR) });
  await expect
    .poll(
      () =>
        clerk.get(`/api/v1/counties/WS/year-end-settlements/${YEAR}`).then(
          (y) => y.state,
          () => null,
        ),
      { timeout: 30_000 },
    )
    .toBe('DRAFT');
  const year = await clerk.get(`/api/v1/counties/WS/year-end-settlements/${YEAR}`);
  surplus = year.summary.communities[0].surplus;
});

/** The year's allocation with SPEC §3's worked example's inputs, drafted by the clerk and approved by the approver. */
async function approvedAllocation(clerk: Awaited<ReturnType<typeof apiAs>>, approver: Awaited<ReturnType<typeof apiAs>>) {
  const draft = await clerk.post('/api/v1/allocations', {
    countyCode: 'WS',
    fundYear: YEAR,
    insuredCount: '312457',
    perCapitaStandard: '830.00',
    interest: '1234567.89',
    criticalIllnessPremiumPerPerson: '65.00',
    familyDoctorFee: '2849300.00',
    policyAdjustmentExpenditure: '1500000.00',
  });
  const submitted = await clerk.post(`/api/v1/allocations/${draft.id}/submit`, { version: draft.version });
  await approver.post(`/api/v1/allocations/${draft.id}/approve`, { version: submitted.version });
}

test('lead finance drafts the plan, sees the rules it breaks, is refused on submission, corrects the amounts and submits', async ({
  page,
}) => {
  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '结余分配方案' }).click();
  await page.getByRole('button', { name: '编制结余分配方案' }).click();
  await page.getByLabel('基金年度').fill(String(YEAR));
  await page.getByLabel('理事会决议').fill('巍山县医共体理事会 2025 年第 1 次会议决议');
  await page.getByRole('button', { name: '确定' }).click();
  await expect(page).toHaveURL(/\/surplus-plans\/\d+$/);
  planId = Number(page.url().split('/').pop());
  const lead = await apiAs('ws.lead.finance');
  // No unit consumed anything in 2024: the proposal gives nothing, so the plan breaks the sum and the floor.
  let plan = await lead.get(`/api/v1/surplus-plans/${planId}`);
  expect(plan.check.problems.map((p: { rule: string }) => p.rule)).toEqual(['sumsToSurplus', 'primaryFloor']);
  await expect(page.getByTestId('plan-problems')).toContainText('sumsToSurplus');
  await expect(figure(page, '结余')).toHaveText(yuan(surplus));
  await shot(page, 'surplus-plan-draft');
  await checkA11y(page, 'surplus-plan-draft');

  // One fen short: saved as a draft, refused on submission naming the rule.
  const short = (BigInt(surplus.replace('.', '')) - 1n).toString().replace(/(\d{2})$/, '.$1');
  await page.getByRole('button', { name: '修改金额' }).click();
  await page.getByLabel('方案金额 WS-TC-01').fill(short);
  await page.getByRole('button', { name: '保存金额' }).click();
  await expect(page.getByTestId('plan-problems')).toContainText('difference -0.01');
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('.ant-alert-error').filter({ hasText: 'sum to' })).toBeVisible();
  plan = await lead.get(`/api/v1/surplus-plans/${planId}`);
  expect(plan.chain.status).toBe('DRAFT');

  await page.getByRole('button', { name: '修改金额' }).click();
  await page.getByLabel('方案金额 WS-TC-01').fill(surplus);
  await page.getByRole('button', { name: '保存金额' }).click();
  await expect(page.getByTestId('plan-problems')).toHaveCount(0);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByTestId('chain-steps')).toContainText('办理中');
  plan = await lead.get(`/api/v1/surplus-plans/${planId}`);
  expect([plan.chain.status, plan.check.planned, plan.check.problems]).toEqual(['IN_REVIEW', surplus, []]);
  await expect(figure(page, '方案合计')).toHaveText(yuan(plan.check.planned));
  await shot(page, 'surplus-plan-submitted');
  await signOut(page);
});

test('the bureau approves on screen; the health bureau and the government approve; lead finance executes and the year end carries the plan', async ({
  page,
}) => {
  await signIn(page, 'ws.bureau.approver');
  await page.goto(`${consoleUrl()}/surplus-plans/${planId}`);
  await page.getByRole('button', { name: '同意', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await expect(page.getByTestId('chain-history')).toContainText('ws.bureau.approver');
  await signOut(page);

  for (const [username, step] of [
    ['ws.health.approver', 'healthBureauReviews'],
    ['ws.gov.approver', 'governmentApproves'],
  ]) {
    const body = await apiAs(username);
    const plan = await body.get(`/api/v1/surplus-plans/${planId}`);
    await body.post(`/api/v1/surplus-plans/${planId}/approve`, { version: plan.version, step });
  }

  await signIn(page, 'ws.lead.finance');
  await page.goto(`${consoleUrl()}/surplus-plans/${planId}`);
  await page.getByRole('button', { name: '执行' }).click();
  await expect(page.getByText('已用于年终清算')).toBeVisible();
  await shot(page, 'surplus-plan-executed');
  await checkA11y(page, 'surplus-plan-executed');
  const year = await (await apiAs('ws.bureau.clerk')).get(`/api/v1/counties/WS/year-end-settlements/${YEAR}`);
  expect(year.summary.communities[0]).toMatchObject({ surplusPlanId: planId, surplusUnallocated: '0.00' });
  expect(year.statements.find((s: { institutionCode: string }) => s.institutionCode === 'WS-TC-01')).toMatchObject({
    surplusShare: surplus,
  });
  expect(year.allowedActions).toEqual(['redraft']);
});
