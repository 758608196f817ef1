import { expect, test } from '@playwright/test';
import { apiAs, checkA11y, consoleUrl, PASSWORD, shot, signIn } from './support';

const HEADER =
  'externalId,unitCode,insuredId,visitType,visitDate,settlementDate,totalCost,coveredCost,fundPaid,criticalIllnessPaid,medicalAidPaid,selfPaid';
const row = (id: string, visitType: string, fundPaid: string, selfPaid: string) =>
  `${id},WS-TC-01,532927199001011234,${visitType},2026-11-02,2026-11-02,1200.50,1000.00,${fundPaid},0.00,100.00,${selfPaid}`;
/** Two good records and, on line 3 of the file, a visit type the API refuses. */
const CSV = [
  HEADER,
  row('BR-1', 'OUTPATIENT', '1000.00', '100.50'),
  row('BR-2', 'HOUSE_CALL', '5.00', '1095.50'),
  row('BR-3', 'CHRONIC_SPECIAL', '234.50', '866.00'),
].join('\n');

/** The API's own answer, read with a bearer token of the same user (the figures on screen must equal it). */
const apiGet = async (username: string, path: string) => (await apiAs(username)).get(path);

let claimId = 0;

test('a township clerk signs in, sees the inbox, uploads a file with one bad row, sees the row error, opens and submits the claim', async ({
  page,
  context,
}) => {
  await signIn(page, 'ws.tc01.clerk');
  await expect(page).toHaveURL(/\/inbox$/);
  await expect(page.getByRole('heading', { name: '待办' })).toBeVisible();
  await expect(page.getByRole('menuitem')).toHaveText([
    '待办',
    '成员单位申报',
    '上传结算数据',
    '下拨',
    '评审与争议',
    '年终清算',
    '县外转诊',
    '个人信息',
    '结算单与抽样',
  ]);
  await shot(page, 'sign-in-done-inbox-empty');
  await checkA11y(page, 'sign-in-done-inbox-empty');

  // The session survives a reload through the refresh cookie (the access token lived in memory only).
  const cookies = await context.cookies();
  const refresh = cookies.find((c) => c.name === 'cbm_refresh');
  expect(refresh).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/v1/auth/refresh' });
  await page.reload();
  await expect(page.getByTestId('who')).toContainText('ws.tc01.clerk');

  await page.getByRole('menuitem', { name: '上传结算数据' }).click();
  await page.getByRole('checkbox', { name: '跳过错误行，保存其余记录' }).check();
  await page.locator('input[type=file]').setInputFiles({ name: 'november.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV, 'utf8') });
  const outcome = page.getByTestId('upload-outcome');
  await expect(outcome).toContainText('收到3');
  await expect(outcome).toContainText('已保存2');
  await expect(outcome).toContainText('拒收1');
  const errors = page.getByTestId('row-errors');
  await expect(errors.locator('tbody tr')).toHaveCount(1);
  const cells = errors.locator('tbody tr').first().locator('td');
  await expect(cells).toHaveText(['3', 'visitType', 'isIn', /^visitType must be one of /]);
  await shot(page, 'upload-row-errors');
  await checkA11y(page, 'upload-row-errors');
  // The clerk fixes the refused row and uploads it again: stored, and nothing of the first file twice.
  const fixed = [HEADER, row('BR-2', 'OUTPATIENT', '5.00', '1095.50')].join('\n');
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'november-fixed.csv', mimeType: 'text/csv', buffer: Buffer.from(fixed, 'utf8') });
  await expect(outcome).toContainText('收到1');
  await expect(outcome).toContainText('已保存1');
  await expect(outcome).toContainText('拒收0');
  await expect(page.getByTestId('row-errors')).toHaveCount(0);

  await page.getByRole('menuitem', { name: '待办' }).click();
  const item = page.getByRole('row', { name: /提交本期申报/ });
  await expect(item).toContainText('2026-11');
  await expect(item).toContainText('WS-TC-01');
  await shot(page, 'inbox');
  await checkA11y(page, 'inbox');
  await item.getByRole('link', { name: '查看' }).click();
  await expect(page).toHaveURL(/\/claims\/\d+$/);
  claimId = Number(page.url().split('/').pop());

  const claim = await apiGet('ws.tc01.clerk', `/api/v1/member-claims/${claimId}`);
  const figure = (label: string) =>
    page.locator('.ant-descriptions-item-label', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::td[1]');
  const yuan = (s: string) => {
    const [whole, fraction] = s.split('.');
    return `¥${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction}`;
  };
  await expect(figure('申报金额')).toHaveText(yuan(claim.claimed));
  expect(claim.claimed).toMatch(/^\d{4,}\.\d{2}$/);
  await expect(figure('申报金额')).toHaveText(/^¥\d{1,3}(,\d{3})+\.\d{2}$/);
  await expect(figure('记录数')).toHaveText('3');
  await expect(figure('状态')).toHaveText('待提交');

  await shot(page, 'claim-township');

  await checkA11y(page, 'claim-township');
  await page.getByRole('button', { name: '提交申报' }).click();
  await expect(figure('状态')).toHaveText('已提交');
  await expect(page.getByRole('button', { name: '提交申报' })).toHaveCount(0);
  expect((await apiGet('ws.tc01.clerk', `/api/v1/member-claims/${claimId}`)).state).toBe('SUBMITTED');

  // Without the refresh cookie a reload cannot restore the session: back to sign-in.
  await context.clearCookies();
  await page.reload();
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
});

test('lead finance sees the same claim in its list and on its page without a submit button', async ({ page }) => {
  expect(claimId).toBeGreaterThan(0);
  await signIn(page, 'ws.lead.finance');
  await page.getByRole('menuitem', { name: '成员单位申报' }).click();
  const line = page.getByRole('row', { name: new RegExp(`#${claimId}\\b`) });
  await expect(line).toContainText('WS-TC-01');
  await expect(line).toContainText('已提交');
  await shot(page, 'claims-lead');
  await checkA11y(page, 'claims-lead');
  await line.getByRole('link', { name: `#${claimId}` }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`#${claimId}`) })).toBeVisible();
  const claim = await apiGet('ws.lead.finance', `/api/v1/member-claims/${claimId}`);
  // The API offers this caller only its own step (pre-review), and the page shows exactly that.
  expect(claim.allowedActions).toEqual(['returnForCorrection', 'completeReview']);
  await expect(page.getByRole('button', { name: '提交申报' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: '完成初审' })).toBeVisible();
  await shot(page, 'claim-lead');
  await checkA11y(page, 'claim-lead');

  // Signing out ends the session on the server and clears the cookie: a reload stays signed out.
  const loggedOut = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/logout'));
  await page.getByRole('button', { name: '退出登录' }).click();
  expect((await loggedOut).status()).toBe(204);
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
  // The browser applies the clearing Set-Cookie to its store shortly after the answer.
  await expect.poll(async () => (await page.context().cookies()).some((c) => c.name === 'cbm_refresh')).toBe(false);
  await page.reload();
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
  await expect(page.getByText('登录已过期，请重新登录')).toHaveCount(0);
});

