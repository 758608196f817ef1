import { expect, test } from '@playwright/test';
import { consoleUrl, PASSWORD, shot, signIn, signOut, yuan } from './support';

// Pooling above the county (SPEC §12.1) in the demo's Dali prefecture: Weishan's bureau enters its
// 2023 fund year (a gap of 10 000 000.00 on F = 200 000 000.00), the prefecture bureau computes
// the sharing with 2 000 000.00 in the pooled fund, its finance bureau confirms it on the pooling
// screen and the bureau executes it there: SPEC's first worked example.

const tokens = new Map<string, string>();

/** One call as a demo user (signed in once per user: sign-ins are rate limited). */
async function send(username: string, method: string, path: string, body: unknown): Promise<unknown> {
  if (!tokens.has(username)) {
    const login = await fetch(`${consoleUrl()}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    }).then((r) => r.json());
    tokens.set(username, login.accessToken);
  }
  const res = await fetch(`${consoleUrl()}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens.get(username)}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text);
}

test('the prefecture’s finance bureau confirms and its bureau executes a county’s gap sharing', async ({ page }) => {
  test.setTimeout(90_000);
  await send('ws.bureau.clerk', 'PUT', '/api/v1/counties/WS/fund-results/2023', {
    raisedTotal: '200000000.00',
    income: '200000000.00',
    expenditure: '210000000.00',
    openingBalance: '100000000.00',
  });
  await send('dl.bureau.clerk', 'PUT', '/api/v1/prefectures/DL/pooling-terms/2023', { pooledFundOpening: '2000000.00' });
  await send('dl.bureau.clerk', 'POST', '/api/v1/prefectures/DL/gap-sharings', { countyCode: 'WS', fundYear: 2023 });

  await signIn(page, 'dl.finance.approver');
  await page.getByRole('menuitem', { name: '市县统筹' }).click();
  await page.getByLabel('年度').fill('2023');
  const row = page.locator('tr', { has: page.getByRole('cell', { name: 'WS', exact: true }) }).filter({ hasText: '#' });
  await expect(row).toContainText('已测算');
  await expect(row).toContainText(yuan('2000000.00'));
  await row.getByRole('button', { name: '财政确认' }).click();
  await expect(row).toContainText('已确认');
  await signOut(page);

  await signIn(page, 'dl.bureau.clerk');
  await page.getByRole('menuitem', { name: '市县统筹' }).click();
  await page.getByLabel('年度').fill('2023');
  await row.getByRole('button', { name: '执行' }).click();
  await expect(row).toContainText('已执行');
  for (const amount of ['200000.00', '800000.00', '7000000.00']) await expect(row).toContainText(yuan(amount));
  await shot(page, 'pooling');
});
