import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedUser, TEST_PASSWORD } from '../support/accounts.js';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.js';
import { startConsoleServer, type ConsoleServer } from '../support/console-server.js';

/**
 * Signing in and out in real Chromium against the real server and Postgres: the session cookie
 * as the browser keeps it, the CSRF token on the language save, the role's navigation.
 */
describe('sign-in (Chromium, real sessions)', () => {
  let server: ConsoleServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startConsoleServer('web-sign-in');
    await seedUser(server.app.accounts, 'root', 'admin');
    await seedUser(server.app.accounts, 'al', 'agent');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function signInAs(username: string, password: string) {
    await browser.context.clearCookies();
    const page = await browser.page();
    await page.goto(server.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return page;
  }

  it('shows the error of a wrong password and stays on the sign-in page', async () => {
    const page = await signInAs('root', 'not the password');
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/wrong username or password/);
    await page.close();
  });

  it('signs an admin in with an HttpOnly, SameSite=Strict session; the language is saved on the account', async () => {
    const page = await signInAs('root', TEST_PASSWORD);
    await page.getByTestId('who').waitFor();
    expect(await page.getByTestId('who').textContent()).toMatch(/root/);
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Users' }).isVisible()).toBe(true);
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'dialer_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: false });
    expect(await page.evaluate<string>('document.cookie')).not.toContain('dialer_session');
    await screenshot(page, 'signed-in-admin-en');
    // The save is a PUT with the session's CSRF token: it reaches the account.
    await page.getByTestId('language').selectOption('zh-CN');
    await expect
      .poll(
        async () =>
          (await server.t.db('agents').where({ username: 'root' }).first<{ locale: string }>('locale'))
            .locale,
      )
      .toBe('zh-CN');
    await page.reload();
    await page.getByText('root').first().waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await screenshot(page, 'signed-in-admin-zh-CN');
    await page.getByTestId('language').selectOption('en');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    const ended = await server.t
      .db('user_sessions')
      .whereNotNull('ended_at')
      .count<{ n: number }[]>({ n: '*' });
    expect(Number(ended[0]?.n)).toBeGreaterThanOrEqual(1);
    await page.close();
  });

  it("shows an agent only their role's navigation", async () => {
    const page = await signInAs('al', TEST_PASSWORD);
    await page.getByTestId('who').waitFor();
    expect(await page.getByRole('navigation').getByRole('link', { name: 'Users' }).count()).toBe(0);
    await screenshot(page, 'signed-in-agent');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.close();
  });
});
