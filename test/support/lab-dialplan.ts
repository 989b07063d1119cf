import { AmiClient } from '../../src/pbx/asterisk/ami/ami-client.js';
import { PbxError } from '../../src/pbx/pbx-driver.js';
import { labSettings } from './lab.js';

/**
 * Dialplan contexts of dialplan/asterisk/extensions_dialer.conf missing from the running lab.
 * The lab is shared: `lab up` from another worktree loads that worktree's copy of the file, so a
 * context added on this branch can vanish under a running test. Tests that need one check first
 * and fail with the fix instead of timing out.
 */
export async function missingDialplanContexts(contexts: readonly string[]): Promise<string[]> {
  const lab = labSettings();
  const ami = new AmiClient({ ...lab.ami, connectTimeoutMs: 5_000, actionTimeoutMs: 5_000 });
  await ami.open();
  try {
    const missing: string[] = [];
    for (const context of contexts) {
      try {
        await ami.action({ action: 'ShowDialPlan', context });
      } catch (err) {
        if (!(err instanceof PbxError && err.code === 'rejected')) throw err;
        missing.push(context);
      }
    }
    return missing;
  } finally {
    ami.close();
  }
}

/** Throws, naming the command that fixes it, when the lab lacks any of `contexts`. */
export async function requireDialplanContexts(contexts: readonly string[]): Promise<void> {
  const missing = await missingDialplanContexts(contexts);
  if (missing.length > 0) {
    throw new Error(
      `the lab's dialplan lacks ${missing.join(', ')} (another worktree's "lab up" loaded its own ` +
        `extensions_dialer.conf): run bash scripts/lab/lab.sh up from this worktree`,
    );
  }
}
