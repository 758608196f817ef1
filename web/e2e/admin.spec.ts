import { expect, test, type Locator, type Page } from '@playwright/test';
import { apiAs, checkA11y, consoleUrl, figure, shot, signIn, signOut, yuan } from './support';

// The administration, audit, public and referral screens. This file runs first on the shared
// database: it changes no demo user and deactivates nothing; the users it creates are its own.

/** Users this file creates (fresh names, so the demo users keep their password and roles). */
const CLERK = { username: 'ws.tc02.newclerk', name: '永建镇卫生院新医保员', institution: 'WS-TC-02', password: 'tc02-initial-2026' };
const REVIEWER = { username: 'ws.lead.reviewer', name: '人民医院财务复核', institution: 'WS-RMYY', password: 'lead-reviewer-2026' };

/** Signs in with a password of its own (signIn() knows only the demo password). */
async function signInWith(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${consoleUrl()}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('who')).toContainText(username);
}

/** A bearer client of a user by password (apiAs() knows only the demo password). */
async function apiWith(username: string, password: string) {
  const login = await fetch(`${consoleUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return login.status;
}

/** Chooses a role in a multiple Select by typing its code (the options' value) and taking the match. */
async function chooseRole(dialog: Locator, code: string, label: string): Promise<void> {
  const roles = dialog.getByRole('combobox', { name: '角色' });
  await roles.fill(code);
  await roles.press('Enter');
  await expect(dialog.getByTitle(label, { exact: true })).toBeVisible();
  await dialog.locator('.ant-modal-title').click();
}

/** An option of the open Select dropdown (closed dropdowns stay in the page, hidden). */
function option(page: Page, title: string) {
  return page.locator('.ant-select-dropdown:visible').getByTitle(title, { exact: true });
}

async function menu(page: Page, name: string): Promise<void> {
  await page.getByRole('menuitem', { name }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
}

test.describe.configure({ mode: 'serial' });

test('the auditor verifies the audit chain on screen and filters the log, as the API answers', async ({ page }) => {
  const auditor = await apiAs('ws.auditor');
  await signIn(page, 'ws.auditor');
  await menu(page, '审计日志');
  await page.getByRole('button', { name: '校验审计链' }).click();
  const verification = page.getByTestId('chain-verification');
  await expect(verification).toBeVisible();
  // Read after the screen's own call: reads add no entries, so both saw the same chain.
  const api = await auditor.get('/api/v1/audit/verify');
  expect(api.intact).toBe(true);
  await expect(verification.getByRole('status')).toHaveText('审计链完整');
  await expect(figure(page, '校验条目数')).toHaveText(String(api.entries));
  await expect(figure(page, '链头一致')).toHaveText(api.headMatches ? '是' : '否');
  await shot(page, 'audit');
  await checkA11y(page, 'audit');

  // The 2026 allocation's entries (drafted, submitted, approved), filtered by entity type: the rows the API lists.
  await page.getByLabel('对象类型').fill('allocation');
  await page.getByRole('button', { name: '查询' }).click();
  const listed = await auditor.get('/api/v1/audit?entityType=allocation&pageSize=20');
  expect(listed.total).toBeGreaterThan(0);
  const rows = page.getByTestId('audit-entries').locator('tbody tr.ant-table-row');
  await expect(rows).toHaveCount(Math.min(listed.total, 20));
  await expect(rows.first()).toContainText(listed.items[0].action);
  await expect(rows.first()).toContainText(listed.items[0].actor);
  await expect(rows.last()).toContainText(listed.items[Math.min(listed.total, 20) - 1].action);
});

test('the administrator reads the registry, sees an import refused row by row, and creates users who then sign in', async ({ page }) => {
  test.setTimeout(90_000);
  const admin = await apiAs('ws.admin');
  await signIn(page, 'ws.admin');
  await menu(page, '机构目录');
  const townships = await admin.get('/api/v1/institutions?type=TOWNSHIP_CENTER&pageSize=100');
  await page.getByRole('combobox', { name: '机构类型' }).click();
  await option(page, '乡镇卫生院').click();
  const rows = page.getByTestId('institutions').locator('tbody tr.ant-table-row');
  await expect(rows).toHaveCount(Math.min(townships.total, 20));
  await expect(rows.first()).toContainText(townships.items[0].code);
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0);
  await page.mouse.move(0, 0);
  await shot(page, 'registry');
  await checkA11y(page, 'registry');

  // One institution, as the API has it.
  await page.getByRole('link', { name: 'WS-TC-02', exact: true }).click();
  const tc02 = await admin.get('/api/v1/institutions/WS-TC-02');
  await expect(figure(page, '名称')).toHaveText(tc02.name);
  await expect(figure(page, '医共体')).toHaveText(tc02.communityCode);
  await expect(figure(page, '版本')).toHaveText(String(tc02.version));
  await page.getByRole('link', { name: '返回' }).click();

  // An import with a bad row is refused whole: the row, field and rule are shown; nothing is written.
  await page.getByRole('button', { name: '导入机构' }).click();
  const dialog = page.getByRole('dialog', { name: '导入机构' });
  const csv = ['code,name,type,countyCode,communityCode,parentCode', 'WS-VC-02-09,测试村卫生室,NOT_A_TYPE,WS,WS-MC,WS-TC-02'].join('\n');
  await dialog.locator('input[type=file]').setInputFiles({ name: 'institutions.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const errors = dialog.getByTestId('import-errors');
  await expect(errors).toBeVisible();
  await expect(errors.locator('tbody tr').first()).toContainText('type');
  expect((await admin.get('/api/v1/institutions?q=WS-VC-02-09')).total).toBe(0);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  // Two users: a township clerk and a second finance officer of the lead hospital.
  await menu(page, '用户与令牌');
  for (const [user, role, label] of [
    [CLERK, 'MEMBER_CLERK', '成员单位经办'],
    [REVIEWER, 'LEAD_FINANCE', '牵头单位财务'],
  ] as const) {
    await page.getByRole('button', { name: '新建用户' }).click();
    const form = page.getByRole('dialog', { name: '新建用户' });
    await form.getByLabel('用户名').fill(user.username);
    await form.getByLabel('姓名').fill(user.name);
    await form.getByLabel('机构').fill(user.institution);
    await chooseRole(form, role, label);
    await form.getByLabel('密码').fill(user.password);
    await form.getByRole('button', { name: '确定' }).click();
    await expect(form).toBeHidden();
    await expect(page.getByTestId('users').getByRole('row', { name: new RegExp(user.username) })).toContainText(user.institution);
  }
  const created = await admin.get(`/api/v1/users/${CLERK.username}`);
  expect(created).toMatchObject({ institutionCode: CLERK.institution, roles: ['MEMBER_CLERK'], active: true });
  await shot(page, 'users');
  await checkA11y(page, 'users');

  // An API token is shown once, then only its record; revoking it is recorded.
  await page.getByRole('tab', { name: '接口令牌' }).click();
  await page.getByRole('button', { name: '新建令牌' }).click();
  const tokenForm = page.getByRole('dialog', { name: '新建令牌' });
  await tokenForm.getByLabel('令牌名称').fill('永建镇卫生院 HIS 上传');
  await tokenForm.getByLabel('机构').fill('WS-TC-02');
  await chooseRole(tokenForm, 'MEMBER_CLERK', '成员单位经办');
  await tokenForm.getByRole('button', { name: '确定' }).click();
  const shown = page.getByTestId('new-token');
  await expect(shown).toContainText('cbm_');
  const token = (await shown.innerText()).trim();
  const me = await fetch(`${consoleUrl()}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
  expect(me).toMatchObject({ kind: 'token', institutionCode: 'WS-TC-02' });
  await page.getByRole('dialog').filter({ has: shown }).getByRole('button', { name: '确定' }).click();
  const tokenRow = page.getByTestId('api-tokens').getByRole('row', { name: /永建镇卫生院 HIS 上传/ });
  await tokenRow.getByRole('button', { name: '吊销' }).click();
  await page.locator('.ant-popconfirm:visible').getByRole('button', { name: '确定' }).click();
  await expect(tokenRow.getByRole('button', { name: '吊销' })).toHaveCount(0);
  expect((await fetch(`${consoleUrl()}/api/v1/auth/me`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  await signOut(page);

  await signInWith(page, CLERK.username, CLERK.password);
  await expect(page.getByTestId('who')).toContainText(CLERK.institution);
});

test('a new user changes their own password on the profile screen', async ({ page }) => {
  await signInWith(page, CLERK.username, CLERK.password);
  await menu(page, '个人信息');
  await expect(figure(page, '账号')).toHaveText(CLERK.username);
  await expect(figure(page, '机构')).toHaveText(CLERK.institution);
  await shot(page, 'profile');
  await checkA11y(page, 'profile');
  const fresh = 'tc02-changed-2026';
  await page.getByLabel('当前密码').fill('not-the-password');
  await page.getByLabel('新密码', { exact: true }).fill(fresh);
  await page.getByLabel('确认新密码').fill(fresh);
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByRole('alert')).toContainText('current password is wrong');
  await page.getByLabel('当前密码').fill(CLERK.password);
  await page.getByRole('button', { name: '修改密码' }).click();
  await expect(page.getByText('密码已修改；其他登录会话已退出')).toBeVisible();
  // This session stays signed in; the old password no longer signs in, the new one does.
  await menu(page, '个人信息');
  expect(await apiWith(CLERK.username, CLERK.password)).toBe(401);
  expect(await apiWith(CLERK.username, fresh)).toBe(200);
  await signOut(page);
  await signInWith(page, CLERK.username, fresh);
  CLERK.password = fresh;
});

test('the public notice opens without signing in and shows the API’s published figures', async ({ page }) => {
  // A published allocation of 2025 (the 2026 one stays approved, as the other files expect it).
  const clerk = await apiAs('ws.bureau.clerk');
  const approver = await apiAs('ws.bureau.approver');
  const draft = await clerk.post('/api/v1/allocations', {
    countyCode: 'WS',
    fundYear: 2025,
    insuredCount: '310000',
    perCapitaStandard: '800.00',
    interest: '1000000.00',
    criticalIllnessPremiumPerPerson: '60.00',
    familyDoctorFee: '2800000.00',
    policyAdjustmentExpenditure: '1200000.00',
  });
  const submitted = await clerk.post(`/api/v1/allocations/${draft.id}/submit`, { version: draft.version });
  const approved = await approver.post(`/api/v1/allocations/${draft.id}/approve`, { version: submitted.version });
  await clerk.post(`/api/v1/allocations/${draft.id}/publish`, { version: approved.version });
  const published = await fetch(`${consoleUrl()}/api/v1/public/allocations/WS/2025`).then((r) => r.json());

  await page.goto(`${consoleUrl()}/public/WS/2025`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('医共体打包资金分配公示');
  await expect(page.getByRole('button', { name: '登录' })).toHaveCount(0);
  const labels: Record<string, string> = {
    raisedTotal: '统筹基金筹资总额（F）',
    adjustmentReserve: '调剂金（A）',
    criticalIllnessFund: '大病保险基金（C）',
    netBase: '可分配基金（B）',
    communityIncrease: '医共体预算增加资金（R）',
    communityPackage: '医共体预算资金总额（M）',
    privatePool: '民营定点医疗机构总额',
  };
  for (const [key, label] of Object.entries(labels)) await expect(figure(page, label)).toHaveText(yuan(published.figures[key]));
  for (const c of published.communities)
    await expect(page.getByTestId('public-packages').getByRole('row', { name: new RegExp(c.communityCode) })).toContainText(
      yuan(c.package),
    );
  await shot(page, 'public-allocation');
  await checkA11y(page, 'public-allocation');

  // A year with nothing published says so.
  await page.goto(`${consoleUrl()}/public/WS/2024`);
  await expect(page.getByRole('alert')).toContainText('该县该年度尚无公示');
});

test('a referral is recorded and submitted by the lead unit and approved by another of its finance staff', async ({ page }) => {
  test.setTimeout(90_000);
  await signIn(page, 'ws.lead.finance');
  await menu(page, '县外转诊');
  await shot(page, 'referrals');
  await checkA11y(page, 'referrals');
  await page.getByRole('button', { name: '登记转诊' }).click();
  const form = page.getByRole('dialog', { name: '登记转诊' });
  await form.getByLabel('参保人身份证号').fill('532927195512300059');
  await form.getByLabel('转出单位').fill('WS-RMYY');
  await form.getByLabel('接收医院').fill('昆明医科大学第一附属医院');
  await form.getByLabel('诊断编码（ICD-10）').fill('C34.9');
  await form.getByLabel('有效期起').fill('2026-11-01');
  await form.getByLabel('有效期起').press('Enter');
  await form.getByLabel('有效期止').fill('2026-12-31');
  await form.getByLabel('有效期止').press('Enter');
  await form.getByLabel('转诊理由').fill('县内无法开展的介入治疗');
  await form.getByRole('button', { name: '确定' }).click();
  await expect(page).toHaveURL(/\/referrals\/\d+$/);
  const id = Number(page.url().split('/').pop());
  await expect(figure(page, '流程状态')).toHaveText('草稿');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(figure(page, '流程状态')).toHaveText('审批中');
  // The recorder may not approve their own referral: the API offers no such button.
  await expect(page.getByRole('button', { name: '同意', exact: true })).toHaveCount(0);
  const lead = await apiAs('ws.lead.finance');
  const submitted = await lead.get(`/api/v1/referrals/${id}`);
  expect(submitted.allowedActions).not.toContain('approve');
  await expect(figure(page, '参保人')).toHaveText(submitted.insuredMasked);
  await shot(page, 'referral');
  await checkA11y(page, 'referral');
  await signOut(page);

  await signInWith(page, REVIEWER.username, REVIEWER.password);
  await menu(page, '县外转诊');
  await page.getByRole('link', { name: `#${id}`, exact: true }).click();
  await page.getByRole('button', { name: '同意', exact: true }).click();
  const agreeing = page.getByRole('dialog', { name: '同意' });
  await agreeing.getByLabel('意见').fill('符合转诊条件');
  await agreeing.getByRole('button', { name: '确定' }).click();
  await expect(figure(page, '流程状态')).toHaveText('已同意');
  await expect(page.getByTestId('chain-history')).toContainText('符合转诊条件');
  const approved = await lead.get(`/api/v1/referrals/${id}`);
  expect(approved.chain.status).toBe('APPROVED');
  await expect(page.getByTestId('chain-history').locator('.ant-timeline-item')).toHaveCount(approved.chain.history.length);
  await shot(page, 'referral-approved');

  // The report of the year: the API's counts and amounts.
  await page.getByRole('link', { name: '返回' }).click();
  const report = await lead.get('/api/v1/communities/WS-MC/referral-report?fundYear=2026');
  const shownReport = page.getByTestId('referral-report');
  await expect(shownReport).toBeVisible();
  await expect(figure(page, '县外住院结算')).toHaveText(String(report.settlements));
  await expect(figure(page, '未备案基金支付')).toHaveText(yuan(report.flaggedAmount));
  await expect(figure(page, '结算系统降低报销（10%）')).toHaveText(yuan(report.reduction));
  // The register as XLSX.
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: '导出 XLSX' }).click();
  expect((await download).suggestedFilename()).toBe('WS-MC-县外转诊登记簿.xlsx');
});

test('a queued upload shows its progress until the API reports it done, then the usual result', async ({ page }) => {
  // Files above INTAKE_SYNC_MAX_ROWS are queued for the worker; the browser run has no worker, so
  // the API's answers for one queued upload are played here in the order the API gives them.
  const id = '7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b';
  const base = { id, rowCount: 6000, createdAt: '2026-11-10T02:00:00.000Z' };
  const outcome = {
    batchId: 'b-1',
    received: 6000,
    stored: 5998,
    duplicates: 1,
    rejected: 1,
    claims: [],
    errors: [{ row: 17, field: 'visitType', rule: 'isIn', message: 'visitType must be one of OUTPATIENT, INPATIENT' }],
    reported: [],
    orphans: 0,
  };
  const states = [
    { ...base, status: 'RUNNING', processedRows: 3000, outcome: null, finishedAt: null },
    { ...base, status: 'DONE', processedRows: 6000, outcome, finishedAt: '2026-11-10T02:01:00.000Z' },
  ];
  await page.route('**/api/v1/settlement-records/upload', (route) =>
    route.fulfill({ status: 202, json: { ...base, status: 'QUEUED', processedRows: 0, outcome: null, finishedAt: null } }),
  );
  let polls = 0;
  await page.route(`**/api/v1/settlement-records/uploads/${id}`, (route) => route.fulfill({ json: states[Math.min(polls++, 1)] }));

  await signInWith(page, CLERK.username, CLERK.password);
  await page.getByRole('menuitem', { name: '上传结算数据' }).click();
  await page.locator('input[type=file]').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from('externalId\n') });
  const progress = page.getByTestId('upload-progress');
  await expect(progress).toContainText('已处理');
  await expect(progress).toContainText('6000');
  await expect(progress.getByRole('status')).toHaveText('处理完成');
  await expect(page.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(figure(page, '已保存')).toHaveText('5998');
  await expect(figure(page, '重复')).toHaveText('1');
  await expect(page.getByTestId('row-errors')).toContainText('visitType');
  await shot(page, 'upload-queued');
  await checkA11y(page, 'upload-queued');
});
