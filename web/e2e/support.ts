import { expect, type Page } from '@playwright/test';

export const PASSWORD = 'cbm-demo-2026';
export const consoleUrl = () => process.env.CONSOLE_URL!;

/** A bearer-token client of the API for one demo user: seeds a month in flight and reads the API's own figures. */
export async function apiAs(username: string) {
  const login = await fetch(`${consoleUrl()}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  }).then((r) => r.json());
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the API's JSON, read field by field
  const send = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${consoleUrl()}${path}`, {
      method,
      headers: { authorization: `Bearer ${login.accessToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return { get: (path: string) => send('GET', path), post: (path: string, body: unknown = {}) => send('POST', path, body) };
}

export async function signIn(page: Page, username: string): Promise<void> {
  await page.goto(`${consoleUrl()}/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.getByTestId('who')).toContainText(username);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: '退出登录' }).click();
  await expect(page.getByRole('button', { name: '登录' })).toBeVisible();
}

/** A screenshot of a main screen, kept with the run's artifacts (.run/browser/screens). */
export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `../.run/browser/screens/${name}.png`, fullPage: true });
}

/** The API's decimal text as the console shows it. */
export function yuan(s: string): string {
  const negative = s.startsWith('-');
  const [whole, fraction] = s.replace('-', '').split('.');
  return `${negative ? '-' : ''}¥${whole.replace(/\B(?=(\d{3})+$)/g, ',')}.${fraction}`;
}

/** The value cell of a bordered Descriptions item by its label. */
export function figure(page: Page, label: string) {
  return page.locator('.ant-descriptions-item-label', { hasText: new RegExp(`^${label}$`) }).locator('xpath=following-sibling::td[1]');
}

/**
 * Runs axe-core on the page as it stands and fails on any serious or critical violation
 * (WCAG 2.1 A and AA rules), naming each rule and the first elements it found.
 */
export async function checkA11y(page: Page, screen: string): Promise<void> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const grave = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const described = grave.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} — ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join('; ')}`,
  );
  expect(described, `accessibility of ${screen}`).toEqual([]);
}
