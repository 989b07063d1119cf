import type { AttemptResult, DialAttempt } from '../domain/attempt.js';
import { agentReservedBeforeDial, type DialMode } from '../domain/campaign/dial-mode.js';
import { OWNER_ABSENT_RETRY_MS, OWNER_BUSY_RETRY_MS } from '../domain/preview/offer-rules.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { AbandonLedger } from '../pacing/abandon-ledger.js';
import type { Pacer, PacerState } from '../pacing/types.js';
import type { AttemptLedger } from '../ports/attempt-ledger.js';
import type { CallHistory } from '../ports/call-log.js';
import type { GatePort } from '../ports/gate.js';
import type { HopperPort, LeasePort, TrunkSlots } from '../ports/hopper.js';
import type { ArchiveSpacePort, RecordingRecovery } from '../ports/recordings.js';
import type { AgentPool, AgentSession } from './agent-pool.js';
import { CallFlow, type CallFlowDeps, type CallPlan } from './call-flow.js';
import { Drain } from './drain.js';
import { OrphanWatch } from './orphans.js';
import { observeEnd, observeRouted } from './pacer-feedback.js';
import { emptyStats, recordResult, setGauges, type RunnerStats } from './runner-stats.js';

export type { RunnerStats } from './runner-stats.js';

export interface CampaignPlan extends Omit<CallPlan, 'endpoint' | 'reservedAgent' | 'answerHandler'> {
  id: number;
  mode: DialMode;
  /** Dial string template with `{number}`. */
  dialTemplate: string;
  tickMs: number;
  /** Keep at least this many attempts queued in the hopper. */
  hopperLowWater: number;
  /** Agentless: the handler that takes each answered call (src/engine/agentless-flow.ts). */
  answerHandlerFor?: (attempt: DialAttempt) => CallPlan['answerHandler'];
}

export interface RunnerDeps extends CallFlowDeps {
  hopper: HopperPort;
  lease: LeasePort;
  trunk: TrunkSlots;
  pacer: Pacer;
  /** Seconds of wrap-up after each call, reported to the pacer with the talk time. */
  wrapUpSec: number;
  gate: GatePort;
  ledger: AttemptLedger;
  history: CallHistory;
  recovery: RecordingRecovery;
  agents: AgentPool;
  metrics?: Metrics;
  archiveSpace?: ArchiveSpacePort;
}

/** A mode that decides its own dialling each tick instead of the pacer (preview: preview-desk.ts). */
export interface RunnerModeDesk {
  /** One round while the lease is held; `takeover` is true on the first round after taking it. */
  tick(takeover: boolean): Promise<void>;
  /** The campaign stops in this process: give back what the desk holds. */
  stop(): Promise<void>;
}

/** How often the runner sweeps for stranded attempts and unarchived recordings. */
const SWEEP_MS = 30_000;
/** After a hurried stop hangs up the live calls, how long their ends may take to be written. */
const HURRY_GRACE_MS = 10_000;
/** A claimed attempt with no call row after this long was lost between claim and dial. */
const STRANDED_AFTER_MS = 120_000;

/**
 * Runs one campaign in this process while it holds the campaign's lease: keeps the hopper fed
 * from the attempt ledger, asks the line policy how many lines to start each tick, takes
 * capacity on the trunk *before* dialling, checks the compliance gate just before each
 * originate, and hands each attempt's end to the ledger.
 */
