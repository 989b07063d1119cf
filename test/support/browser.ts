import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/browser-deps installs it); playwright-core downloads no browser. */
export const CHROMIUM = process.env['DIALER_CHROMIUM'] ?? '/usr/bin/chromium';

/** Screenshots of every browser test, kept as test artefacts (git-ignored). */
export const ARTIFACTS = join(process.cwd(), 'test-artifacts', 'browser');

/**
 * Flags for a headless Chromium on a machine with no network but loopback: no GPU, no sandbox
 * (tests run as root), and none of the background connections that a closed network refuses.
 */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  /** A new page (its own tab) in this browser; separate users need separate browsers. */
  page(): Promise<Page>;
  close(): Promise<void>;
}

/** A fresh Chromium with its own empty --user-data-dir (removed on close). */
export async function launchBrowser(options: { locale?: string } = {}): Promise<TestBrowser> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'dialer-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    locale: options.locale ?? 'en-US',
    viewport: { width: 1366, height: 768 },
  });
  return {
    context,
    page: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
