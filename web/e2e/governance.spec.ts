import { expect, test, type Page } from '@playwright/test';
import { apiAs, figure, shot, signIn, signOut, checkA11y } from './support';

// A reserve use (调剂金使用) through its whole chain in the console, each step by its own body:
// the bureau clerk applies and submits, the finance bureau agrees (told by a notification),
// the prefecture bureau reviews, the bureau clerk executes.

async function openUse(page: Page, id: number): Promise<void> {
  await page.getByRole('menuitem', { name: '调剂金使用' }).click();
  await page.getByRole('link', { name: `#${id}`, exact: true }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`#${id}`) })).toBeVisible();
}

test('a reserve use runs its chain across the bureau, the finance bureau and the prefecture, with notifications read on the way', async ({
  page,
}) => {
  await signIn(page, 'ws.bureau.clerk');
  await page.getByRole('menuitem', { name: '调剂金使用' }).click();
  await page.getByRole('button', { name: '新建申请' }).click();
  const form = page.getByRole('dialog', { name: '调剂金使用申请' });
  await expect(form.getByLabel('基金年度')).toHaveValue('2026');
  await form.getByLabel('用途').fill('医共体打包资金不足，申请调剂金补充');
  await form.getByLabel('金额（元）').fill('100000.00');
  await form.getByLabel('医共体', { exact: true }).fill('WS-MC');
  await form.getByLabel('申请理由').fill('第三季度住院人次较上年同期增长 18%');
  await form.getByRole('button', { name: '确定' }).click();
  await expect(page).toHaveURL(/\/reserve-uses\/\d+$/);
  const id = Number(page.url().split('/').pop());
  await expect(figure(page, '流程状态')).toHaveText('草稿');
  await expect(figure(page, '金额')).toHaveText('¥100,000.00');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(figure(page, '流程状态')).toHaveText('审批中');
  const submitted = await (await apiAs('ws.bureau.clerk')).get(`/api/v1/reserve-uses/${id}`);
  const open = submitted.chain.steps.find((s: any) => s.status === 'OPEN');
  const steps = page.getByTestId('chain-steps');
  await expect(steps.getByRole('row', { name: new RegExp(open.title) })).toContainText('办理中');
  await expect(steps.getByRole('row', { name: new RegExp(open.title) })).toContainText(open.deadline);
  await shot(page, 'reserve-use-submitted');
  await checkA11y(page, 'reserve-use-submitted');
  await signOut(page);

  // The finance bureau: the step's notification raises the header badge; reading all clears it.
  await signIn(page, 'ws.finance.approver');
  const finance = await apiAs('ws.finance.approver');
  const notices = await finance.get('/api/v1/notifications');
  expect(notices.unread).toBeGreaterThan(0);
  const bell = page.getByTestId('notifications-bell');
  await expect(bell).toHaveAccessibleName(`消息通知 (未读 ${notices.unread})`);
  await bell.click();
  await expect(page.getByRole('heading', { name: '消息通知' })).toBeVisible();
  await expect(page.getByRole('row', { name: new RegExp(notices.items[0].message.slice(0, 10)) })).toBeVisible();
  await shot(page, 'notifications');
  await checkA11y(page, 'notifications');
  await page.getByRole('button', { name: '全部标为已读' }).click();
  await expect(bell).toHaveAccessibleName('消息通知 (未读 0)');
  expect((await finance.get('/api/v1/notifications')).unread).toBe(0);

  await openUse(page, id);
  // A return needs a comment: the form says so before anything is sent.
  await page.getByRole('button', { name: '退回' }).click();
  const returning = page.getByRole('dialog', { name: '退回' });
  await returning.getByRole('button', { name: '确定' }).click();
  await expect(returning.getByText('退回或不予同意须填写意见')).toBeVisible();
  await returning.getByRole('button', { name: '取消' }).click();
  await page.getByRole('button', { name: '同意', exact: true }).click();
  const agreeing = page.getByRole('dialog', { name: '同意' });
  await agreeing.getByLabel('意见').fill('同意使用');
  await agreeing.getByRole('button', { name: '确定' }).click();
  await expect(page.getByTestId('chain-history')).toContainText('同意使用');
  await expect(page.getByRole('button', { name: '同意', exact: true })).toHaveCount(0);
  await signOut(page);

  await signIn(page, 'dl.prefecture.approver');
  await openUse(page, id);
  await page.getByRole('button', { name: '同意', exact: true }).click();
  await page.getByRole('dialog', { name: '同意' }).getByRole('button', { name: '确定' }).click();
  await expect(figure(page, '流程状态')).toHaveText('已同意');
  await signOut(page);

  await signIn(page, 'ws.bureau.clerk');
  await openUse(page, id);
  await page.getByRole('button', { name: '执行' }).click();
  await expect(figure(page, '流程状态')).toHaveText('已执行');
  const executed = await (await apiAs('ws.bureau.clerk')).get(`/api/v1/reserve-uses/${id}`);
  expect([executed.chain.status, executed.executedOn, executed.executedBy]).toEqual(['EXECUTED', '2026-11-10', 'ws.bureau.clerk']);
  await expect(figure(page, '调剂金余额')).toHaveText(`¥${executed.reserveBalance.replace(/\B(?=(\d{3})+\.)/g, ',')}`);
  await expect(page.getByTestId('chain-history').locator('.ant-timeline-item')).toHaveCount(executed.chain.history.length);
  await shot(page, 'reserve-use-executed');
  await checkA11y(page, 'reserve-use-executed');
});