export class CampaignRunner {
  private timer?: unknown;
  private ticking = false;
  private stopping = false;
  private readonly inFlight = new Map<string, Promise<void>>();
  /** Launched calls that do not yet hold an agent, with their launch time (for ring ages). */
  private readonly pending = new Map<string, number>();
  /** Live answers waiting for an agent (routed, not yet bridged or abandoned): when routed. */
  private readonly waiting = new Map<string, number>();
  private readonly launchedAt = new Map<string, number>();
  /** Live answers and abandons by time, for the pacer's every-window promise. */
  readonly ledger = new AbandonLedger();
  private lastSweep = 0;
  /** After a claim found nothing, the list is not asked again before this (ms). */
  private nextClaimAt = 0;
  /** Whether the lease was held at the last tick: a new holder first finishes orphaned calls. */
  private held = false;
  private desk?: RunnerModeDesk;
  private hurried = false;
  private readonly drainer: Drain;
  readonly stats: RunnerStats = emptyStats();
  private readonly log: Logger;
  private readonly orphans: OrphanWatch;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly plan: CampaignPlan,
  ) {
    this.log = deps.logger.child({ campaignId: plan.id, mode: plan.mode });
    this.drainer = new Drain(deps.clock);
    this.orphans = new OrphanWatch({ ...deps, logger: this.log, now: () => this.now() }, plan.id);
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** Loads the last 30 days of live answers into the abandon ledger, then starts ticking. */
  async start(): Promise<void> {
    const since = new Date(this.now() - 30 * 86_400_000);
    // Agentless answers are not live answers of the abandon rate: no agent was promised.
    if (this.plan.mode !== 'agentless') {
      for (const r of await this.deps.history.liveAnswers(this.plan.id, since))
        this.ledger.record(r.at.getTime() / 1000, r.abandoned);
    }
    await this.warmPacer();
    this.deps.lease.start();
    this.schedule();
  }

  /** A tick every `tickMs`, like an interval (a tick still running makes the next one a no-op). */
  private schedule(): void {
    this.timer = this.deps.clock.setTimeout(() => {
      if (this.stopping) return;
      this.schedule();
      void this.tick();
    }, this.plan.tickMs);
  }

  /** Replays the campaign's last week of calls into the pacer, so a restart starts warm. */
  private async warmPacer(): Promise<void> {
    const history = await this.deps.history.pacerObservations(this.plan.id, {
      since: new Date(this.now() - 7 * 86_400_000),
      limit: 1_000,
      wrapSeconds: this.deps.wrapUpSec,
    });
    for (const o of history) this.deps.pacer.observe(o);
    if (history.length > 0) this.log.info({ observations: history.length }, 'pacer warmed from history');
  }

  /** Preview mode: the desk offers leads to agents and dials on their word, not the pacer. */
  attachDesk(desk: RunnerModeDesk): void {
    this.desk = desk;
  }

  /**
   * Dials an attempt for an agent already reserved for it. The caller took a trunk slot and asked
   * the gate a moment ago, in the same request (preview: the agent's click); the slot is given
   * back when the call ends.
   */
  launchReserved(attempt: DialAttempt, agent: AgentSession): void {
    this.launch(attempt, agent);
  }

  get liveCalls(): number {
    return this.inFlight.size;
  }

  /** Stops dialling, lets live calls finish (up to `drainMs`), returns queued attempts. */
  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    this.deps.clock.clearTimeout(this.timer);
    await this.drainer.wait(this.inFlight.values(), this.hurried ? 0 : drainMs);
    // Hung up by hurry(): their ends, outcomes and recordings are written before we go on.
    if (this.hurried) await this.drainer.wait(this.inFlight.values(), HURRY_GRACE_MS);
    const queued = await this.deps.hopper.drain();
    const up = [...this.inFlight.keys()];
    if (up.length)
      this.log.warn(
        { calls: up, drainMs },
        'stop: calls still up at the drain deadline are left to the next lease holder',
      );
    await this.deps.ledger.returned(queued, new Date(this.now()));
    await this.desk?.stop();
    await this.deps.lease.stop();
  }

  /**
   * Shutdown in a hurry (a second SIGTERM): the drain stops waiting, and every live call is hung
   * up now; stop() then waits up to HURRY_GRACE_MS for their ends to be written.
   */
  hurry(): void {
    this.hurried = true;
    for (const callId of this.inFlight.keys())
      void this.deps.pbx
        .hangup(callId)
        .catch((err: unknown) => this.log.warn({ err, callId }, 'hang-up failed'));
    this.drainer.cut();
  }

  async tick(): Promise<void> {
    if (this.ticking || this.stopping) return;
    if (!this.deps.lease.isHeld) {
      this.held = false;
      return;
    }
    this.ticking = true;
    try {
      const takeover = !this.held;
      await this.orphans.run(takeover, new Set(this.inFlight.keys()));
      this.held = true;
      await this.feed();
      if (this.desk) return await this.desk.tick(takeover);
      await this.pace();
    } catch (err) {
      this.log.error({ err }, 'campaign tick failed');
    } finally {
      this.ticking = false;
    }
  }

  /** The pacer decides; trunk slots first (capacity before dialling), then that many attempts. */
  private async pace(): Promise<void> {
    // The lease may have lapsed while this tick waited on Redis or Postgres; a full archive
    // with recordings.onFull: pause starts no new call.
    if (!this.deps.lease.isHeld || this.deps.archiveSpace?.pausesDialling) return;
    const state = this.pacerState();
    setGauges(this.deps.metrics, this.plan.campaignCode, this.inFlight.size, this.deps.agents);
    const decision = this.deps.pacer.decide(state);
    if (decision.lines > 0) {
      this.log.debug({ ...decision.inputs, lines: decision.lines, why: decision.reason }, 'pacing decision');
      this.stats.lastDecision = {
        at: new Date(this.now()).toISOString(),
        lines: decision.lines,
        reason: decision.reason,
        inputs: decision.inputs,
      };
    }
    if (decision.overDial && this.stats.firstOverDialAt === undefined)
      this.stats.firstOverDialAt = new Date(this.now()).toISOString();
    let slots = 0;
    while (slots < decision.lines && this.deps.trunk.tryAcquire()) slots += 1;
    const attempts = slots > 0 ? await this.deps.hopper.takeMany(slots) : [];
    // Slots nothing came for are given back.
    for (let i = attempts.length; i < slots; i++) this.deps.trunk.release();
    for (const attempt of attempts) this.launch(attempt);
  }

  /** What the pacer sees: agents with time in state, calls in flight, the abandon ledger. */
  pacerState(): PacerState {
    const now = this.now();
    const sec = now / 1000;
    const ringing: { ageSeconds: number }[] = [];
    for (const [id, t] of this.pending)
      if (!this.waiting.has(id)) ringing.push({ ageSeconds: (now - t) / 1000 });
    return {
      now: sec,
      agents: this.deps.agents
        .all()
        .filter((a) => a.status.state !== 'logged-out')
        .map((a) => ({ state: a.status.state, secondsInState: (now - a.since) / 1000 })),
      ringing,
      waitingCustomers: this.waiting.size,
      connectedCalls: this.deps.agents.count('on-call'),
      ledger: {
        lastMinute: this.ledger.window(sec, 60),
        lastHour: this.ledger.window(sec, 3600),
        today: this.ledger.today(sec),
        last24h: this.ledger.window(sec, 86_400),
        last30d: this.ledger.window(sec, 30 * 86_400),
      },
      trunkFreeLines: this.deps.trunk.available(),
    };
  }

  private async feed(): Promise<void> {
    const now = this.now();
    if (now - this.lastSweep > SWEEP_MS || this.deps.archiveSpace?.takeFreed()) {
      this.lastSweep = now;
      const inFlight = new Set(this.inFlight.keys());
      await this.deps.hopper.add(
        await this.deps.ledger.stranded(new Date(now - STRANDED_AFTER_MS), inFlight),
      );
      await this.deps.recovery
        .recover(
          this.deps.pbx,
          { id: this.plan.id, code: this.plan.campaignCode, purpose: this.plan.campaignPurpose },
          inFlight,
          new Date(now),
        )
        .catch((err: unknown) => this.log.error({ err }, 'recording recovery failed'));
    }
    if (now < this.nextClaimAt) return;
    const size = await this.deps.hopper.size();
    this.deps.metrics?.hopperDepth.set({ campaign: this.plan.campaignCode }, size);
    if (size >= this.plan.hopperLowWater) return;
    const claimed = await this.deps.ledger.claim(this.plan.hopperLowWater * 2 - size, new Date(now));
    await this.deps.hopper.add(claimed);
    // Nothing eligible now: no need to ask the list again on every tick.
    if (claimed.length === 0) this.nextClaimAt = now + 2_000;
  }

  private launch(attempt: DialAttempt, presetAgent?: AgentSession): void {
    this.pending.set(attempt.callId, this.now());
    this.launchedAt.set(attempt.callId, this.now());
    const run = this.dial(attempt, presetAgent)
      .catch((err: unknown) => this.log.error({ err, callId: attempt.callId }, 'dial attempt failed'))
      .finally(() => {
        this.deps.trunk.release();
        this.inFlight.delete(attempt.callId);
        this.pending.delete(attempt.callId);
        this.waiting.delete(attempt.callId);
        this.launchedAt.delete(attempt.callId);
      });
    this.inFlight.set(attempt.callId, run);
    this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight.size);
  }

  private async dial(attempt: DialAttempt, presetAgent?: AgentSession): Promise<void> {
    const releasePending = () => {
      this.pending.delete(attempt.callId);
      this.waiting.delete(attempt.callId);
    };
    try {
      const verdict = presetAgent
        ? ({ allowed: true } as const)
        : await this.deps.gate.check(attempt, new Date(this.now()));
      if (!presetAgent && (this.stopping || !this.deps.lease.isHeld)) {
        // Stopping, or the lease lapsed since this attempt was taken (Redis unreachable, another
        // holder): nothing more is dialled; the attempt goes back to the list.
        await this.deps.ledger.returned([attempt], new Date(this.now()));
        return;
      }
      if (!verdict.allowed) {
        this.stats.notDialled += 1;
        this.log.info({ callId: attempt.callId, reason: verdict.reason }, 'gate refused the attempt');
        await this.deps.ledger.refused(attempt, verdict, new Date(this.now()));
        return;
      }
      const agent = presetAgent ?? this.agentFor(attempt);
      if (agent === 'none') {
        // No agent for it now (the agent went away, or the owner is busy or absent): give the
        // attempt back, for when it can go to them.
        const owner = attempt.ownerAgentId;
        const wait = owner === undefined ? 0 : this.ownerWaitMs(owner);
        const at = new Date(this.now());
        await this.deps.ledger.returned([attempt], at, new Date(at.getTime() + wait));
        return;
      }
      if (agent) releasePending();
      const result = await this.callOut(attempt, agent, releasePending);
      this.deps.trunk.ended(result.outcome);
      this.record(result);
      observeEnd(this.deps.pacer, result, {
        launchedAt: this.launchedAt.get(result.callId),
        now: this.now(),
        wrapUpSec: this.deps.wrapUpSec,
      });
      await this.deps.ledger.ended(result, new Date(this.now()), 'finished');
    } finally {
      releasePending();
    }
  }

  /**
   * The agent to reserve before dialling: an owned lead (confidential assignment, agent-owned
   * callback) only its owner, in every mode — nobody else may see the record, and no abandon;
   * preview and progressive the longest-idle agent. `none`: it needs one and there is none.
   */
  private agentFor(attempt: DialAttempt): AgentSession | 'none' | undefined {
    const owned = this.plan.mode !== 'agentless' ? attempt.ownerAgentId : undefined;
    if (owned !== undefined) return this.reserveOwner(owned, attempt.callId) ?? 'none';
    if (!agentReservedBeforeDial(this.plan.mode)) return undefined;
    return this.deps.agents.reserveNext(attempt.callId) ?? 'none';
  }

  private callOut(
    attempt: DialAttempt,
    reservedAgent: AgentSession | undefined,
    releasePending: () => void,
  ): Promise<AttemptResult> {
    const flow = new CallFlow(this.deps, attempt, {
      ...this.plan,
      endpoint: this.plan.dialTemplate.replace('{number}', attempt.phone),
      reservedAgent,
      answerHandler: this.plan.answerHandlerFor?.(attempt),
      onSettled: releasePending,
      onWaitingForAgent: () => this.waiting.set(attempt.callId, this.now()),
      onAnswered: () => void (this.stats.answeredSoFar += 1),
      onRouted: (at) => observeRouted(this.deps.pacer, this.launchedAt.get(attempt.callId) ?? at, at),
      onConnected: (at) => this.ledger.record(at / 1000, false),
      onAbandoned: (at) => this.ledger.record(at / 1000, true),
    });
    this.stats.dialled += 1;
    return flow.start();
  }

  /** Reserves the lead's owner when they are ready here. */
  private reserveOwner(agentId: number, callId: string): AgentSession | undefined {
    const owner = this.deps.agents.get(agentId);
    if (owner?.status.state !== 'ready') return undefined;
    return this.deps.agents.reserve(owner, callId) ? owner : undefined;
  }

  /** How long an owned lead waits before it is looked at again: shorter when the owner is here. */
  private ownerWaitMs(agentId: number): number {
    const owner = this.deps.agents.get(agentId);
    const here = owner !== undefined && owner.status.state !== 'logged-out';
    return here ? OWNER_BUSY_RETRY_MS : OWNER_ABSENT_RETRY_MS;
  }

  private record(r: AttemptResult): void {
    recordResult(this.stats, r, this.plan.campaignCode, this.deps.metrics);
  }
}
