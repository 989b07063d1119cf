import { EslClient, type EslEvent } from '../../src/pbx/freeswitch/esl-client.js';
import type { LabFreeswitch } from '../../test/support/lab.js';
import { guard, hiResNow, sleep } from './clock.js';
import type { ConnectBaselineOptions, ConnectBaselineResult } from './connect-baseline.js';
import type { LoadPlan, LoadResult } from './originate-engine.js';
import { heapAfterGcMb, ResourceSampler } from './resources.js';
import { answeringCustomers, seededTalk } from './seed.js';
import { stop } from './stop.js';

/**
 * The FreeSWITCH baselines: a bare ESL client (one mod_event_socket connection, no dialer, no
 * database, no recording) doing the same work as the engine on the same FreeSWITCH and SIPp.
 * Its figures are what FreeSWITCH itself needs — the floor the engine is compared with.
 */
const EVENTS = ['CHANNEL_ANSWER', 'CHANNEL_HANGUP_COMPLETE', 'BACKGROUND_JOB'];
/** Originates queued at once (bgapi jobs waiting for FreeSWITCH), as the ARI baseline caps them. */
const MAX_IN_FLIGHT = 20;

type Handler = (e: EslEvent, at: number) => void;

class BareEsl {
  readonly client: EslClient;
  readonly handlers = new Map<string, Handler>();

  constructor(readonly fs: LabFreeswitch) {
    this.client = new EslClient({
      ...fs.esl,
      events: EVENTS,
      connectTimeoutMs: 5_000,
      commandTimeoutMs: 20_000,
    });
    this.client.on('event', (e) => {
      const at = hiResNow();
      this.handlers.get(e.headers['Unique-ID'] ?? '')?.(e, at);
    });
  }

  originate(id: string, dial: string, app: string, timeoutSec = 15): Promise<string> {
    const vars = `origination_uuid=${id},ignore_early_media=true,originate_timeout=${timeoutSec}`;
    return this.client.bgapi(`originate {${vars}}${dial} ${app}`);
  }

  customer(phone: string): string {
    return `sofia/gateway/${this.fs.carrierGateway}/${phone}`;
  }
}

/**
 * Answer → agent with no dialer: each agent's softphone is put in its own conference room (the
 * `dialer` profile, as the driver does), then per agent one customer at a time is originated to
 * `park` and transferred into the room the moment CHANNEL_ANSWER arrives.
 */
export async function runEslConnectBaseline(
  fs: LabFreeswitch,
  o: ConnectBaselineOptions,
): Promise<ConnectBaselineResult> {
  const bare = new BareEsl(fs);
  const prefix = `bfs-${process.pid}-${Date.now().toString(36)}-`;
  const r: ConnectBaselineResult = {
    calls: 0,
    bridged: 0,
    seconds: 0,
    shareMs: [],
    bridgeRestMs: [],
    rowsMs: [],
    pbxMs: [],
  };
  const phones = answeringCustomers(o.calls, seededTalk(o.seed, o.talkSec[0], o.talkSec[1]));
  const legs: string[] = [];
  let next = 0;
  await bare.client.open();
  const started = Date.now();
  const deadline = started + o.deadlineSec * 1000;
  const agentLoop = async (n: number): Promise<void> => {
    const room = `${prefix}room${n}`;
    const leg = `${prefix}agent${n}`;
    legs.push(leg);
    const up = new Promise<void>((resolve) =>
      bare.handlers.set(leg, (e) => e.name === 'CHANNEL_ANSWER' && resolve()),
    );
    await bare.originate(leg, `user/agent${n}`, `&conference(${room}@dialer)`, 20);
    await Promise.race([up, guard(20_000)]);
    while (next < phones.length && Date.now() < deadline && !stop.requested) {
      const k = next++;
      const id = `${prefix}c${k}`;
      r.calls += 1;
      let ended = (): void => undefined;
      const gone = new Promise<void>((resolve) => (ended = resolve));
      bare.handlers.set(id, (e, at) => {
        if (e.name === 'CHANNEL_HANGUP_COMPLETE') ended();
        if (e.name !== 'CHANNEL_ANSWER') return;
        const sent = hiResNow();
        void bare.client.api(`uuid_transfer ${id} conference:${room}@dialer inline`).then(
          (reply) => {
            const done = hiResNow();
            if (reply.startsWith('-ERR')) return;
            r.shareMs.push(sent - at);
            r.bridgeRestMs.push(done - sent);
            r.rowsMs.push(done - at);
            r.bridged += 1;
          },
          () => undefined,
        );
      });
      await bare.originate(id, bare.customer(phones[k] ?? ''), '&park()');
      await Promise.race([gone, guard(60_000)]);
      bare.handlers.delete(id);
      await sleep(o.wrapUpSec * 1000);
    }
  };
  try {
    await Promise.all(Array.from({ length: o.agents }, (_, i) => agentLoop(i + 1)));
    r.seconds = (Date.now() - started) / 1000;
    return r;
  } finally {
    for (const leg of legs) await bare.client.api(`uuid_kill ${leg}`).catch(() => undefined);
    bare.client.close();
  }
}

