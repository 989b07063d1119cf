import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminConsole, type AdminConsole } from '../support/admin-console.js';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.js';

/** The do-not-call page in Chromium against the real server: add, bulk add with a bad row, blacklist, remove. */
describe('DNC page (Chromium)', () => {
  let server: AdminConsole;
  let browser: TestBrowser;

  beforeAll(async () => {
    server = await startAdminConsole('dnc-page');
    await server.user('ada', 'admin', 'lovelace-1843!');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('an admin adds a number, bulk adds a CSV with a bad row, blacklists a complainer and removes an entry', async () => {
    const page = await browser.page();
    await page.goto(server.url);
    await page.getByLabel('Username').fill('ada');
    await page.getByLabel('Password').fill('lovelace-1843!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Do-not-call' }).click();

    const add = page.getByTestId('dnc-add');
    await add.locator('input[name=phone]').fill('(212) 555-0100');
    await add.locator('select[name=type]').selectOption('marketing');
    await add.locator('input[name=reason]').fill('asked by letter');
    await add.getByRole('button', { name: 'Add to the list' }).click();
    const list = page.getByTestId('dnc-list');
    await list.getByText('+12125550100').waitFor();

    const csv = 'phone,type\n+13125550100,care\nnot a number,care\n+13125550101,\n';
    await page
      .locator('input[name=dnc-file]')
      .setInputFiles({ name: 'dnc.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByRole('button', { name: 'Upload and add' }).click();
    await page.getByTestId('dnc-bulk-result').getByText('Read 3 rows: 2 added, 1 rejected.').waitFor();
    expect(await page.getByTestId('dnc-rejects').locator('tbody td').allTextContents()).toEqual([
      '3',
      'phone',
      expect.stringContaining('not a number') as unknown as string,
    ]);
    await list.getByText('+13125550101').waitFor();
    expect(await list.locator('tbody tr').count()).toBe(3);

    const bl = page.getByTestId('blacklist');
    await bl.locator('input[name=bl-phone]').fill('+12125550177');
    await bl.locator('input[name=bl-reason]').fill('threatened to sue');
    await bl.getByRole('button', { name: 'Blacklist', exact: true }).click();
    await bl.getByText('threatened to sue').waitFor();
    await screenshot(page, 'dnc-page');

    await list.locator('tr', { hasText: '+12125550100' }).getByRole('button', { name: 'Remove' }).click();
    await list.getByText('+12125550100').waitFor({ state: 'detached' });
    const audit = await server.t.db('audit_log').where({ entity: 'dnc' }).pluck<string[]>('action');
    expect(audit).toEqual(expect.arrayContaining(['dnc.add', 'dnc.list', 'blacklist.add', 'dnc.remove']));
    expect(
      await server.t.db('audit_log').where({ entity: 'dnc' }).distinct().pluck<string[]>('actor'),
    ).toEqual(['user:ada']);
    await page.close();
  });

  it('the same page in zh-CN: headings and columns in Chinese, the entries as stored', async () => {
    const page = await browser.page(); // the same browser context: still signed in as ada
    await page.goto(server.url);
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByRole('navigation').getByRole('link', { name: '免打扰' }).click();
    await page.getByRole('heading', { name: '免打扰名单' }).waitFor();
    const list = page.getByTestId('dnc-list');
    await list.getByText('+13125550101').waitFor();
    expect(await list.locator('thead th').allTextContents()).toEqual(
      expect.arrayContaining(['电话号码', '类型', '原因', '来源', '添加人', '时间']),
    );
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    // Times in the reader's language too (zh-CN: 2026/12/4 …), not the browser's default.
    const at = await list.locator('tbody tr').first().locator('td').nth(5).textContent();
    expect(at).toMatch(/^\d{4}\/\d{1,2}\/\d{1,2} /);
    await screenshot(page, 'dnc-page-zh-CN');
    await page.close();
  });
});
