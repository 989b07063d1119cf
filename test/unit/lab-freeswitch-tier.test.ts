import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { labFreeswitch } from '../support/lab.js';
import { labPbxs } from '../support/lab-pbx.js';

/** A lab whose `lab up` found no FreeSWITCH bundle (lab.json as freeswitch.sh writes it then). */
describe('the FreeSWITCH tier without its bundle', () => {
  let home = '';
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'lab-home-'));
    mkdirSync(join(home, 'state'));
    const reason = 'no FreeSWITCH bundle in /nowhere/freeswitch (set DIALER_FS_BUNDLE_DIR)';
    writeFileSync(
      join(home, 'state', 'lab.json'),
      JSON.stringify({ freeswitch: null, freeswitchSkipped: reason }),
    );
    vi.stubEnv('DIALER_LAB_HOME', home);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(home, { recursive: true, force: true });
  });

  it('says why in one line, and the Asterisk tier is still there', () => {
    vi.stubEnv('CI', '');
    expect(labFreeswitch()).toEqual({
      skip: 'FreeSWITCH tier skipped: no FreeSWITCH bundle in /nowhere/freeswitch (set DIALER_FS_BUNDLE_DIR)',
    });
    const pbxs = labPbxs();
    expect(pbxs.map((p) => [p.name, p.skip])).toEqual([
      ['asterisk', undefined],
      ['freeswitch', expect.stringMatching(/^FreeSWITCH tier skipped: no FreeSWITCH bundle/)],
    ]);
  });

  it('fails with CI=true: CI never skips the tier silently', () => {
    vi.stubEnv('CI', 'true');
    expect(() => labFreeswitch()).toThrow(/FreeSWITCH tier skipped: .*\(CI=true needs it\)/);
    expect(() => labPbxs()).toThrow(/CI=true needs it/);
  });
});
