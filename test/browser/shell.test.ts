import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.js';
import { startConsoleServer, type ConsoleServer } from '../support/console-server.js';

/** The console's shell in real Chromium, served by the real Fastify over real Postgres. */
describe('web console shell (Chromium)', () => {
  let server: ConsoleServer;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startConsoleServer('web-shell');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('a deep link is answered with the console, which asks a signed-out visitor to sign in (English)', async () => {
    const page = await browser.page();
    const res = await page.goto(`${server.url}/campaigns/7`);
    expect(res?.status()).toBe(200);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.getByLabel('Username').isVisible()).toBe(true);
    await screenshot(page, 'login-en');
    await page.close();
  });

  it('the language picker switches every string to zh-CN and the choice survives a reload', async () => {
    const page = await browser.page();
    await page.goto(server.url);
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '登录' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: '登录' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByLabel('用户名').isVisible()).toBe(true);
    await screenshot(page, 'login-zh-CN');
    await page.close();
  });

  it('unknown API paths stay JSON 404s, not the console page', async () => {
    const page = await browser.page();
    const res = await page.goto(`${server.url}/api/no-such-route`);
    expect(res?.status()).toBe(401); // the /api door asks for credentials before routing
    const asset = await page.goto(`${server.url}/assets/missing.js`);
    expect(asset?.status()).toBe(404);
    expect(await asset?.json()).toEqual({ error: 'no route GET /assets/missing.js' });
    await page.close();
  });
});
