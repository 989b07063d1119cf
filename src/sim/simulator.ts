import { AbandonLedger } from '../pacing/abandon-ledger.js';
import type { AgentView, LedgerView, Pacer, PacerState, RingingCall } from '../pacing/types.js';
import { EventHeap } from './heap.js';
import { addAt, bump, emptyCounters, emptyTimeline, summarise } from './metrics.js';
import type { RunCounters, RunSummary, Timeline } from './metrics.js';
import { Rng } from './rng.js';
import { curveAt } from './scenario.js';
import type { Scenario } from './scenario.js';

type AgentPhase = 'ready' | 'on-call' | 'wrap-up' | 'paused' | 'logged-out';

interface Agent {
  phase: AgentPhase;
  since: number;
  leaving: boolean;
  /** On a call with a human (not a machine AMD let through): talk time that counts. */
  withHuman: boolean;
}

type Outcome = 'human' | 'human-fp' | 'machine-fn' | 'fail';

interface Dial {
  at: number;
  outcome: Outcome;
}

interface Customer {
  routedAt: number;
  human: boolean;
  done: boolean;
}

type SimEvent =
  | { k: 'tick' }
  | { k: 'resolve'; dial: Dial }
  | { k: 'grace'; cust: Customer }
  | { k: 'talk-end'; agent: Agent; talk: number; human: boolean }
  | { k: 'wrap-end'; agent: Agent; talk: number; wrap: number }
  | { k: 'pause-end'; agent: Agent }
  | { k: 'logout'; fraction: number };

/** Result of one simulated run. */
export interface RunResult extends RunSummary {
  policy: string;
  scenario: string;
  seed: number;
  /** Per-minute counters, when asked for (drift analysis). */
  timeline?: Timeline;
}

/** Options of one run. */
export interface SimulateOptions {
  /** Keep per-minute counters (humans, abandons, talk and logged-in seconds). */
  timeline?: boolean;
}

/**
 * Discrete-event simulation of one campaign under one pacer. The pacer is asked every second
 * of sim time and whenever an agent turns ready; it sees exactly what the engine would show it.
 */
export function simulate(
  scenario: Scenario,
  pacer: Pacer,
  seed: number,
  opts: SimulateOptions = {},
): RunResult {
  const sim = new Simulation(scenario, pacer, seed, opts.timeline === true);
  for (let d = 0; d < scenario.days; d++) sim.runDay(d);
  const r: RunResult = { ...summarise(sim.counters), policy: pacer.name, scenario: scenario.name, seed };
  if (sim.timeline) r.timeline = sim.timeline;
  return r;
}

class Simulation {
  readonly counters: RunCounters = emptyCounters();
  private readonly rng: Rng;
  private readonly heap = new EventHeap<SimEvent>();
  private readonly ledger = new AbandonLedger(60);
  private agents: Agent[] = [];
  private readonly agentViews: AgentView[] = [];
  private readonly ringViews: RingingCall[] = [];
  private readonly ringing = new Set<Dial>();
  private queue: Customer[] = [];
  private now = 0;
  private dayStart = 0;
  private dayEnd = 0;
  /** Agents logged in and not paused, and agents talking to a human: kept as phases change. */
  private loggedCount = 0;
  private talkingCount = 0;

  readonly timeline: Timeline | undefined;

  constructor(
    private readonly s: Scenario,
    private readonly pacer: Pacer,
    seed: number,
    withTimeline: boolean,
  ) {
    this.rng = new Rng(seed);
    this.timeline = withTimeline ? emptyTimeline() : undefined;
  }

  runDay(day: number): void {
    this.dayStart = day * 86_400;
    this.now = this.dayStart;
    const end = this.dayStart + this.s.hoursPerDay * 3600;
    this.dayEnd = end;
    this.heap.clear();
    this.ringing.clear();
    this.queue = [];
    this.agents = Array.from({ length: this.s.agents }, () => ({
      phase: 'ready',
      since: this.now,
      leaving: false,
      withHuman: false,
    }));
    this.loggedCount = this.s.agents;
    this.talkingCount = 0;
    // One tick at a time (each schedules the next): a day's 28,800 ticks up front made every
    // heap operation deeper.
    this.heap.pushFirst(this.dayStart, { k: 'tick' });
    for (const l of this.s.logouts ?? [])
      this.heap.push(this.dayStart + l.atHour * 3600, { k: 'logout', fraction: l.fraction });
    while (this.heap.size > 0 && this.heap.peekTime() < end) {
      const t = this.heap.peekTime();
      const ev = this.heap.pop();
      if (!ev) break;
      this.advance(t);
      this.handle(ev);
    }
    this.advance(end);
  }