async function openDispute(page: Page, id: number): Promise<void> {
  await page.getByRole('menuitem', { name: '评审与争议' }).click();
  await page.getByRole('link', { name: `#${id}`, exact: true }).click();
  await expect(page.getByRole('heading', { name: new RegExp(`#${id}`) })).toBeVisible();
}

test('a dispute: the township files it, the review committee registers it and names the township to rectify, the township rectifies, the committee accepts', async ({
  page,
}) => {
  await signIn(page, 'ws.tc01.clerk');
  await page.getByRole('menuitem', { name: '评审与争议' }).click();
  await page.getByRole('button', { name: '提出争议' }).click();
  const filing = page.getByRole('dialog', { name: '提出争议' });
  await filing.getByLabel('涉及单据').fill('2026-10 申报 记录 OCT-1');
  await filing.getByLabel('情况说明').fill('该笔门诊费用符合诊疗规范，不应扣减');
  await filing.getByRole('button', { name: '确定' }).click();
  await expect(page).toHaveURL(/\/disputes\/\d+$/);
  const id = Number(page.url().split('/').pop());
  await expect(figure(page, '争议事项')).toHaveText('扣减拒付');
  await page.getByRole('button', { name: '提交', exact: true }).click();
  await expect(figure(page, '流程状态')).toHaveText('审批中');
  await signOut(page);

  await signIn(page, 'ws.review.approver');
  await openDispute(page, id);
  await page.getByRole('button', { name: '受理' }).click();
  await page.getByRole('dialog', { name: '受理' }).getByRole('button', { name: '确定' }).click();
  await expect(page.getByTestId('chain-history')).toContainText('ws.review.approver');
  await page.getByRole('button', { name: '出具评审意见' }).click();
  const opinion = page.getByRole('dialog', { name: '出具评审意见' });
  await opinion.getByLabel('评审意见').fill('经评审，扣减依据不足，由卫生院补充病历后复核');
  await opinion.getByLabel('整改单位').fill('WS-TC-01');
  await opinion.getByLabel('整改期限').fill('2026-12-31');
  await opinion.getByLabel('整改期限').press('Enter');
  await opinion.getByRole('button', { name: '确定' }).click();
  await expect(figure(page, '整改单位')).toHaveText('WS-TC-01');
  await expect(figure(page, '整改期限')).toHaveText('2026-12-31');
  await shot(page, 'dispute-opinion');
  await checkA11y(page, 'dispute-opinion');
  await signOut(page);

  await signIn(page, 'ws.tc01.clerk');
  await openDispute(page, id);
  await page.getByRole('button', { name: '提交整改' }).click();
  const rectifying = page.getByRole('dialog', { name: '提交整改' });
  await rectifying.getByLabel('整改情况').fill('已补充病历并重新提交');
  await rectifying.getByLabel('佐证材料').fill('病历首页');
  await rectifying.getByRole('button', { name: '确定' }).click();
  await expect(figure(page, '整改情况')).toHaveText('已补充病历并重新提交（病历首页）');
  await signOut(page);

  await signIn(page, 'ws.review.approver');
  await openDispute(page, id);
  await page.getByRole('button', { name: '整改验收通过' }).click();
  await page.getByRole('dialog', { name: '整改验收通过' }).getByRole('button', { name: '确定' }).click();
  await expect(page.getByRole('button', { name: '整改验收通过' })).toHaveCount(0);
  const closed = await (await apiAs('ws.review.approver')).get(`/api/v1/disputes/${id}`);
  expect(closed.allowedActions).toEqual([]);
  expect(['APPROVED', 'EXECUTED']).toContain(closed.chain.status);
  await expect(figure(page, '流程状态')).toHaveText(closed.chain.status === 'APPROVED' ? '已同意' : '已执行');
  await expect(page.getByTestId('chain-history').locator('.ant-timeline-item')).toHaveCount(closed.chain.history.length);
});
