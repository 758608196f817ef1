import { expect, test } from '@playwright/test';
import { apiAs, checkA11y, PASSWORD, shot, signIn, signOut, yuan } from './support';

// Rule-based pre-review (智能审核) on the business date 2026-11-10: the county hospital uploads
// November stays with a planted duplicate (the same person's stays overlapping at the same unit);
// the worker's review job finds it; the unit answers the hit (申诉); the lead accepts it and the
// record is rejected with the hit's reason. November of WS-ZYY is used by no other browser test;
// its clerk here is a user of its own (another test resets ws.tcm.clerk's password).

const CLERK = 'ws.zyy.rules';

const stay = (id: string, admission: string, discharge: string, fundPaid: string, selfPaid: string, total: string) => ({
  externalId: id,
  unitCode: 'WS-ZYY',
  insuredId: '532927198805050011',
  visitType: 'INPATIENT',
  admissionDate: admission,
  dischargeDate: discharge,
  settlementDate: discharge,
  diagnosisCode: 'J18.9',
  totalCost: total,
  coveredCost: total,
  fundPaid,
  criticalIllnessPaid: '0.00',
  medicalAidPaid: '0.00',
  selfPaid,
});

let claimId = 0;

test.beforeAll(async () => {
  await (
    await apiAs('ws.admin')
  ).post('/api/v1/users', {
    username: CLERK,
    displayName: '中医医院医保办（智能审核）',
    institutionCode: 'WS-ZYY',
    roles: ['MEMBER_CLERK'],
    password: PASSWORD,
  });
  const unit = await apiAs(CLERK);
  const stored = await unit.post('/api/v1/settlement-records', {
    records: [
      stay('NOV-ZYY-1', '2026-11-01', '2026-11-05', '2400.00', '1100.00', '3500.00'),
      stay('NOV-ZYY-2', '2026-11-03', '2026-11-07', '1800.00', '700.00', '2500.00'),
    ],
  });
  claimId = stored.claims[0].claimId;
  // The review job runs in the worker once the batch is committed.
  await expect.poll(async () => (await unit.get(`/api/v1/member-claims/${claimId}/rule-hits`)).total, { timeout: 30_000 }).toBe(1);
});

test('the unit answers a rule hit; the lead accepts it and the record is rejected with the hit’s reason', async ({ page }) => {
  const unit = await apiAs(CLERK);
  const [hit] = (await unit.get(`/api/v1/member-claims/${claimId}/rule-hits`)).items;
  expect(hit).toMatchObject({ ruleId: 'DUPLICATE_SETTLEMENT', severity: 'VIOLATION', suggestedDeduction: '1800.00', status: 'OPEN' });

  await signIn(page, CLERK);
  await page.goto(`/claims/${claimId}`);
  const hits = page.getByTestId(`rule-hits-${claimId}`);
  const row = hits.getByRole('row', { name: /DUPLICATE_SETTLEMENT/ });
  await expect(row).toContainText('重复结算');
  await expect(row).toContainText('明确违规');
  await expect(row).toContainText(yuan(hit.suggestedDeduction));
  await expect(row).toContainText(hit.recordIds.join('、'));
  await expect(hits.getByText(yuan(hit.suggestedDeduction)).first()).toBeVisible();
  // The unit may only answer.
  await expect(row.getByRole('button', { name: '采纳（拒付该记录）' })).toHaveCount(0);
  await row.getByRole('button', { name: '申诉' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(dialog.getByText('请填写说明')).toBeVisible();
  await dialog.getByLabel('申诉说明').fill('第二次为转科后重新结算，已作废');
  await dialog.getByRole('button', { name: '确定' }).click();
  await expect(row).toContainText('已申诉');
  await expect(row).toContainText('第二次为转科后重新结算，已作废');
  await shot(page, 'rule-hits');
  await checkA11y(page, 'rule-hits');
  const claim = await unit.get(`/api/v1/member-claims/${claimId}`);
  await unit.post(`/api/v1/member-claims/${claimId}/submit`, { version: claim.version });
  await signOut(page);

  await signIn(page, 'ws.lead.finance');
  await page.goto(`/claims/${claimId}`);
  const leadRow = page.getByTestId(`rule-hits-${claimId}`).getByRole('row', { name: /DUPLICATE_SETTLEMENT/ });
  await expect(leadRow).toContainText('第二次为转科后重新结算，已作废');
  await expect(leadRow.getByRole('button', { name: '申诉' })).toHaveCount(0);
  await leadRow.getByRole('button', { name: '采纳（拒付该记录）' }).click();
  await page.getByRole('dialog').getByLabel('处理意见').fill('核实为重复结算');
  await page.getByRole('dialog').getByRole('button', { name: '确定' }).click();
  await expect(leadRow).toContainText('已采纳');
  const records = page.getByTestId(`records-${claimId}`);
  const rejected = records.getByRole('row', { name: /NOV-ZYY-2/ });
  await expect(rejected).toContainText('已拒付');
  await expect(rejected).toContainText('重复结算');
  const lead = await apiAs('ws.lead.finance');
  const [record] = (await lead.get(`/api/v1/member-claims/${claimId}/records?externalId=NOV-ZYY-2`)).items;
  expect(record).toMatchObject({ reviewStatus: 'REJECTED', reviewReason: 'DUPLICATE_SETTLEMENT' });
  expect((await lead.get(`/api/v1/member-claims/${claimId}/rule-hits`)).items[0].status).toBe('ACCEPTED');
  await signOut(page);
});

test('the bureau sees the county’s review rules with their thresholds and versions', async ({ page }) => {
  const bureau = await apiAs('ws.bureau.clerk');
  const set = await bureau.get('/api/v1/counties/WS/review-rules');
  await signIn(page, 'ws.bureau.clerk');
  await page.getByRole('menuitem', { name: '智能审核规则' }).click();
  const screen = page.getByTestId('rule-set');
  await expect(screen.getByRole('row', { name: /SPLIT_ADMISSION/ })).toBeVisible();
  const split = set.rules.find((r: { id: string }) => r.id === 'SPLIT_ADMISSION');
  await expect(screen.locator('#param-SPLIT_ADMISSION-readmissionDays')).toHaveValue(String(split.params.readmissionDays));
  await expect(screen.getByRole('button', { name: '保存为新版本' })).toBeVisible();
  await shot(page, 'rule-set');
  await checkA11y(page, 'rule-set');
});
