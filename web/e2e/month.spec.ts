import { expect, test } from '@playwright/test';
import { apiAs, figure, shot, signIn, signOut, yuan, checkA11y } from './support';

// October 2026 in flight on the business date 2026-11-10: the allocation approved, a township's
// claim of three records submitted (seeded through the API by global-setup.ts); then pre-review, declaration, the bureau's review and
// approval, disbursement, the pass-down, the ledger and notifications through the console.

let claimId = 0;
let declarationId = 0;

test.beforeAll(async () => {
  // The township's October claim, submitted while seeding (global-setup.ts).
  claimId = (await (await apiAs('ws.tc01.clerk')).get('/api/v1/member-claims?period=2026-10')).items[0].id;
});

test('lead finance pre-reviews the records with reason codes, accepts a selection, completes the review and declares October', async ({
  page,
}) => {
  await signIn(page, 'ws.lead.finance');
  await page.goto(`/claims/${claimId}`);
  const records = page.getByTestId(`records-${claimId}`);
  await expect(records.locator('tbody tr.ant-table-row')).toHaveCount(3);

  // A rejection needs a reason, and OTHER needs a note (the form asks before anything is sent).
  const oct3 = records.getByRole('row', { name: /OCT-3/ });
  await oct3.getByRole('button', { name: '拒付' }).click();
  const dialog = page.getByRole('dialog', { name: '拒付记录' });
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(dialog.getByText('拒付须选择原因')).toBeVisible();
  await dialog.getByLabel('原因').click();
  await page.getByTitle('其他', { exact: true }).click();
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(dialog.getByText('原因为“其他”时须填写备注')).toBeVisible();
  await dialog.getByLabel('备注').fill('就诊记录与处方不符');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(oct3).toContainText('已拒付');
  await expect(oct3).toContainText('其他');
  await expect(oct3).toContainText('就诊记录与处方不符');

  // The filter shows the records still pending; one is accepted through the selection.
  await records.getByLabel('初审结果').click();
  await page.getByTitle('待审', { exact: true }).click();
  await expect(records.locator('tbody tr.ant-table-row')).toHaveCount(2);
  await records.getByRole('row', { name: /OCT-1/ }).getByRole('checkbox').check();
  await records.getByRole('button', { name: /批量通过所选 \(1\)/ }).click();
  await expect(records.locator('tbody tr.ant-table-row')).toHaveCount(1);
  await expect(records.getByRole('row', { name: /OCT-2/ })).toBeVisible();
  let claim = await (await apiAs('ws.lead.finance')).get(`/api/v1/member-claims/${claimId}`);
  expect([claim.accepted, claim.rejected, claim.pending]).toEqual(['300.00', '80.10', '120.55']);
  await expect(figure(page, '初审拒付')).toHaveText(yuan('80.10'));
  await shot(page, 'pre-review');
  await checkA11y(page, 'pre-review');

  // Completing the review with a record pending: where the API refuses, its message is shown and
  // "accept the rest" completes it with acceptPending.
  await page.getByRole('button', { name: '完成初审', exact: true }).click();
  const acceptRest = page.getByRole('button', { name: '其余待审记录全部通过并完成初审' });
  await expect(figure(page, '状态').getByText('已初审').or(acceptRest)).toBeVisible();
  if (await acceptRest.isVisible()) await acceptRest.click();
  await expect(figure(page, '状态')).toHaveText('已初审');
  claim = await (await apiAs('ws.lead.finance')).get(`/api/v1/member-claims/${claimId}`);
  expect([claim.state, claim.accepted, claim.rejected, claim.pending]).toEqual(['REVIEWED', '420.55', '80.10', '0.00']);

  // Declaring October (the month before the business date is offered) on 2026-11-10: after the deadline.
  await page.getByRole('menuitem', { name: '申报', exact: true }).click();
  await expect(page.getByLabel('期间')).toHaveValue('2026-10');
  await page.getByRole('button', { name: '申报本期' }).click();
  await expect(page).toHaveURL(/\/declarations\/\d+$/);
  declarationId = Number(page.url().split('/').pop());
  const declaration = await (await apiAs('ws.lead.finance')).get(`/api/v1/declarations/${declarationId}`);
  expect(declaration.late).toBe(true);
  expect(declaration.allowedActions).toEqual([]);
  await expect(figure(page, '截止日期')).toContainText(declaration.deadline);
  const overdueDays = Math.round((Date.parse('2026-11-10') - Date.parse(declaration.deadline)) / 86_400_000);
  await expect(page.getByTestId('countdown')).toHaveText(`已超过截止日期 ${overdueDays} 天`);
  await expect(figure(page, '申报日期')).toContainText('2026-11-10');
  await expect(figure(page, '申报日期')).toContainText('逾期申报');
  await expect(figure(page, '核定金额')).toHaveText(yuan(declaration.approved));
  const member = page.getByRole('row', { name: /WS-TC-01/ });
  await expect(member).toContainText(`#${claimId}`);
  await expect(member).toContainText(yuan('420.55'));
  await expect(page.locator('.ant-card-body > .ant-space button')).toHaveCount(0);
  await shot(page, 'declaration-lead');
  await checkA11y(page, 'declaration-lead');
});

