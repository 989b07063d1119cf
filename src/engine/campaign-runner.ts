import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import { AbandonLedger } from '../pacing/abandon-ledger.js';
import type { Pacer, PacerDecision, PacerState } from '../pacing/types.js';
import type { Metrics } from '../metrics.js';
import type { Hopper } from '../queues/hopper.js';
import type { Lease } from '../queues/lease.js';
import { AGENT_STATES } from '../domain/agent-state.js';
import { OWNER_ABSENT_RETRY_MS, OWNER_BUSY_RETRY_MS } from '../domain/preview/offer-rules.js';
import { recoverRecordings } from '../recordings/recovery.js';
import { claimLeads, returnLeads, strandedAttempts } from '../store/hopper-feed.js';
import { loadPacerHistory } from '../store/pacer-history.js';
import type { AgentPool, AgentSession } from './agent-pool.js';
import { CallFlow, type CallFlowDeps, type CallPlan } from './call-flow.js';
import { finishOrphans } from './orphans.js';
import {
  notDialled,
  type AttemptResult,
  type DialAttempt,
  type GatePort,
  type LeadOutcomePort,
} from './ports.js';
import type { TrunkLimiter } from './trunk-limiter.js';

export interface CampaignPlan extends Omit<CallPlan, 'endpoint' | 'reservedAgent' | 'answerHandler'> {
  id: number;
  mode: 'preview' | 'progressive' | 'predictive' | 'agentless';
  /** Dial string template with `{number}`. */
  dialTemplate: string;
  tickMs: number;
  /** Keep at least this many attempts queued in the hopper. */
  hopperLowWater: number;
  /** Agentless: the handler that takes each answered call (src/engine/agentless-flow.ts). */
  answerHandlerFor?: (attempt: DialAttempt) => CallPlan['answerHandler'];
}

export interface RunnerDeps extends CallFlowDeps {
  db: Knex;
  hopper: Hopper;
  lease: Lease;
  trunk: TrunkLimiter;
  pacer: Pacer;
  /** Seconds of wrap-up after each call, reported to the pacer with the talk time. */
  wrapUpSec: number;
  gate: GatePort;
  leadOutcomes: LeadOutcomePort;
  agents: AgentPool;
  metrics?: Metrics;
}

/** A mode that decides its own dialling each tick instead of the pacer (preview: preview-desk.ts). */
export interface RunnerModeDesk {
  /** One round while the lease is held; `takeover` is true on the first round after taking it. */
  tick(takeover: boolean): Promise<void>;
  /** The campaign stops in this process: give back what the desk holds. */
  stop(): Promise<void>;
}

export interface RunnerStats {
  dialled: number;
  answered: number;
  liveAnswers: number;
  abandoned: number;
  machines: number;
  notDialled: number;
  connectMs: number[];
  outcomes: Record<string, number>;
  /** Most calls in flight at once (ringing, waiting or connected). */
  maxInFlight: number;
  /** When the campaign first had more calls in flight than active agents (predictive over-dial). */
  firstOverDialAt?: string;
  /** The pacer's latest decision that started lines, for supervisors (`reason`, `inputs`). */
  lastDecision?: { at: string; lines: number; reason: string; inputs: PacerDecision['inputs'] };
}

/**
 * Runs one campaign in this process while it holds the campaign's lease: keeps the hopper fed
 * from Postgres, asks the line policy how many lines to start each tick, takes capacity on the
 * trunk *before* dialling, checks the compliance gate just before each originate, and applies
 * each attempt's result to its lead.
 */
export class CampaignRunner {
  private timer?: NodeJS.Timeout;
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
  readonly stats: RunnerStats = {
    dialled: 0,
    answered: 0,
    liveAnswers: 0,
    abandoned: 0,
    machines: 0,
    notDialled: 0,
    connectMs: [],
    outcomes: {},
    maxInFlight: 0,
  };
  private readonly log: Logger;

  constructor(
    private readonly deps: RunnerDeps,
    private readonly plan: CampaignPlan,
  ) {
    this.log = deps.logger.child({ campaignId: plan.id, mode: plan.mode });
  }

  /** Loads the last 30 days of live answers into the abandon ledger, then starts ticking. */
  async start(): Promise<void> {
    const since = new Date(this.deps.now() - 30 * 86_400_000);
    const rows = await this.deps
      .db('calls')
      .where({ campaign_id: this.plan.id })
      .whereNotNull('answered_at')
      .andWhere('answered_at', '>=', since)
      .andWhereRaw(`coalesce(outcome, '') <> 'machine'`)
      .orderBy('answered_at')
      .select<{ answered_at: Date; abandoned: boolean }[]>('answered_at', 'abandoned');
    // Agentless answers are not live answers of the abandon rate: no agent was promised.
    if (this.plan.mode !== 'agentless') {
      for (const r of rows) this.ledger.record(r.answered_at.getTime() / 1000, r.abandoned);
    }
    await this.warmPacer();
    this.deps.lease.start();
    this.timer = setInterval(() => void this.tick(), this.plan.tickMs);
  }

