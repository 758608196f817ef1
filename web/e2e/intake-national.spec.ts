import { expect, test } from '@playwright/test';
import { apiAs, checkA11y, consoleUrl, figure, PASSWORD, shot, signIn, yuan } from './support';

// The national settlement extract on screen: a township of the demo county (its own clerk and
// national code, November 2026, which no other test declares) uploads a file in the national
// layout with a refund, an employee-insurance row and a refund of more than remains; the lead
// drops a refund whose original never came; the administrator reads the code tables.

const UNIT = 'WS-TC-03';
const CLERK = 'ws.tc03.national';
const NATIONAL_CODE = 'H53292200003';

const HEADER =
  'setl_id,psn_no,insutype,med_type,setl_time,begndate,enddate,medfee_sumamt,inscp_scp_amt,hifp_pay,hifmi_pay,maf_pay,psn_cash_pay,fixmedins_code,refd_setl_flag,init_setl_id,clr_type,dise_codg';
const row = (id: string, insutype: string, amount: string, fund: string, self: string, refundOf = '') =>
  [
    id,
    '53292719900101123456',
    insutype,
    '11',
    '2026-11-03 09:30:00',
    '2026-11-03',
    '2026-11-03',
    amount,
    amount,
    fund,
    '0.00',
    '0.00',
    self,
    NATIONAL_CODE,
    refundOf ? '1' : '0',
    refundOf,
    '11',
    'J06.9',
  ].join(',');
const CSV = [
  HEADER,
  row('NAT-1', '390', '200.00', '150.00', '50.00'),
  row('NAT-2', '390', '80.00', '60.00', '20.00'),
  row('NAT-R1', '390', '-40.00', '-30.00', '-10.00', 'NAT-1'),
  row('NAT-E1', '310', '500.00', '400.00', '100.00'),
  row('NAT-R2', '390', '-90.00', '-70.00', '-20.00', 'NAT-2'),
].join('\n');

async function send(username: string, method: string, path: string, body?: unknown) {
  const login = await fetch(`${consoleUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  }).then((r) => r.json());
  const res = await fetch(`${consoleUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${login.accessToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.json();
}

test.beforeAll(async () => {
  const admin = await apiAs('ws.admin');
  const unit = await admin.get(`/api/v1/institutions/${UNIT}`);
  if (unit.nationalCode !== NATIONAL_CODE)
    await send('ws.admin', 'PATCH', `/api/v1/institutions/${UNIT}`, { version: unit.version, nationalCode: NATIONAL_CODE });
  const users = await admin.get(`/api/v1/users?pageSize=500`);
  if (!users.items.some((u: { username: string }) => u.username === CLERK))
    await admin.post('/api/v1/users', {
      username: CLERK,
      displayName: '国标格式上报',
      institutionCode: UNIT,
      roles: ['MEMBER_CLERK'],
      password: PASSWORD,
    });
});

test('a township uploads the national layout: the rows reported, not stored, and the refused refund are shown; the figures are the API’s', async ({
  page,
}) => {
  await signIn(page, CLERK);
  await page.getByRole('menuitem', { name: '上传结算数据' }).click();
  await page.getByRole('checkbox', { name: '跳过错误行，保存其余记录' }).check();
  const answered = page.waitForResponse((r) => r.url().includes('/api/v1/settlement-records/upload'));
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'november-national.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
  const outcome = await (await answered).json();
  expect(outcome).toMatchObject({ received: 5, stored: 3, rejected: 1, orphans: 0 });
  const shown = page.getByTestId('upload-outcome');
  await expect(shown).toBeVisible();
  await expect(figure(page, '收到')).toHaveText(String(outcome.received));
  await expect(figure(page, '已保存')).toHaveText(String(outcome.stored));
  await expect(figure(page, '已报告、未入库的记录（非居民医保或非本县机构）')).toHaveText(String(outcome.reported.length));
  // The employee-insurance row: reported with its reason, not stored.
  const reported = page.getByTestId('reported-rows');
  await expect(reported.getByRole('row', { name: /NAT-E1/ })).toContainText('非居民医保');
  await expect(reported.getByRole('row', { name: /NAT-E1/ })).toContainText(outcome.reported[0].reason);
  // The refund of more than remains of its original: refused with the rule and the reason.
  const errors = page.getByTestId('row-errors');
  await expect(errors.getByRole('row', { name: /moreThanRemains/ })).toContainText('6');
  await shot(page, 'upload-national');
  await checkA11y(page, 'upload-national');

  // The claim counts the originals net of the refund: 150.00 + 60.00 − 30.00 from the fund.
  const [claim] = (await send(CLERK, 'GET', '/api/v1/member-claims?period=2026-11')).items;
  expect(claim.claimed).toBe('180.00');
  await page.getByRole('menuitem', { name: '成员单位申报' }).click();
  await expect(page.getByRole('row', { name: /2026-11/ })).toContainText(yuan(claim.claimed));
});

test('the lead sees a refund whose original has not arrived and drops it with a reason', async ({ page }) => {
  const held = await send(CLERK, 'POST', '/api/v1/settlement-records', {
    records: [
      {
        externalId: 'NAT-R9',
        unitCode: UNIT,
        insuredId: '53292719900101123456',
        visitType: 'OUTPATIENT',
        visitDate: '2026-11-04',
        settlementDate: '2026-11-04',
        totalCost: '-12.00',
        coveredCost: '-12.00',
        fundPaid: '-12.00',
        criticalIllnessPaid: '0.00',
        medicalAidPaid: '0.00',
        selfPaid: '0.00',
        refundOf: 'NAT-404',
      },
    ],
  });
  expect(held.orphans).toBe(1);
  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '待原结算的退费' }).click();
  const table = page.getByTestId('orphans');
  const line = table.getByRole('row', { name: /NAT-R9/ });
  await expect(line).toContainText('NAT-404');
  await expect(line).toContainText(yuan('-12.00'));
  await shot(page, 'refund-orphans');
  await checkA11y(page, 'refund-orphans');
  await line.getByRole('button', { name: '作废' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('作废理由').fill('原结算不在本县');
  await dialog.getByRole('button', { name: '作废' }).click();
  await expect(table.getByRole('row', { name: /NAT-R9/ })).toHaveCount(0);
  const orphans = await (await apiAs('ws.lead.finance')).get('/api/v1/refund-orphans?state=DROPPED');
  expect(orphans.items.find((o: { externalId: string }) => o.externalId === 'NAT-R9')).toMatchObject({ decisionReason: '原结算不在本县' });
});

test('the administrator reads and edits the national code tables', async ({ page }) => {
  await signIn(page, 'ws.admin');
  await page.getByRole('menuitem', { name: '国家医保代码表' }).click();
  const table = page.getByTestId('national-codes');
  await expect(table.getByRole('row', { name: /390/ })).toContainText('城乡居民基本医疗保险');
  await expect(table.getByRole('row', { name: /390/ })).toContainText('是');
  await expect(table.getByRole('row', { name: /310/ })).toContainText('否');
  await shot(page, 'national-codes');
  await checkA11y(page, 'national-codes');
  await table.getByRole('row', { name: /399/ }).getByRole('button', { name: '修改' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('名称').fill('其他特殊人员医疗保障（本县）');
  await dialog.getByRole('button', { name: '保存' }).click();
  await expect(table.getByRole('row', { name: /399/ })).toContainText('其他特殊人员医疗保障（本县）');
  const codes = await (await apiAs('ws.admin')).get('/api/v1/national-codes?kind=insutype');
  expect(codes.items.find((c: { code: string }) => c.code === '399').name).toBe('其他特殊人员医疗保障（本县）');
});
