import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAdminConsole, type AdminConsole } from '../support/admin-console.js';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.js';

const LIST = [
  'phone,first_name',
  '+12125550101,Ann',
  'not a number,Eve',
  '+12125550102,Bob',
  '+12125550103,Cat',
].join('\n');

/**
 * Issue #11's acceptance, in Chromium against the real server: an admin signs in, creates a
 * campaign, uploads a list with a bad row (the progress bar, then the rejected row), a second
 * person approves it, and the audit log shows both of them.
 */
describe('admin console acceptance (Chromium, real accounts, Postgres, Redis)', () => {
  let server: AdminConsole;
  let alice: TestBrowser;
  let bob: TestBrowser;
  let campaignPath = '';

  async function signIn(b: TestBrowser, username: string, password: string): Promise<Page> {
    const page = await b.page();
    await page.goto(server.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation').getByRole('link', { name: 'Campaigns' }).waitFor();
    return page;
  }

  beforeAll(async () => {
    server = await startAdminConsole('admin-acceptance');
    await server.user('alice', 'admin', 'snowy-owl-2026!');
    await server.user('bob', 'admin', 'red-kite-2026!');
    alice = await launchBrowser();
    bob = await launchBrowser();
  });
  afterAll(async () => {
    await alice?.close();
    await bob?.close();
    await server?.close();
  });

  it('an admin signs in and creates a campaign from the form', async () => {
    const page = await signIn(alice, 'alice', 'snowy-owl-2026!');
    await page.getByRole('navigation').getByRole('link', { name: 'Campaigns' }).click();
    const form = page.getByTestId('campaign-create');
    await form.locator('input[name=code]').fill('winter');
    await form.locator('input[name=name]').fill('Winter care');
    await form.getByRole('button', { name: 'Create as draft' }).click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    campaignPath = new URL(page.url()).pathname;
    expect(await page.getByTestId('campaign-status').textContent()).toBe('draft');
    await screenshot(page, 'acceptance-1-created');
  });

  it('uploads a list with a bad row: the progress bar, the summary and the rejected row', async () => {
    const page = alice.context.pages().at(-1) as Page;
    await page
      .locator('input[name=list]')
      .setInputFiles({ name: 'winter.csv', mimeType: 'text/csv', buffer: Buffer.from(LIST) });
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await page.getByTestId('upload-progress').waitFor();
    await page.getByTestId('import-result').waitFor();
    expect(await page.getByTestId('import-progress').getAttribute('value')).toBe(
      String(Buffer.byteLength(LIST)),
    );
    expect(await page.getByTestId('import-result').textContent()).toContain('3 imported');
    const rejects = page.getByTestId('rejects').locator('tbody tr');
    expect(await rejects.count()).toBe(1);
    expect(await rejects.first().locator('td').allTextContents()).toEqual([
      '3',
      'phone',
      expect.stringContaining('not a number') as unknown as string,
    ]);
    await page.getByTestId('lead-count').getByText('3').waitFor();
    await screenshot(page, 'acceptance-2-uploaded');
  });

  it('the creator cannot approve; a second person can', async () => {
    const own = alice.context.pages().at(-1) as Page;
    await own.getByRole('button', { name: 'Approve' }).click();
    await own.getByRole('alert').getByText('alice created the campaign and cannot approve it').waitFor();
    const page = await signIn(bob, 'bob', 'red-kite-2026!');
    await page.goto(`${server.url}${campaignPath}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('campaign-status').getByText('approved').waitFor();
    expect(await page.getByTestId('approvals').textContent()).toContain('Approved by bob');
    await screenshot(page, 'acceptance-3-approved');
  });

  it('the audit log shows both people', async () => {
    const page = alice.context.pages().at(-1) as Page;
    await page.getByRole('navigation').getByRole('link', { name: 'Audit log' }).click();
    const table = page.getByTestId('audit');
    // The rows arrive after the table: wait for them, not for the empty table.
    await table.locator('tbody tr', { hasText: 'campaign.approve' }).first().waitFor();
    const actors = await table.locator('tbody tr td:nth-child(2)').allTextContents();
    const actions = await table.locator('tbody tr td:nth-child(3)').allTextContents();
    expect(actors).toEqual(expect.arrayContaining(['user:alice', 'user:bob']));
    expect(actions).toEqual(
      expect.arrayContaining(['campaign.create', 'list.import', 'campaign.approval', 'campaign.approve']),
    );
    const approvedBy = actors[actions.indexOf('campaign.approve')];
    expect(approvedBy).toBe('user:bob');
    expect(actors[actions.indexOf('campaign.create')]).toBe('user:alice');
    await screenshot(page, 'acceptance-4-audit');
  });

  it('the audit log and the campaign in zh-CN: the same rows, Chinese labels', async () => {
    const page = alice.context.pages().at(-1) as Page;
    await page.getByTestId('language').selectOption('zh-CN');
    await page.getByRole('heading', { name: '审计日志' }).first().waitFor();
    const table = page.getByTestId('audit');
    await table.locator('tbody tr', { hasText: 'campaign.approve' }).first().waitFor();
    expect(await table.locator('thead th').allTextContents()).toEqual(
      expect.arrayContaining(['时间', '操作人', '操作']),
    );
    await screenshot(page, 'acceptance-5-audit-zh-CN');
    await page.goto(`${server.url}${campaignPath}`);
    await page.getByTestId('campaign-status').waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await screenshot(page, 'acceptance-6-campaign-zh-CN');
  });
});
