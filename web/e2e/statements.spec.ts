import { expect, test } from '@playwright/test';
import { apiAs, checkA11y, figure, shot, signIn, signOut, yuan } from './support';

// Return for correction, sample review and the monthly statement per unit on the business date
// 2026-11-10. The township WS-TC-02 claims November (its own period here), the lead unit samples
// and returns it, the township withdraws a record, sends the corrected one and resubmits. The
// statements are those of the seeded September declaration (approved and disbursed).

const FIGURES = ['claimed', 'rejected', 'flaggedByRule', 'accepted', 'deducted', 'approved', 'funded', 'deposit', 'advanceOffset', 'cash'];
/** The statement's lines fed by the rule hits and the claims' adjustments (not figures of the declaration itself). */
const ADJUSTMENT_LINES = ['flaggedAccepted', 'carriedIn', 'carriedOut', 'extrapolatedDeduction'];

const record = (id: string, fundPaid: string) => ({
  externalId: id,
  unitCode: 'WS-TC-02',
  insuredId: `5329271990030${id.replace(/\D/g, '').padStart(5, '0')}`,
  visitType: 'OUTPATIENT',
  visitDate: '2026-11-05',
  settlementDate: '2026-11-05',
  totalCost: '1000.00',
  coveredCost: '1000.00',
  fundPaid,
  criticalIllnessPaid: '0.00',
  medicalAidPaid: '0.00',
  selfPaid: (1000 - Number(fundPaid)).toFixed(2),
});

test.describe.configure({ mode: 'serial' });

let claimId = 0;

test('the lead unit samples a submitted claim and returns it for correction with a reason', async ({ page }) => {
  test.setTimeout(60_000);
  const township = await apiAs('ws.tc02.clerk');
  await township.post('/api/v1/settlement-records', {
    records: [record('ST-1', '300.00'), record('ST-2', '120.55'), record('ST-3', '80.10'), record('ST-4', '45.00')],
  });
  const [claim] = (await township.get('/api/v1/member-claims?period=2026-11')).items;
  claimId = claim.id;
  await township.post(`/api/v1/member-claims/${claimId}/submit`, { version: claim.version });

  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '结算单与抽样' }).click();
  await expect(page.getByRole('heading', { name: '结算单、抽样审核与退回补正' })).toBeVisible();
  await shot(page, 'statements-hub');
  await checkA11y(page, 'statements-hub');

  // 抽样: a share with a seed; the page shows the API's sample and its extrapolation.
  await page.getByRole('link', { name: `抽样审核 #${claimId}` }).click();
  await page.getByRole('textbox', { name: '抽样比例' }).fill('0.5');
  await page.getByLabel('随机种子').fill('20261110');
  await page.getByRole('button', { name: '抽取样本' }).click();
  await expect(page.getByTestId('sample-seed')).toHaveText('20261110');
  const lead = await apiAs('ws.lead.finance');
  const sample = await lead.get(`/api/v1/member-claims/${claimId}/sample`);
  expect(sample.records).toHaveLength(2);
  await expect(page.getByTestId('sample-calculation')).toHaveText(sample.extrapolation.calculation);
  await expect(figure(page, '样本金额')).toHaveText(yuan(sample.extrapolation.sampledAmount));
  await expect(figure(page, '未抽中金额')).toHaveText(yuan(sample.extrapolation.unsampledAmount));
  // The county's policy (off by default): the extrapolation is shown, not applied.
  expect(sample.extrapolation).toMatchObject({ policyApplies: false, applied: false, appliedDeduction: null });
  await expect(page.getByTestId('sample-policy')).toHaveText('关闭：仅显示');
  await expect(page.getByTestId('sample-applied')).toHaveText('未执行');
  // The draw's toast has faded before the screen is checked (read mid-fade, its contrast is not the screen's).
  await expect(page.locator('.ant-message-notice')).toHaveCount(0);
  await shot(page, 'statements-sample');
  await checkA11y(page, 'statements-sample');

  // 退回补正: the reason names a record; the claim goes back to the township.
  await page.goto(page.url().replace(/\/sample$/, '/correction'));
  const records = (await lead.get(`/api/v1/member-claims/${claimId}/records?pageSize=500`)).items;
  const st2 = records.find((r: { externalId: string }) => r.externalId === 'ST-2').id;
  await page.getByLabel('说明 1').fill('收费超标准，请更正后重新报送');
  await page.getByLabel('记录编号（可选） 1').fill(st2);
  await shot(page, 'statements-return');
  await checkA11y(page, 'statements-return');
  await page.getByRole('button', { name: '退回补正' }).click();
  await expect(page.getByTestId('return-reasons')).toContainText('收费超标准');
  const returned = await lead.get(`/api/v1/member-claims/${claimId}`);
  expect(returned).toMatchObject({ state: 'RETURNED', returns: 1 });
});