  /** Replays the campaign's last week of calls into the pacer, so a restart starts warm. */
  private async warmPacer(): Promise<void> {
    const history = await loadPacerHistory(this.deps.db, this.plan.id, {
      since: new Date(this.deps.now() - 7 * 86_400_000),
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

  /** Stops dialling, lets live calls finish (up to `drainMs`), returns queued leads. */
  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    const deadline = new Promise((r) => setTimeout(r, drainMs));
    await Promise.race([Promise.allSettled([...this.inFlight.values()]), deadline]);
    const leadIds = await this.deps.hopper.drain();
    await returnLeads(this.deps.db, leadIds, new Date(this.deps.now()));
    await this.desk?.stop();
    await this.deps.lease.stop();
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
      if (!this.held) {
        const d = this.deps;
        await finishOrphans(
          d.db,
          d.pbx,
          d.leadOutcomes,
          this.log,
          this.plan.id,
          new Set(this.inFlight.keys()),
          d.now,
        );
        this.held = true;
      }
      await this.feed();
      if (this.desk) return await this.desk.tick(takeover);
      const state = this.pacerState();
      this.gauges();
      const decision = this.deps.pacer.decide(state);
      if (decision.lines > 0) {
        this.log.debug(
          { ...decision.inputs, lines: decision.lines, why: decision.reason },
          'pacing decision',
        );
        this.stats.lastDecision = {
          at: new Date(this.deps.now()).toISOString(),
          lines: decision.lines,
          reason: decision.reason,
          inputs: decision.inputs,
        };
      }
      // Trunk slots first (capacity is reserved before anything is dialled), then that many
      // attempts off the hopper at once; slots nothing came for are given back.
      let slots = 0;
      while (slots < decision.lines && this.deps.trunk.tryAcquire()) slots += 1;
      const attempts = slots > 0 ? await this.deps.hopper.takeMany(slots) : [];
      for (let i = attempts.length; i < slots; i++) this.deps.trunk.release();
      for (const attempt of attempts) this.launch(attempt);
    } catch (err) {
      this.log.error({ err }, 'campaign tick failed');
    } finally {
      this.ticking = false;
    }
  }

  /** Live calls and agents by state, as of this tick (the supervisor's Prometheus view). */
  private gauges(): void {
    const m = this.deps.metrics;
    if (!m) return;
    const campaign = this.plan.campaignCode;
    m.liveCalls.set({ campaign }, this.inFlight.size);
    for (const state of AGENT_STATES) m.agents.set({ campaign, state }, this.deps.agents.count(state));
  }

  /** What the pacer sees: agents with time in state, calls in flight, the abandon ledger. */
  pacerState(): PacerState {
    const now = this.deps.now();
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
        today: this.ledger.today(sec),
        last24h: this.ledger.window(sec, 86_400),
        last30d: this.ledger.window(sec, 30 * 86_400),
      },
      trunkFreeLines: this.deps.trunk.available(),
    };
  }

  private async feed(): Promise<void> {
    const now = this.deps.now();
    if (now - this.lastSweep > 30_000) {
      this.lastSweep = now;
      const stranded = await strandedAttempts(
        this.deps.db,
        this.plan.id,
        new Date(now - 120_000),
        new Set(this.inFlight.keys()),
      );
      await this.deps.hopper.add(stranded);
      await this.recoverRecordings();
    }
    if (now < this.nextClaimAt) return;
    const size = await this.deps.hopper.size();
    if (size >= this.plan.hopperLowWater) return;
    const claimed = await claimLeads(
      this.deps.db,
      this.plan.id,
      this.plan.hopperLowWater * 2 - size,
      new Date(now),
    );
    await this.deps.hopper.add(claimed);
    // Nothing eligible now: no need to ask Postgres again on every tick.
    if (claimed.length === 0) this.nextClaimAt = now + 2_000;
  }

  /** Archives recordings a lost process (or a failed fetch) left in the PBX spool. */
  private async recoverRecordings(): Promise<void> {
    const d = this.deps;
    await recoverRecordings(
      d.db,
      d.pbx,
      d.archiver,
      this.log,
      { id: this.plan.id, code: this.plan.campaignCode },
      new Set(this.inFlight.keys()),
      new Date(d.now()),
    ).catch((err: unknown) => this.log.error({ err }, 'recording recovery failed'));
  }

  private launch(attempt: DialAttempt, presetAgent?: AgentSession): void {
    this.pending.set(attempt.callId, this.deps.now());
    this.launchedAt.set(attempt.callId, this.deps.now());
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
    if (this.stats.firstOverDialAt === undefined && this.inFlight.size > this.activeAgents()) {
      this.stats.firstOverDialAt = new Date(this.deps.now()).toISOString();
    }
  }

  private async dial(attempt: DialAttempt, presetAgent?: AgentSession): Promise<void> {
    const releasePending = () => {
      this.pending.delete(attempt.callId);
      this.waiting.delete(attempt.callId);
    };
    try {
      const verdict = presetAgent
        ? ({ allowed: true } as const)
        : await this.deps.gate.check(attempt, new Date(this.deps.now()));
      if (!verdict.allowed) {
        this.stats.notDialled += 1;
        const result = notDialled(attempt, {
          gateReason: verdict.reason,
          nextEligibleAt: verdict.nextEligibleAt,
        });
        this.log.info({ callId: attempt.callId, reason: verdict.reason }, 'gate refused the attempt');
        await this.deps.leadOutcomes.finish(result, this.plan.id, new Date(this.deps.now()));
        return;
      }
      const owned = !presetAgent && this.plan.mode !== 'agentless' ? attempt.ownerAgentId : undefined;
      // An owned lead (confidential assignment, agent-owned callback) is dialled only with its
      // owner reserved first, in every mode: nobody else may see the record, and no abandon.
      const needsAgent =
        owned !== undefined || this.plan.mode === 'preview' || this.plan.mode === 'progressive';
      const reservedAgent =
        presetAgent ??
        (owned !== undefined
          ? this.reserveOwner(owned, attempt.callId)
          : needsAgent
            ? this.deps.agents.reserveNext(attempt.callId)
            : undefined);
      if (reservedAgent) releasePending();
      if (needsAgent && !reservedAgent) {
        // No agent for it now (the agent went away, or the owner is busy or absent): give the
        // attempt back, for when it can go to them.
        const wait = owned === undefined ? 0 : this.ownerWaitMs(owned);
        await this.deps.leadOutcomes.finish(
          notDialled(attempt, {
            gateReason: owned === undefined ? undefined : 'owner-not-ready',
            nextEligibleAt: new Date(this.deps.now() + wait),
          }),
          this.plan.id,
          new Date(this.deps.now()),
        );
        return;
      }
      const flow = new CallFlow(this.deps, attempt, {
        ...this.plan,
        endpoint: this.plan.dialTemplate.replace('{number}', attempt.phone),
        reservedAgent,
        answerHandler: this.plan.answerHandlerFor?.(attempt),
        onSettled: releasePending,
        onWaitingForAgent: () => this.waiting.set(attempt.callId, this.deps.now()),
      });
      this.stats.dialled += 1;
      const result = await flow.start();
      this.record(result);
      this.observe(result);
      await this.deps.leadOutcomes.finish(result, this.plan.id, new Date(this.deps.now()));
    } finally {
      releasePending();
    }
  }

  private activeAgents(): number {
    let n = 0;
    for (const a of this.deps.agents.all())
      if (a.status.state !== 'paused' && a.status.state !== 'logged-out') n += 1;
    return n;
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

  private observe(r: AttemptResult): void {
    const now = this.deps.now();
    const launched = this.launchedAt.get(r.callId) ?? now;
    const routedAt = r.liveAnswer ? (r.routedAt ?? now) : now;
    this.deps.pacer.observe({
      type: 'dial-resolved',
      now: now / 1000,
      routed: r.liveAnswer,
      delaySeconds: Math.max(0, (routedAt - launched) / 1000),
    });
    if (r.liveAnswer) this.ledger.record(now / 1000, r.abandoned);
    if (r.talkMs !== undefined) {
      this.deps.pacer.observe({
        type: 'handle',
        now: now / 1000,
        talkSeconds: r.talkMs / 1000,
        wrapSeconds: this.deps.wrapUpSec,
      });
    }
  }

  private record(r: AttemptResult): void {
    const m = this.deps.metrics;
    if (m) {
      const campaign = this.plan.campaignCode;
      m.callsEnded.inc({ campaign, outcome: r.outcome });
      if (r.liveAnswer) m.liveAnswers.inc({ campaign });
      if (r.abandoned) m.abandons.inc({ campaign });
      if (r.connectMs !== undefined) m.connectSeconds.observe({ campaign }, r.connectMs / 1000);
    }
    this.stats.outcomes[r.outcome] = (this.stats.outcomes[r.outcome] ?? 0) + 1;
    if (r.outcome === 'answered' || r.outcome === 'machine') this.stats.answered += 1;
    if (r.outcome === 'machine') this.stats.machines += 1;
    if (r.liveAnswer) this.stats.liveAnswers += 1;
    if (r.abandoned) this.stats.abandoned += 1;
    if (r.connectMs !== undefined) this.stats.connectMs.push(r.connectMs);
  }
}
