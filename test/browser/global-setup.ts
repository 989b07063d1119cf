import { existsSync } from 'node:fs';
import { build } from 'vite';
import { CHROMIUM } from '../support/browser.js';

/**
 * Once per run of the browser tier: build the web console (dist/web) from the current sources,
 * so the pages under test are the code under test, and check Chromium is there.
 */
export default async function setup(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/browser-deps (installs Debian's chromium)`);
  }
  await build({ configFile: 'vite.web.config.ts', logLevel: 'warn' });
}