test('a session ended on the server sends the user back to sign-in, told that the session expired', async ({ page }) => {
  await signIn(page, 'ws.tcm.clerk');
  await expect(page.getByRole('heading', { name: '待办' })).toBeVisible();
  // Chinese first, with an English switch.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Inbox' })).toBeVisible();
  await expect(page.getByRole('menuitem')).toHaveText([
    'Inbox',
    'Member claims',
    'Upload settlements',
    'Pass-downs',
    'Reviews and disputes',
    'Year end',
    'Referrals',
    'Profile',
    'Statements & samples',
  ]);
  await page.getByRole('button', { name: '中文' }).click();
  await expect(page.getByRole('heading', { name: '待办' })).toBeVisible();
  // A password reset by the administrator ends every session of the user (access and refresh tokens).
  const admin = await fetch(`${consoleUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'ws.admin', password: PASSWORD }),
  }).then((r) => r.json());
  const reset = await fetch(`${consoleUrl()}/api/v1/users/ws.tcm.clerk/password`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${admin.accessToken}` },
    body: JSON.stringify({ password: 'another-password-2026' }),
  });
  expect(reset.status).toBeLessThan(300);
  await page.getByRole('menuitem', { name: '成员单位申报' }).click();
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
  await expect(page.getByText('登录已过期，请重新登录')).toBeVisible();
  await expect.poll(async () => (await page.context().cookies()).some((c) => c.name === 'cbm_refresh')).toBe(false);
});
