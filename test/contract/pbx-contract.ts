/**
 * The PBX contract suite: the behaviour every `PbxDriver` adapter (ARI, AMI, ESL, fake) must show.
 *
 * How to use it — one test file per adapter:
 *
 * ```ts
 * describePbxContract('ami', () => ({
 *   createDriver: async () => { const d = new AmiDriver(...); await d.connect(); return d; },
 *   dialString: (n) => `PJSIP/${n}@lab-carrier`,
 *   agentDialString: (i) => `PJSIP/agent${i}`,
 *   eventTimeoutMs: 15_000,
 *   settleMs: 1_500,
 *   noAnswerTimeoutSec: 2,
 *   timeScale: 1,
 * }));
 * ```
 *
 * The far end follows the lab number plan (src/lab/number-plan.ts): the numbers dialled are built
 * with `labNumber()`, so the SIPp carriers (Asterisk's and FreeSWITCH's) and the fake answer alike. Cases an
 * adapter cannot do are skipped only through `driver.capabilities`, visibly (`it.skipIf`), never
 * passed silently. Every case hangs up its calls and destroys its bridges, even when it fails.
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { PbxCapability, PbxDriver } from '../../src/pbx/pbx-driver.js';
import { defineCallCases } from './pbx-contract-calls.js';
import { defineIvrCases } from './pbx-contract-ivr.js';
import { defineMediaCases } from './pbx-contract-media.js';
import { EventLog } from './pbx-events.js';

/** What an adapter's test file provides to the contract suite. */
export interface PbxContractSetup {
  /** Returns a new, connected driver; the suite closes it. */
  createDriver(): Promise<PbxDriver>;
  /** The endpoint that dials a customer number through the lab carrier. */
  dialString(number: string): string;
  /** The endpoint of agent softphone `i` (1-based); the softphone answers at once. */
  agentDialString(i: number): string;
  /** Longest wait for any one event (answer, hangup, AMD…). */
  eventTimeoutMs: number;
  /** How long "nothing happens" is watched for (e.g. the customer stays after the agent left). */
  settleMs: number;
  /** Originate timeout used for the no-answer case. */
  noAnswerTimeoutSec: number;
  /**
   * Real milliseconds per lab millisecond of the far end: 1 on the lab, 1/speed for the fake. Cases about the far end's timing (key presses, a machine's
   * greeting, a sound's length) check it through this.
   */
  timeScale: number;
  /**
   * The capabilities of the driver under test, known before it connects (vitest decides skips
   * while collecting). The suite checks that the connected driver reports exactly these.
   */
  capabilities: ReadonlySet<PbxCapability>;
}

/** Shared state handed to the case files. */
export interface ContractContext {
  setup: PbxContractSetup;
  driver(): PbxDriver;
  log(): EventLog;
  caps: ReadonlySet<PbxCapability>;
  /** A unique call id, tracked so that the case's clean-up hangs it up. */
  callId(label: string): string;
  /** A unique bridge id, tracked so that the case's clean-up destroys it. */
  bridgeId(label: string): string;
  /** A unique recording name, deleted from the PBX in clean-up. */
  recordingName(label: string): string;
  /** A distinct digit for the N position of lab numbers, so parallel runs do not look alike. */
  digit(): number;
}

/** Declares the whole contract for one adapter. */
export function describePbxContract(name: string, makeSetup: () => PbxContractSetup): void {
  describe(`PbxDriver contract: ${name}`, () => {
    const setup = makeSetup();
    const run = Math.random().toString(36).slice(2, 8);
    let driver: PbxDriver | undefined;
    let log: EventLog | undefined;
    let seq = 0;
    const calls = new Set<string>();
    const bridges = new Set<string>();
    const recordings = new Set<string>();

    beforeAll(async () => {
      driver = await setup.createDriver();
      log = new EventLog(driver);
    });

    afterEach(async () => {
      const d = driver;
      if (!d) return;
      await Promise.allSettled([...calls].map((c) => d.hangup(c)));
      await Promise.allSettled([...bridges].map((b) => d.destroyBridge(b)));
      await Promise.allSettled([...recordings].map((r) => d.deleteRecording(r)));
      calls.clear();
      bridges.clear();
      recordings.clear();
    });

    afterAll(async () => {
      const d = driver;
      if (!d) return;
      log?.close();
      await d.close();
      await d.close(); // close() is idempotent: a second call must not throw.
    });

    const need = <T>(value: T | undefined, what: string): T => {
      if (value === undefined) throw new Error(`${what} is not ready (beforeAll failed?)`);
      return value;
    };
    const unique = (kind: string, label: string): string => `ct-${run}-${kind}${++seq}-${label}`;
    const ctx: ContractContext = {
      setup,
      driver: () => need(driver, 'driver'),
      log: () => need(log, 'event log'),
      caps: setup.capabilities,
      callId: (label) => {
        const id = unique('c', label);
        calls.add(id);
        return id;
      },
      bridgeId: (label) => {
        const id = unique('b', label);
        bridges.add(id);
        return id;
      },
      recordingName: (label) => {
        const id = unique('r', label);
        recordings.add(id);
        return id;
      },
      digit: () => seq % 10,
    };

    defineCallCases(ctx);
    defineMediaCases(ctx);
    defineIvrCases(ctx);
  });
}
