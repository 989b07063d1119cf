import type { LabSettings } from '../../test/support/lab.js';
import { guard, hiResNow, sleep } from './clock.js';
import type { LoadPlan, LoadResult } from './originate-engine.js';
import { RawAri } from './raw-ari.js';
import { heapAfterGcMb, ResourceSampler } from './resources.js';
import { answeringCustomers } from './seed.js';
import { stop } from './stop.js';

/**
 * Originate requests in flight at once. Asterisk's HTTP server takes 100 sessions (sessionlimit)
 * shared with every other ARI client on the lab; unbounded, a burst is refused or times out.
 */
const MAX_IN_FLIGHT = 20;

interface Live {
  sent: number;
  accepted?: number;
  answered: boolean;
  ended?: number;
}

/**
 * The same load with no dialer: a bare ARI client originates as fast as the plan's channel cap
 * and CPS allow, leaves each answered call alone in Stasis and lets the customer hang up. This
 * is what the lab's Asterisk and SIPp do by themselves.
 */
export async function runLoadBaseline(lab: LabSettings, plan: LoadPlan): Promise<LoadResult> {
  const load = new BareLoad(lab, plan);
  await load.ari.connect();
  const sampler = new ResourceSampler(() => ({ live: load.live, done: load.ended() }));
  const heap = { startMb: heapAfterGcMb(), peakMb: Number.NaN, peakLive: 0, endMb: Number.NaN };
  const started = Date.now();
  sampler.start();
  try {
    await load.run(started + plan.deadlineSec * 1000, heap);
    const seconds = (Date.now() - started) / 1000;
    const samples = sampler.stop();
    heap.endMb = heapAfterGcMb();
    return load.result(seconds, samples, heap);
  } finally {
    sampler.stop();
    await load.close();
  }
}

class BareLoad {
  readonly ari: RawAri;
  private readonly calls = new Map<string, Live>();
  private readonly refusals = new Map<string, number>();
  private readonly stamp = `${process.pid}-${Date.now().toString(36)}`;
  live = 0;
  private peak = 0;
  private inFlight = 0;
  private freed: () => void = () => undefined;

  constructor(
    private readonly lab: LabSettings,
    private readonly plan: LoadPlan,
  ) {
    this.ari = new RawAri(lab.ari, `bench-raw-load-${this.stamp}`);
    this.ari.onEvent((e, at) => {
      const c = e.channel ? this.calls.get(e.channel.id) : undefined;
      if (!c) return;
      if (e.type === 'StasisStart') c.answered = true;
      if (e.type === 'ChannelDestroyed') this.end(c, at);
    });
  }

  ended(): number {
    return [...this.calls.values()].filter((c) => c.ended !== undefined).length;
  }

  private end(c: Live, at: number): void {
    if (c.ended !== undefined) return;
    c.ended = at;
    this.live -= 1;
    this.freed();
  }

  private refused(why: string): void {
    this.refusals.set(why, (this.refusals.get(why) ?? 0) + 1);
  }

  /** Originates every customer, obeying the channel cap and CPS as the engine's trunk does. */
  async run(deadline: number, heap: LoadResult['heap']): Promise<void> {
    const phones = answeringCustomers(this.plan.calls, () => this.plan.holdSec);
    const pending: Promise<void>[] = [];
    let tokens = this.plan.cps;
    let refilled = hiResNow();
    for (let k = 0; k < phones.length && Date.now() < deadline && !stop.requested; k++) {
      for (;;) {
        const now = hiResNow();
        tokens = Math.min(this.plan.cps, tokens + ((now - refilled) / 1000) * this.plan.cps);
        refilled = now;
        if (this.live < this.plan.maxChannels && tokens >= 1 && this.inFlight < MAX_IN_FLIGHT) break;
        await Promise.race([new Promise<void>((r) => (this.freed = r)), guard(5)]);
      }
      tokens -= 1;
      // The "-x" end: Asterisk 22 refuses a channel id that is a prefix of a live one (its
      // unique-id lookup is strncasecmp), so "…-1" would clash with a "…-10" created first.
      pending.push(this.originate(`brawload-${this.stamp}-${k}-x`, phones[k] ?? ''));
      if (Number.isNaN(heap.peakMb) && this.live >= 0.9 * this.plan.maxChannels) {
        heap.peakLive = this.live;
        heap.peakMb = heapAfterGcMb();
      }
    }
    await Promise.all(pending);
    while (this.live > 0 && Date.now() < deadline && !stop.requested) await sleep(200);
  }

  private async originate(id: string, phone: string): Promise<void> {
    const c: Live = { sent: hiResNow(), answered: false };
    this.calls.set(id, c);
    this.live += 1;
    this.peak = Math.max(this.peak, this.live);
    this.inFlight += 1;
    try {
      const status = await this.ari.originate(id, `PJSIP/${phone}@${this.lab.carrierEndpoint}`, 15);
      if (status < 300) c.accepted = hiResNow();
      else {
        this.refused(String(status));
        this.end(c, hiResNow());
      }
    } catch (err) {
      this.refused(err instanceof Error ? err.name : 'error');
      this.end(c, hiResNow());
    } finally {
      this.inFlight -= 1;
      this.freed();
    }
  }

  result(seconds: number, samples: LoadResult['samples'], heap: LoadResult['heap']): LoadResult {
    const r: LoadResult = {
      calls: this.calls.size,
      answered: 0,
      failed: 0,
      seconds,
      originatedAt: [],
      originateRestMs: [],
      intervals: [],
      peakLive: this.peak,
      samples,
      heap,
      refusals: Object.fromEntries(this.refusals),
    };
    for (const c of this.calls.values()) {
      r.originatedAt.push(c.sent);
      if (c.accepted !== undefined) r.originateRestMs.push(c.accepted - c.sent);
      else r.failed += 1;
      if (c.answered) r.answered += 1;
      if (c.ended !== undefined) r.intervals.push({ start: c.sent, end: c.ended });
    }
    return r;
  }

  /** Hangs up what is still live (stopped at the deadline: the run must end by itself). */
  async close(): Promise<void> {
    for (const [id, c] of this.calls)
      if (c.ended === undefined) await this.ari.hangup(id).catch(() => undefined);
    this.ari.close();
  }
}