interface Live {
  sent: number;
  accepted?: number;
  answered: boolean;
  ended?: number;
}

/**
 * Originates with no dialer: as fast as the plan's channel cap and CPS allow, each answered call
 * parked until the customer hangs up. "Accepted" is FreeSWITCH's reply to `bgapi` (the job is
 * queued), the same moment the engine's `originate()` resolves in the ESL driver.
 */
export async function runEslLoadBaseline(fs: LabFreeswitch, plan: LoadPlan): Promise<LoadResult> {
  const bare = new BareEsl(fs);
  const stamp = `bfsload-${process.pid}-${Date.now().toString(36)}`;
  const calls = new Map<string, Live>();
  let live = 0;
  let peak = 0;
  let inFlight = 0;
  let freed: () => void = () => undefined;
  const end = (c: Live, at: number) => {
    if (c.ended !== undefined) return;
    c.ended = at;
    live -= 1;
    freed();
  };
  await bare.client.open();
  const heap = { startMb: heapAfterGcMb(), peakMb: Number.NaN, peakLive: 0, endMb: Number.NaN };
  const sampler = new ResourceSampler(() => ({
    live,
    done: [...calls.values()].filter((c) => c.ended).length,
  }));
  const started = Date.now();
  const deadline = started + plan.deadlineSec * 1000;
  sampler.start();
  const originate = async (id: string, phone: string): Promise<void> => {
    const c: Live = { sent: hiResNow(), answered: false };
    calls.set(id, c);
    live += 1;
    peak = Math.max(peak, live);
    inFlight += 1;
    bare.handlers.set(id, (e, at) => {
      if (e.name === 'CHANNEL_ANSWER') c.answered = true;
      if (e.name === 'CHANNEL_HANGUP_COMPLETE') end(c, at);
    });
    try {
      await bare.originate(id, bare.customer(phone), '&park()');
      c.accepted = hiResNow();
    } catch {
      end(c, hiResNow());
    } finally {
      inFlight -= 1;
      freed();
    }
  };
  try {
    const phones = answeringCustomers(plan.calls, () => plan.holdSec);
    let tokens = plan.cps;
    let refilled = hiResNow();
    for (let k = 0; k < phones.length && Date.now() < deadline && !stop.requested; k++) {
      for (;;) {
        const now = hiResNow();
        tokens = Math.min(plan.cps, tokens + ((now - refilled) / 1000) * plan.cps);
        refilled = now;
        if (live < plan.maxChannels && tokens >= 1 && inFlight < MAX_IN_FLIGHT) break;
        await Promise.race([new Promise<void>((res) => (freed = res)), guard(5)]);
      }
      tokens -= 1;
      void originate(`${stamp}-${k}`, phones[k] ?? '');
      if (Number.isNaN(heap.peakMb) && live >= 0.9 * plan.maxChannels) {
        heap.peakLive = live;
        heap.peakMb = heapAfterGcMb();
      }
    }
    while (live > 0 && Date.now() < deadline && !stop.requested) await sleep(200);
    const seconds = (Date.now() - started) / 1000;
    const samples = sampler.stop();
    heap.endMb = heapAfterGcMb();
    const r: LoadResult = {
      calls: calls.size,
      answered: 0,
      failed: 0,
      seconds,
      originatedAt: [],
      originateRestMs: [],
      intervals: [],
      peakLive: peak,
      samples,
      heap,
    };
    for (const c of calls.values()) {
      r.originatedAt.push(c.sent);
      if (c.accepted !== undefined) r.originateRestMs.push(c.accepted - c.sent);
      else r.failed += 1;
      if (c.answered) r.answered += 1;
      if (c.ended !== undefined) r.intervals.push({ start: c.sent, end: c.ended });
    }
    return r;
  } finally {
    sampler.stop();
    for (const [id, c] of calls)
      if (c.ended === undefined) await bare.client.api(`uuid_kill ${id}`).catch(() => undefined);
    bare.client.close();
  }
}