  private advance(to: number): void {
    const dt = to - this.now;
    if (dt <= 0) return;
    const logged = this.loggedCount;
    const talking = this.talkingCount;
    this.counters.loggedInSeconds += logged * dt;
    this.counters.lineSeconds += this.ringing.size * dt;
    if (this.timeline) {
      const m = this.minute();
      addAt(this.timeline.minuteLoggedSeconds, m, logged * dt);
      addAt(this.timeline.minuteTalkSeconds, m, talking * dt);
    }
    this.now = to;
  }

  private handle(ev: SimEvent): void {
    switch (ev.k) {
      case 'tick':
        if (this.now + 1 < this.dayEnd) this.heap.pushFirst(this.now + 1, { k: 'tick' });
        return this.decide();
      case 'resolve':
        return this.resolve(ev.dial);
      case 'grace':
        return this.grace(ev.cust);
      case 'talk-end':
        return this.talkEnd(ev.agent, ev.talk, ev.human);
      case 'wrap-end':
        return this.wrapEnd(ev.agent, ev.talk, ev.wrap);
      case 'pause-end':
        return this.becomeReady(ev.agent);
      case 'logout':
        return this.logout(ev.fraction);
    }
  }

  private hour(): number {
    return Math.floor(this.now / 3600);
  }

  private minute(): number {
    return Math.floor(this.now / 60);
  }

  private decide(): void {
    const state = this.pacerState();
    const { lines } = this.pacer.decide(state);
    for (let i = 0; i < lines; i++) this.dial();
  }

  /**
   * What the engine would show the pacer. The view objects are rewritten in place on every
   * decision (allocating them dominated the run time): a pacer must not keep them past
   * `decide` — none does, and the engine hands out fresh arrays anyway.
   */
  private pacerState(): PacerState {
    const agents = this.agentViews;
    let n = 0;
    let connected = 0;
    for (const a of this.agents) {
      // An agent who will log out after this call is shown as the engine shows them: on their
      // call (or wrap-up) until they actually leave. The engine has no foresight of logouts.
      if (a.phase === 'logged-out') continue;
      if (a.phase === 'on-call') connected++;
      const v = agents[n];
      if (v) {
        v.state = a.phase;
        v.secondsInState = this.now - a.since;
      } else agents.push({ state: a.phase, secondsInState: this.now - a.since });
      n++;
    }
    agents.length = n;
    const ringing = this.ringViews;
    let k = 0;
    for (const d of this.ringing) {
      const v = ringing[k];
      if (v) v.ageSeconds = this.now - d.at;
      else ringing.push({ ageSeconds: this.now - d.at });
      k++;
    }
    ringing.length = k;
    const waiting = this.waitingCount();
    return {
      now: this.now,
      agents,
      ringing,
      waitingCustomers: waiting,
      connectedCalls: connected,
      ledger: this.ledgerView(),
      trunkFreeLines: Math.max(0, this.s.trunkLines - k - waiting - connected),
    };
  }

  private ledgerView(): LedgerView {
    return {
      lastMinute: this.ledger.window(this.now, 60),
      today: this.ledger.today(this.now),
      last24h: this.ledger.window(this.now, 86_400),
      last30d: this.ledger.window(this.now, 30 * 86_400),
    };
  }

  private waitingCount(): number {
    let n = 0;
    for (const c of this.queue) if (!c.done) n++;
    return n;
  }

  private dial(): void {
    const s = this.s;
    const r = this.rng.next();
    const hourOfDay = (this.now - this.dayStart) / 3600;
    const pH = Math.min(1, s.pHuman * curveAt(s.answerCurve, hourOfDay));
    const ring = (mean: number): number =>
      Math.min(s.ringTimeoutSeconds, this.rng.lognormal(mean, s.ringSdSeconds));
    let outcome: Outcome = 'fail';
    let delay: number;
    if (r < pH) {
      delay = ring(s.ringMeanSeconds) + s.amdSeconds;
      outcome = this.rng.next() < s.amdAccuracy ? 'human' : 'human-fp';
    } else if (r < pH + s.pMachine) {
      delay = ring(s.machineRingMeanSeconds) + s.amdSeconds;
      outcome = this.rng.next() < s.amdAccuracy ? 'fail' : 'machine-fn';
    } else if (r < pH + s.pMachine + s.pBusy) {
      delay = s.busySeconds;
    } else if (r < pH + s.pMachine + s.pBusy + s.pCongestion) {
      delay = s.congestionSeconds;
    } else {
      delay = s.ringTimeoutSeconds;
    }
    const d: Dial = { at: this.now, outcome };
    this.ringing.add(d);
    this.counters.dials++;
    this.heap.push(this.now + delay, { k: 'resolve', dial: d });
  }