test('the bureau deducts with a reason and completes its review; the clerk cannot approve, the approver approves; the clerk records the disbursement', async ({
  page,
}) => {
  expect(declarationId).toBeGreaterThan(0);
  await signIn(page, 'ws.bureau.clerk');
  await page.getByRole('menuitem', { name: '申报', exact: true }).click();
  await page.getByRole('link', { name: `#${declarationId}` }).click();
  const member = page.getByRole('row', { name: /WS-TC-01/ });
  await member.getByRole('button', { name: /展开|Expand/ }).click();
  const records = page.getByTestId(`records-${claimId}`);
  await records.getByRole('row', { name: /OCT-1/ }).getByRole('button', { name: '扣减' }).click();
  const dialog = page.getByRole('dialog', { name: '扣减记录' });
  await dialog.getByLabel('原因').click();
  await page.getByTitle('超标准收费', { exact: true }).click();
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(records.getByRole('row', { name: /OCT-1/ })).toContainText('超标准收费');
  await expect(figure(page, '扣减')).toHaveText(yuan('300.00'));
  await expect(figure(page, '核定金额')).toHaveText(yuan('120.55'));
  await shot(page, 'declaration-review');
  await checkA11y(page, 'declaration-review');

  await page.getByRole('button', { name: '完成初审', exact: true }).click();
  await expect(figure(page, '状态')).toHaveText('已初审');
  // Maker-checker is the API's: the clerk is offered no approval.
  await expect(page.getByRole('button', { name: '审批通过' })).toHaveCount(0);
  await signOut(page);

  await signIn(page, 'ws.bureau.approver');
  await page.goto(`/declarations/${declarationId}`);
  await expect(page.getByRole('button', { name: '退回' })).toBeVisible();
  await page.getByRole('button', { name: '审批通过' }).click();
  await expect(figure(page, '状态')).toHaveText('已审批');
  await expect(figure(page, '审批人')).toHaveText('ws.bureau.approver');
  await signOut(page);

  await signIn(page, 'ws.bureau.clerk');
  await page.goto(`/declarations/${declarationId}`);
  await page.getByRole('button', { name: '登记拨付' }).click();
  const disburse = page.getByRole('dialog', { name: '登记拨付' });
  await expect(disburse.getByLabel('拨付日期')).toHaveValue('2026-11-10');
  await disburse.getByRole('button', { name: '确定' }).click();
  await expect(disburse.getByText('请填写凭证号')).toBeVisible();
  await disburse.getByLabel('凭证号').fill('BK-2026-11-0042');
  await disburse.getByRole('button', { name: '确定' }).click();
  await expect(figure(page, '状态')).toHaveText('已拨付');
  const d = await (await apiAs('ws.bureau.clerk')).get(`/api/v1/declarations/${declarationId}`);
  expect([d.state, d.disbursedOn, d.disbursementRef, d.approved]).toEqual(['DISBURSED', '2026-11-10', 'BK-2026-11-0042', '120.55']);
  await expect(figure(page, '已拨付')).toHaveText(yuan(d.funded));
  await expect(figure(page, '拨付日期')).toHaveText('2026-11-10 · BK-2026-11-0042');
});

