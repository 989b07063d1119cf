import type { LabSettings } from '../../test/support/lab.js';
import { guard, hiResNow, sleep } from './clock.js';
import type { PbxClock } from './pbx-clock.js';
import { RawAri, type RawAriEvent } from './raw-ari.js';
import { answeringCustomers, seededTalk } from './seed.js';
import { stop } from './stop.js';

export interface ConnectBaselineOptions {
  calls: number;
  agents: number;
  seed: number;
  talkSec: [number, number];
  wrapUpSec: number;
  deadlineSec: number;
}

export interface ConnectBaselineResult {
  calls: number;
  bridged: number;
  seconds: number;
  /** Answer event received → bridge request sent (a bare client: the floor of any dialer). */
  shareMs: number[];
  /** Bridge request → the PBX's reply. */
  bridgeRestMs: number[];
  /** Answer event received → the PBX's reply: the same span as the engine's call rows. */
  rowsMs: number[];
  pbxMs: number[];
}

type Handler = (e: RawAriEvent, at: number) => void;

/**
 * The same work with no dialer: a bare ARI client parks the same softphones in bridges, then per
 * agent originates one customer at a time and adds it to the bridge the moment it answers. Its
 * delays are what Asterisk itself needs — the floor the engine is compared with.
 */
export async function runConnectBaseline(
  lab: LabSettings,
  clock: PbxClock,
  o: ConnectBaselineOptions,
): Promise<ConnectBaselineResult> {
  const run = new BareConnect(lab, o);
  clock.track((id) => id.startsWith(run.prefix));
  await run.ari.connect();
  const started = Date.now();
  try {
    const bridges = await Promise.all(Array.from({ length: o.agents }, (_, i) => run.parkAgent(i + 1)));
    const deadline = started + o.deadlineSec * 1000;
    await Promise.all(bridges.map((b) => run.dialThrough(b, deadline)));
    run.r.bridged = run.bridged.length;
    run.r.pbxMs = clock.answerToBridgeMs(run.bridged);
    run.r.seconds = (Date.now() - started) / 1000;
    return run.r;
  } finally {
    await run.close();
  }
}

class BareConnect {
  readonly prefix = `braw-${process.pid}-${Date.now().toString(36)}-`;
  readonly ari: RawAri;
  readonly r: ConnectBaselineResult = {
    calls: 0,
    bridged: 0,
    seconds: 0,
    shareMs: [],
    bridgeRestMs: [],
    rowsMs: [],
    pbxMs: [],
  };
  readonly bridged: string[] = [];
  private readonly handlers = new Map<string, Handler>();
  private readonly legs: string[] = [];
  private readonly bridges: string[] = [];
  private readonly phones: string[];
  private next = 0;

  constructor(
    private readonly lab: LabSettings,
    private readonly o: ConnectBaselineOptions,
  ) {
    this.ari = new RawAri(lab.ari, `bench-raw-connect-${this.prefix}`.replace(/-$/, ''));
    this.ari.onEvent((e, at) => {
      const id = e.channel?.id;
      if (id) this.handlers.get(id)?.(e, at);
    });
    this.phones = answeringCustomers(o.calls, seededTalk(o.seed, o.talkSec[0], o.talkSec[1]));
  }

  /** Calls agent n's softphone and parks it in its own bridge, as the engine's login does. */
  async parkAgent(n: number): Promise<string> {
    const leg = `${this.prefix}agent${n}-x`;
    const bridge = `${this.prefix}bridge${n}-x`;
    this.legs.push(leg);
    this.bridges.push(bridge);
    await this.ari.createBridge(bridge);
    const up = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`agent${n}'s softphone did not answer`)), 20_000);
      this.handlers.set(leg, (e) => {
        if (e.type !== 'StasisStart') return;
        clearTimeout(timer);
        resolve();
      });
    });
    await this.ari.originate(leg, `PJSIP/agent${n}`, 20);
    await up;
    await this.ari.addToBridge(bridge, leg);
    return bridge;
  }

  /** One agent's loop: dial the next customer, bridge on answer, wait for hang-up, wrap up. */
  async dialThrough(bridge: string, deadline: number): Promise<void> {
    while (this.next < this.phones.length && Date.now() < deadline && !stop.requested) {
      const k = this.next++;
      // Prefix-free ids (see originate-baseline.ts): "c1-x" is no prefix of "c10-x".
      const id = `${this.prefix}c${k}-x`;
      this.r.calls += 1;
      let ended = (): void => undefined;
      const gone = new Promise<void>((resolve) => (ended = resolve));
      this.handlers.set(id, (e, at) => {
        if (e.type === 'ChannelDestroyed') ended();
        if (e.type === 'StasisStart') this.bridge(bridge, id, at);
      });
      const endpoint = `PJSIP/${this.phones[k]}@${this.lab.carrierEndpoint}`;
      const status = await this.ari.originate(id, endpoint, 15).catch(() => 0);
      if (status >= 200 && status < 300) await Promise.race([gone, guard(60_000)]);
      this.handlers.delete(id);
      await sleep(this.o.wrapUpSec * 1000);
    }
  }

  /** The moment the answer event is in: the bridge request goes out, nothing before it. */
  private bridge(bridge: string, id: string, answeredAt: number): void {
    const sent = hiResNow();
    void this.ari.addToBridge(bridge, id).then(
      (status) => {
        const done = hiResNow();
        if (status < 200 || status >= 300) return;
        this.r.shareMs.push(sent - answeredAt);
        this.r.bridgeRestMs.push(done - sent);
        this.r.rowsMs.push(done - answeredAt);
        this.bridged.push(id);
      },
      () => undefined,
    );
  }

  async close(): Promise<void> {
    for (const leg of this.legs) await this.ari.hangup(leg).catch(() => undefined);
    for (const b of this.bridges) await this.ari.destroyBridge(b).catch(() => undefined);
    this.ari.close();
  }
}
