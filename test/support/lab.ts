import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Connection settings of the running lab, written by `scripts/lab/lab.sh up`. */
export interface LabSettings {
  root: string;
  ari: { url: string; username: string; password: string; app: string };
  ami: { host: string; port: number; username: string; secret: string };
  carrierEndpoint: string;
  recordingSpool: string;
  monitorSpool: string;
  agents: number;
  media: string;
  /** Every SIP message the carrier SIPp sent or received (the far end's own record). */
  carrierMessages: string;
  phonesMessages: string;
  /** The lab's FreeSWITCH (scripts/lab/freeswitch.sh); null when its bundle is missing. */
  freeswitch?: LabFreeswitch | null;
  /** Why the FreeSWITCH tier is skipped (`lab up` said it in one line). */
  freeswitchSkipped?: string;
}

/** The lab's FreeSWITCH 1.11.1 on loopback, with a SIPp carrier and phones of its own. */
export interface LabFreeswitch {
  esl: { host: string; port: number; password: string };
  sipPort: number;
  /** Gateway to the FreeSWITCH tier's SIPp carrier: `sofia/gateway/<name>/<number>`. */
  carrierGateway: string;
  recordingDir: string;
  sounds: string;
  log: string;
  carrierMessages: string;
  phonesMessages: string;
}

export function labHome(): string {
  return process.env['DIALER_LAB_HOME'] ?? '/var/cache/dialer-lab';
}

/** Reads the lab's settings; throws with the command to run when the lab is not up. */
export function labSettings(): LabSettings {
  const file = join(labHome(), 'state', 'lab.json');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as LabSettings;
  } catch (err) {
    throw new Error(`the lab is not up (no ${file}); run: bash scripts/lab/lab.sh up`, { cause: err });
  }
}

/** Numbers the carrier SIPp received an INVITE for, read from its own message log. */
export function numbersInvitedAtCarrier(settings: LabSettings, since = 0): Set<string> {
  const text = readFileSync(settings.carrierMessages, 'utf8').slice(since);
  const found = new Set<string>();
  // The user part is "+1555…", or "%2B1555…" when a client percent-encoded the plus.
  for (const m of text.matchAll(/^INVITE sip:(?:\+|%2B)?(\d+)@/gim)) if (m[1]) found.add(`+${m[1]}`);
  return found;
}

/**
 * The carrier's messages across a SIPp restart: `lab up` keeps the log of the run before as
 * `<file>.1` (SIPp truncates its log when it starts; scripts/lab/logs.sh), then the current one.
 */
export function carrierMessagesSince(settings: LabSettings): string {
  const read = (f: string) => {
    try {
      return readFileSync(f, 'utf8');
    } catch {
      return '';
    }
  };
  return read(`${settings.carrierMessages}.1`) + read(settings.carrierMessages);
}

/** Current length of the carrier's message log, to read only what a test caused. */
export function carrierLogOffset(settings: LabSettings): number {
  try {
    return readFileSync(settings.carrierMessages, 'utf8').length;
  } catch {
    return 0;
  }
}

/**
 * Dialogs the carrier received an INVITE for since `since`, per number: the distinct Call-IDs,
 * so SIP retransmissions and re-INVITEs of one call count once.
 */
export function dialogsAtCarrier(settings: LabSettings, since = 0): Map<string, Set<string>> {
  const text = readFileSync(settings.carrierMessages, 'utf8').slice(since);
  const dialogs = new Map<string, Set<string>>();
  for (const block of text.split(/^-{20,} .*$/m)) {
    if (!/message received/.test(block)) continue;
    const number = /^INVITE sip:(?:\+|%2B)?(\d+)@/im.exec(block)?.[1];
    const callId = /^Call-ID:\s*(\S+)/im.exec(block)?.[1];
    if (!number || !callId) continue;
    const set = dialogs.get(`+${number}`) ?? new Set<string>();
    set.add(callId);
    dialogs.set(`+${number}`, set);
  }
  return dialogs;
}

/**
 * The lab's FreeSWITCH, or why its tier cannot run (vitest decides skips while collecting, so this
 * never throws for a lab that is down: the tests then fail on labSettings() as usual). With
 * CI=true a missing FreeSWITCH is an error: CI never skips the tier silently.
 */
export function labFreeswitch(): { fs: LabFreeswitch; skip?: undefined } | { fs?: undefined; skip: string } {
  let settings: LabSettings;
  try {
    settings = labSettings();
  } catch (err) {
    return { skip: err instanceof Error ? err.message : String(err) };
  }
  if (settings.freeswitch) return { fs: settings.freeswitch };
  const skip = `FreeSWITCH tier skipped: ${settings.freeswitchSkipped ?? 'this lab has no FreeSWITCH (run lab up again)'}`;
  if (process.env['CI'] === 'true') throw new Error(`${skip} (CI=true needs it)`);
  return { skip };
}