  private resolve(d: Dial): void {
    this.ringing.delete(d);
    const routed = d.outcome === 'human' || d.outcome === 'machine-fn';
    this.pacer.observe({ type: 'dial-resolved', now: this.now, routed, delaySeconds: this.now - d.at });
    if (d.outcome === 'human-fp') bump(this.counters.hourFalsePositives, this.hour());
    if (!routed) {
      // A failed dial frees its line for a ready agent at once, as the engine would re-dial.
      this.decide();
      return;
    }
    const cust: Customer = { routedAt: this.now, human: d.outcome === 'human', done: false };
    const agent = this.longestIdle();
    if (agent) return this.connect(agent, cust);
    this.queue.push(cust);
    this.heap.push(this.now + this.s.graceSeconds, { k: 'grace', cust });
  }

  private longestIdle(): Agent | undefined {
    let best: Agent | undefined;
    for (const a of this.agents) if (a.phase === 'ready' && (!best || a.since < best.since)) best = a;
    return best;
  }

  private grace(c: Customer): void {
    if (c.done) return;
    c.done = true;
    this.queue = this.queue.filter((q) => !q.done);
    if (!c.human) return;
    this.ledger.record(this.now, true);
    bump(this.counters.hourHumans, this.hour());
    bump(this.counters.hourAbandons, this.hour());
    if (this.timeline) {
      addAt(this.timeline.minuteHumans, this.minute(), 1);
      addAt(this.timeline.minuteAbandons, this.minute(), 1);
    }
    this.counters.customerWaits.push(this.s.graceSeconds);
  }

  private connect(agent: Agent, c: Customer): void {
    c.done = true;
    this.counters.idleWaits.push(this.now - agent.since);
    agent.withHuman = c.human;
    this.setPhase(agent, 'on-call');
    agent.since = this.now;
    let talk = this.s.machineTalkSeconds;
    if (c.human) {
      this.ledger.record(this.now, false);
      bump(this.counters.hourHumans, this.hour());
      if (this.timeline) addAt(this.timeline.minuteHumans, this.minute(), 1);
      this.counters.customerWaits.push(this.now - c.routedAt);
      const k = curveAt(this.s.talkCurve, (this.now - this.dayStart) / 3600);
      talk = this.rng.lognormal(this.s.talkMeanSeconds * k, this.s.talkSdSeconds * k);
    }
    this.heap.push(this.now + talk, { k: 'talk-end', agent, talk, human: c.human });
  }

  private talkEnd(agent: Agent, talk: number, human: boolean): void {
    if (human) this.counters.talkSeconds += talk;
    const wrap = human ? this.rng.lognormal(this.s.wrapMeanSeconds, this.s.wrapSdSeconds) : 0;
    this.counters.busySeconds += talk + wrap;
    this.setPhase(agent, 'wrap-up');
    agent.since = this.now;
    this.heap.push(this.now + wrap, { k: 'wrap-end', agent, talk, wrap });
  }

  private wrapEnd(agent: Agent, talk: number, wrap: number): void {
    this.pacer.observe({ type: 'handle', now: this.now, talkSeconds: talk, wrapSeconds: wrap });
    if (!agent.leaving && this.rng.next() < this.s.pauseProbability) {
      this.setPhase(agent, 'paused');
      agent.since = this.now;
      this.heap.push(this.now + this.rng.lognormal(this.s.pauseMeanSeconds, this.s.pauseMeanSeconds / 2), {
        k: 'pause-end',
        agent,
      });
      return;
    }
    this.becomeReady(agent);
  }

  private becomeReady(agent: Agent): void {
    agent.since = this.now;
    if (agent.leaving) {
      this.setPhase(agent, 'logged-out');
      return;
    }
    this.setPhase(agent, 'ready');
    while (this.queue.length > 0) {
      const c = this.queue.shift();
      if (c && !c.done) return this.connect(agent, c);
    }
    this.decide();
  }

  /** Every phase change goes through here, so the logged-in and talking counts stay right. */
  private setPhase(a: Agent, phase: AgentPhase): void {
    if (a.phase !== 'logged-out' && a.phase !== 'paused') this.loggedCount--;
    if (a.phase === 'on-call' && a.withHuman) this.talkingCount--;
    a.phase = phase;
    if (phase !== 'logged-out' && phase !== 'paused') this.loggedCount++;
    if (phase === 'on-call' && a.withHuman) this.talkingCount++;
  }

  private logout(fraction: number): void {
    const present = this.agents.filter((a) => a.phase !== 'logged-out' && !a.leaving);
    const n = Math.round(present.length * fraction);
    for (const a of present.slice(0, n)) {
      a.leaving = true;
      if (a.phase === 'ready' || a.phase === 'paused') this.setPhase(a, 'logged-out');
    }
  }
}
