import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { carrierMessagesSince, type LabSettings } from '../support/lab.js';

const ROOT = join(import.meta.dirname, '..', '..');
const LOGS = join(ROOT, 'scripts', 'lab', 'logs.sh');

/** `lab up` keeps the SIPp logs of the run before a restart (SIPp truncates them at start). */
describe('lab: a SIPp restart keeps the previous message log as <file>.1', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const keep = (...files: string[]) =>
    execFileSync('bash', ['-c', `source "${LOGS}"; keep_previous_log "$@"`, 'keep', ...files]);

  it('moves a non-empty log to .1, replaces an older .1, leaves empty and missing files alone', () => {
    dir = mkdtempSync(join(tmpdir(), 'lab-logs-'));
    const log = join(dir, 'carrier.messages.log');
    const empty = join(dir, 'carrier.errors.log');
    writeFileSync(log, 'run 1\n');
    writeFileSync(empty, '');
    keep(log, empty, join(dir, 'missing.log'));
    expect(readFileSync(`${log}.1`, 'utf8')).toBe('run 1\n');
    expect(existsSync(log)).toBe(false);
    expect(existsSync(`${empty}.1`)).toBe(false);
    writeFileSync(log, 'run 2\n');
    keep(log);
    expect(readFileSync(`${log}.1`, 'utf8')).toBe('run 2\n');
    // A check across the restart reads both, the older first.
    writeFileSync(log, 'run 3\n');
    expect(carrierMessagesSince({ carrierMessages: log } as LabSettings)).toBe('run 2\nrun 3\n');
  });

  it('lab.sh keeps the logs just before it starts a SIPp peer', () => {
    const sh = readFileSync(join(ROOT, 'scripts', 'lab', 'lab.sh'), 'utf8');
    const start = sh.slice(sh.indexOf('start_sipp() {'));
    const kept = start.indexOf('keep_previous_log "$STATE/$name.messages.log" "$STATE/$name.errors.log"');
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(start.indexOf('setsid sipp'));
  });
});