test('lead finance pays the pass-down; the township sees it paid', async ({ page }) => {
  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '下拨', exact: true }).click();
  const line = page.getByRole('row', { name: /WS-TC-01/ });
  const due = (await (await apiAs('ws.lead.finance')).get('/api/v1/pass-downs')).items.find((p: any) => p.payeeCode === 'WS-TC-01');
  await expect(line).toContainText(yuan(due.amount));
  await expect(line).toContainText('待付款');
  await expect(line).toContainText(due.deadline);
  await shot(page, 'pass-downs');
  await checkA11y(page, 'pass-downs');
  await line.getByRole('button', { name: '登记付款' }).click();
  const dialog = page.getByRole('dialog', { name: '登记付款' });
  await expect(dialog.getByLabel('付款日期')).toHaveValue('2026-11-10');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(line).toContainText('已付款');
  await expect(line.getByRole('button', { name: '登记付款' })).toHaveCount(0);
  await signOut(page);

  await signIn(page, 'ws.tc01.clerk');
  await page.getByRole('menuitem', { name: '下拨', exact: true }).click();
  await expect(page.getByRole('row', { name: /WS-RMYY/ })).toContainText('已付款');
});

test('the auditor reads the ledger: balances with nature and 余额方向, the trial balance, the entries, the chart and the XLSX', async ({
  page,
}) => {
  await signIn(page, 'ws.auditor');
  await page.getByRole('menuitem', { name: '基金账簿' }).click();
  const ledger = await (await apiAs('ws.auditor')).get('/api/v1/counties/WS/ledger/2026/accounts?pageSize=100');
  expect(ledger.items.length).toBeGreaterThan(0);
  const first = ledger.items[0];
  const row = page.getByRole('row', { name: new RegExp(first.name) }).first();
  await expect(row).toContainText(first.nature);
  await expect(row).toContainText(yuan(first.balanceAmount));
  await expect(page.getByTestId('trial-balance')).toHaveText(ledger.trialBalance.balanced ? '平衡' : '不平衡');
  await expect(page.getByText(yuan(ledger.trialBalance.debitBalances), { exact: false }).first()).toBeVisible();
  await expect(page.getByTestId('balance-chart').locator('canvas')).toHaveCount(1);
  await shot(page, 'ledger');
  await checkA11y(page, 'ledger');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 XLSX' }).click();
  expect((await download).suggestedFilename()).toBe('WS-2026-基金科目余额表.xlsx');
  await page.getByRole('tab', { name: '记账分录' }).click();
  await expect(page.getByRole('tabpanel').locator('tbody tr.ant-table-row').first()).toContainText('借：');
  // The English switch relabels the new screens too.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Fund ledger' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Account balances' })).toBeVisible();
  await expect(page.getByRole('menuitem', { name: 'Reserve uses' })).toBeVisible();
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '基金账簿' })).toBeVisible();
});

test('a pass-down the lead has not paid by its deadline shows as overdue in the township’s inbox', async ({ page }) => {
  const township = await apiAs('ws.tc02.clerk');
  const inbox = await township.get('/api/v1/inbox');
  const late = inbox.items.find((i: any) => i.kind === 'passDownExpected' && i.period === '2026-09');
  // The township waits on the lead hospital, which pays it down.
  expect(late).toMatchObject({ overdue: true, institutionCode: 'WS-RMYY' });
  await signIn(page, 'ws.tc02.clerk');
  const row = page.getByRole('row', { name: /2026-09/ });
  await expect(row).toContainText('已逾期');
  await expect(row).toContainText(late.deadline);
  await expect(row).toContainText(yuan(late.amount));
  await expect(page.locator('.ant-statistic').filter({ hasText: '逾期事项' })).toContainText(String(inbox.overdue));
  await shot(page, 'inbox-overdue-pass-down');
  await checkA11y(page, 'inbox-overdue-pass-down');
});