test('the township sees the returned claim in its inbox, withdraws a record, sends the corrected one and resubmits', async ({ page }) => {
  expect(claimId).toBeGreaterThan(0);
  await signIn(page, 'ws.tc02.clerk');
  await expect(page.getByRole('row', { name: /退回补正/ })).toContainText('WS-TC-02');
  await page.getByRole('menuitem', { name: '结算单与抽样' }).click();
  await page.getByRole('link', { name: `退回补正 #${claimId}` }).click();
  await expect(page.getByTestId('return-reasons')).toContainText('收费超标准');
  await page.getByRole('checkbox', { name: '撤回所选记录 ST-2' }).check();
  await page.getByRole('button', { name: '撤回所选记录' }).click();
  const township = await apiAs('ws.tc02.clerk');
  await expect.poll(async () => (await township.get(`/api/v1/member-claims/${claimId}`)).records).toBe(3);
  await township.post('/api/v1/settlement-records', { records: [record('ST-2', '100.55')] });
  await page.reload();
  const corrected = await township.get(`/api/v1/member-claims/${claimId}`);
  expect(corrected).toMatchObject({ state: 'RETURNED', records: 4, claimed: '525.65' });
  await expect(page.locator('[data-figure="claimed"]')).toHaveText(yuan(corrected.claimed));
  await shot(page, 'statements-correction');
  await checkA11y(page, 'statements-correction');
  await page.getByRole('button', { name: '重新提交' }).click();
  await expect.poll(async () => (await township.get(`/api/v1/member-claims/${claimId}`)).state).toBe('SUBMITTED');
  const history = await township.get(`/api/v1/member-claims/${claimId}/versions`);
  expect(history.versions.map((v: { event: string }) => v.event)).toEqual(['SUBMITTED', 'RETURNED', 'RESUBMITTED']);
  await expect(page.getByRole('row', { name: /重新提交/ })).toContainText(yuan('525.65'));
});

test('the statements of September equal the API’s figures and sum to the declaration; the township confirms its own', async ({ page }) => {
  test.setTimeout(60_000);
  const lead = await apiAs('ws.lead.finance');
  const [september] = (await lead.get('/api/v1/declarations?period=2026-09')).items;
  const all = await lead.get(`/api/v1/declarations/${september.id}/statements`);
  const declaration = await lead.get(`/api/v1/declarations/${september.id}`);
  for (const key of FIGURES.filter((k) => k !== 'flaggedByRule')) expect([key, all.totals[key]]).toEqual([key, declaration[key]]);

  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '结算单与抽样' }).click();
  await page.getByRole('link', { name: `各单位结算单 #${september.id}` }).click();
  await expect(page.getByRole('heading', { name: /各单位结算单/ })).toBeVisible();
  for (const unit of all.units) {
    const row = page.getByRole('row', { name: new RegExp(`^${unit.institutionCode}\\b`) });
    for (const key of [...FIGURES, ...ADJUSTMENT_LINES]) await expect(row.locator(`[data-figure="${key}"]`)).toHaveText(yuan(unit[key]));
  }
  const totals = page.getByRole('row', { name: /^各单位合计/ });
  const declared = page.getByRole('row', { name: /^申报单数/ });
  for (const key of FIGURES.filter((k) => k !== 'flaggedByRule')) {
    await expect(totals.locator(`[data-figure="${key}"]`)).toHaveText(yuan(declaration[key]));
    await expect(declared.locator(`[data-figure="${key}"]`)).toHaveText(yuan(declaration[key]));
  }
  await shot(page, 'statements-declaration');
  await checkA11y(page, 'statements-declaration');

  // The township's own statement: the same figures, and it confirms them (对账确认).
  const township = await apiAs('ws.tc02.clerk');
  const [own] = (await township.get('/api/v1/member-claims?period=2026-09')).items;
  const statement = await township.get(`/api/v1/member-claims/${own.id}/statement`);
  expect(statement.allowedActions).toEqual(['confirm', 'dispute']);
  await signOut(page);
  await signIn(page, 'ws.tc02.clerk');
  await page.goto(page.url().replace(/\/inbox$/, `/statements/claims/${own.id}`));
  for (const key of [...FIGURES, ...ADJUSTMENT_LINES, 'passDownDue', 'passedDown'])
    await expect(page.locator(`[data-figure="${key}"]`)).toHaveText(yuan(statement[key]));
  await expect(page.getByTestId('statement-rule-hits')).toHaveText(`${statement.ruleHits} 条，采纳 ${statement.ruleHitsAccepted}`);
  await shot(page, 'statements-unit');
  await checkA11y(page, 'statements-unit');
  await page.getByLabel('说明').fill('核对无误');
  await page.getByRole('button', { name: '对账确认' }).click();
  await expect(page.getByText('已确认')).toBeVisible();
  expect((await township.get(`/api/v1/member-claims/${own.id}/statement`)).response).toMatchObject({
    response: 'CONFIRMED',
    note: '核对无误',
  });
});
