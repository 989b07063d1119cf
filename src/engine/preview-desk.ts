import type { AgentState } from '../domain/agent-state.js';
import type { DialAttempt, GateVerdict } from '../domain/attempt.js';
import type { PreviewSettings } from '../domain/campaign/engine-settings.js';
import type { OfferView, PreviewOffer } from '../domain/preview/offer.js';
import {
  autoDialAt,
  heldOfferValid,
  leadOwner,
  offerTarget,
  recoveredOfferStep,
  type OwnerAvailability,
} from '../domain/preview/offer-rules.js';
import { leadAfterSkip, parseSkip } from '../domain/preview/skip-reasons.js';
import type { PbxHealth } from '../pbx/pbx-driver.js';
import type { Logger } from '../logger.js';
import type { AttemptLedger } from '../ports/attempt-ledger.js';
import type { Clock } from '../ports/clock.js';
import type { GatePort } from '../ports/gate.js';
import type { TrunkSlots } from '../ports/hopper.js';
import type { OfferStore, OfferViews } from '../ports/preview.js';
import type { AgentPool, AgentSession } from './agent-pool.js';
import { PreviewError } from './errors.js';
import { KeyedLock, Waiters } from './keyed-lock.js';

/** Dials an attempt for an agent the desk already reserved for it (implemented by CampaignRunner). */
export interface ReservedLauncher {
  launchReserved(attempt: DialAttempt, agent: AgentSession): void;
}

export interface PreviewDeskDeps {
  campaignId: number;
  store: OfferStore;
  /** The campaign's hopper: callbacks due, then retries, then fresh leads. */
  hopper: { take(): Promise<DialAttempt | undefined> };
  gate: GatePort;
  agents: AgentPool;
  trunk: TrunkSlots;
  lease: { readonly isHeld: boolean };
  /** The campaign's PBX: a dial while it does not answer is refused (503), the offer kept. */
  pbx?: { health(): Promise<PbxHealth> };
  ledger: AttemptLedger;
  launcher: ReservedLauncher;
  views: OfferViews;
  logger: Logger;
  clock: Clock;
}

/** Attempts one agent's turn may take off the hopper (leads refused or held for their owner). */
const TAKES_PER_TURN = 10;

/**
 * The preview desk of one campaign. For each ready agent it takes the next attempt off the
 * hopper, runs the compliance gate, finds whom the lead may go to (a confidential assignment or
 * an agent-owned callback goes to its owner only), reserves that agent and stores the offer in
 * Postgres, where a lead has at most one open offer and an agent one per campaign. The agent
 * then dials (the gate is asked again), skips with a reason, or — when the campaign sets
 * `previewSeconds` — the offer dials by itself. Pausing or logging out gives the lead back; offers left open by a dead process
 * go back to their agent when they log in again, or to the list.
 *
 * Every action on one agent's offer runs under that agent's lock, so a click, the auto-dial, a
 * skip and a logout happen one after the other; the store's conditional updates settle any race
 * that memory cannot see (another process).
 */
export class PreviewDesk {
  /** Agent id → the open offer they are reserved for. */
  private readonly held = new Map<number, PreviewOffer>();
  /** Agent id → an open offer found in the database that no agent holds here (after a restart). */
  private readonly orphans = new Map<number, { offer: PreviewOffer; holdUntil: number }>();
  private readonly lock = new KeyedLock<number>();
  private readonly waiters: Waiters<number>;
  private hopperEmpty = false;
  private stopped = false;
  private readonly log: Logger;

  constructor(
    private readonly deps: PreviewDeskDeps,
    private readonly settings: PreviewSettings,
  ) {
    this.log = deps.logger.child({ component: 'preview' });
    this.waiters = new Waiters<number>(deps.clock);
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** One round, while this process holds the campaign's lease (called by the runner's tick). */
  async tick(takeover: boolean): Promise<void> {
    if (this.stopped) return;
    if (takeover) await this.adopt();
    await this.sweep();
    await this.fill();
  }

  /**
   * The agent's current offer with the record to read. An agent who is ready and holds none gets
   * one at once if the hopper has a lead for them; otherwise this waits up to `waitMs` for one.
   */
  async current(
    agentId: number,
    waitMs: number,
  ): Promise<{ offer: OfferView | null; agentState: AgentState }> {
    const s = this.deps.agents.get(agentId);
    if (!s) return { offer: null, agentState: 'logged-out' };
    let offer = this.held.get(agentId);
    if (!offer && s.status.state === 'ready' && this.deps.lease.isHeld && !this.stopped) {
      await this.lock.run(agentId, () => this.ensureOffer(s));
      offer = this.held.get(agentId);
    }
    if (!offer && waitMs > 0) {
      await this.waiters.wait(agentId, waitMs);
      offer = this.held.get(agentId);
    }
    const now = new Date(this.now());
    return { offer: offer ? await this.deps.views.load(offer, now) : null, agentState: s.status.state };
  }

  /** The agent dials the offered lead: the gate decides once more, then the call goes out. */
  dial(agentId: number, offerId: number): Promise<{ offerId: number; callId: string }> {
    return this.lock.run(agentId, () => this.dialHeld(agentId, offerId));
  }

  /** The agent skips the offered lead with a reason; the lead goes back or is closed by the reason. */
  skip(
    agentId: number,
    body: unknown,
    actor?: string,
  ): Promise<{ offerId: number; callId: string; reason: string; nextAttemptAt: string | null }> {
    const parsed = parseSkip(body);
    if (!parsed.ok) return Promise.reject(new PreviewError(parsed.message, 400));
    const request = parsed.value;
    return this.lock.run(agentId, async () => {
      const offer = this.heldOffer(agentId, request.offerId);
      const at = new Date(this.now());
      const step = leadAfterSkip(request.reason, at, this.settings.previewSkipRetryMinutes);
      const done = await this.deps.store.skip(offer, request, step, at, actor);
      this.forget(agentId, offer);
      if (!done) throw new PreviewError(`offerId: offer ${offer.id} is no longer open`, 409);
      this.log.info({ callId: offer.callId, reason: request.reason }, 'offer skipped');
      return {
        offerId: offer.id,
        callId: offer.callId,
        reason: request.reason,
        nextAttemptAt: step.kind === 'later' ? step.at.toISOString() : null,
      };
    });
  }

  /** Pauses the agent; an offer they hold goes back to the list first. */
  pause(agentId: number, code: string): Promise<void> {
    return this.lock.run(agentId, async () => {
      await this.withdraw(agentId, 'agent paused');
      await this.deps.agents.pause(agentId, code);
    });
  }

  /** Logs the agent out; an offer they hold (or one waiting for them) goes back to the list. */
  logout(agentId: number): Promise<void> {
    return this.lock.run(agentId, async () => {
      await this.withdraw(agentId, 'agent logged out');
      await this.returnOrphan(agentId, 'agent logged out');
      await this.deps.agents.logout(agentId);
    });
  }

  /** The campaign stops here: every open offer goes back to the list. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const agentId of [...this.held.keys()])
      await this.lock.run(agentId, () => this.withdraw(agentId, 'campaign stopped'));
    for (const agentId of [...this.orphans.keys()])
      await this.lock.run(agentId, () => this.returnOrphan(agentId, 'campaign stopped'));
    this.waiters.wakeAll();
  }

  /** Open offers in the database that nobody here holds: their process died. */
  private async adopt(): Promise<void> {
    const mine = new Set([...this.held.values()].map((o) => o.id));
    const holdUntil = this.now() + this.settings.previewHoldSec * 1000;
    let adopted = 0;
    for (const offer of await this.deps.store.openOffers(this.deps.campaignId)) {
      if (mine.has(offer.id) || this.orphans.has(offer.agentId)) continue;
      this.orphans.set(offer.agentId, { offer, holdUntil });
      adopted += 1;
    }
    if (adopted > 0) this.log.warn({ adopted }, 'open offers of a lost process kept for their agents');
  }

  /** Gives back offers whose agent went away, dials those due, settles recovered ones. */
  private async sweep(): Promise<void> {
    const now = this.now();
    for (const [agentId, offer] of [...this.held]) {
      if (this.lock.busy(agentId)) continue;
      const s = this.deps.agents.get(agentId);
      if (!heldOfferValid(s && { state: s.status.state, callId: s.callId }, offer.callId)) {
        await this.lock.run(agentId, () => this.withdraw(agentId, `agent ${s?.status.state ?? 'gone'}`));
      } else if (offer.autoDialAt && offer.autoDialAt.getTime() <= now) {
        await this.lock
          .run(agentId, () => this.dialHeld(agentId, offer.id))
          .catch((err: unknown) => this.autoDialFailed(offer, err));
      }
    }
    for (const [agentId, { holdUntil }] of [...this.orphans]) {
      if (this.lock.busy(agentId)) continue;
      const step = recoveredOfferStep(this.deps.agents.get(agentId)?.status.state, now, holdUntil);
      if (step === 'reattach') await this.lock.run(agentId, () => this.reattach(agentId));
      if (step === 'return') await this.lock.run(agentId, () => this.returnOrphan(agentId, 'agent away'));
    }
  }

  /** An offer for every ready agent holding none, longest idle first, while the hopper has leads. */
  private async fill(): Promise<void> {
    this.hopperEmpty = false;
    const ready = this.deps.agents
      .all()
      .filter((s) => s.status.state === 'ready' && !this.held.has(s.agent.id) && !this.lock.busy(s.agent.id))
      .sort((a, b) => a.since - b.since);
    for (const s of ready) {
      if (this.hopperEmpty || this.stopped) return;
      await this.lock.run(s.agent.id, () => this.ensureOffer(s));
    }
  }

  /** Under the agent's lock: the offer they hold, or a new one. */
  private async ensureOffer(s: AgentSession): Promise<void> {
    const id = s.agent.id;
    if (this.held.has(id) || s.status.state !== 'ready' || this.stopped) return;
    if (this.orphans.has(id)) return void (await this.reattach(id));
    for (let i = 0; i < TAKES_PER_TURN; i++) {
      const attempt = await this.deps.hopper.take();
      if (!attempt) {
        this.hopperEmpty = true;
        return;
      }
      await this.place(attempt, s);
      if (this.held.has(id) || s.status.state !== 'ready') return;
    }
  }

  /** One attempt off the hopper: refused by the gate, held for its owner, or offered. */
  private async place(attempt: DialAttempt, candidate: AgentSession): Promise<void> {
    const at = new Date(this.now());
    const verdict = await this.deps.gate.check(attempt, at);
    if (!verdict.allowed) return this.refused(attempt, verdict, at);
    const owner = leadOwner(await this.deps.store.ownership(attempt.leadId));
    const target = offerTarget(owner, candidate.agent.id, this.availability(owner));
    if (target.kind === 'hold') {
      await this.deps.ledger.returned([attempt], at, new Date(at.getTime() + target.retryInMs));
      this.log.info(
        { callId: attempt.callId, owner, why: target.why },
        'lead kept for the agent who owns it',
      );
      return;
    }
    const agent = target.agentId === candidate.agent.id ? candidate : this.deps.agents.get(target.agentId);
    if (agent) await this.offer(agent, attempt, at);
    else await this.deps.ledger.returned([attempt], at, at);
  }

  private availability(owner: number | null): OwnerAvailability {
    if (owner === null) return 'free';
    const s = this.deps.agents.get(owner);
    if (!s || s.status.state === 'logged-out') return 'absent';
    // Ready is enough even if the owner's own turn is running: reserving them is synchronous,
    // so their turn finds them reserved and gives its own lead back.
    return s.status.state === 'ready' && !this.held.has(owner) ? 'free' : 'busy';
  }

  /** Reserves the agent (at once, so nothing else can), then stores the offer. */
  private async offer(agent: AgentSession, attempt: DialAttempt, at: Date): Promise<void> {
    if (!this.deps.agents.reserve(agent, attempt.callId)) {
      await this.deps.ledger.returned([attempt], at, at);
      return;
    }
    let row: PreviewOffer | undefined;
    try {
      const auto = autoDialAt(at, this.settings.previewSeconds);
      row = await this.deps.store.create({ attempt, agentId: agent.agent.id, at, autoDialAt: auto });
    } catch (err) {
      // The lead stays `dialling` with no call row: the runner's sweep queues it again.
      this.deps.agents.release(agent);
      throw err;
    }
    if (!row) {
      this.deps.agents.release(agent);
      if (await this.deps.store.leadHasOpenOffer(attempt.leadId))
        this.log.warn({ callId: attempt.callId }, 'lead is already offered to an agent; not offered again');
      else await this.deps.ledger.returned([attempt], at, at);
      return;
    }
    this.held.set(agent.agent.id, row);
    this.waiters.wake(agent.agent.id);
    this.log.info({ callId: row.callId, agent: agent.agent.username, offerId: row.id }, 'lead offered');
  }

  /** Under the agent's lock: gate, a trunk line, the offer marked dialled, then the call. */
  private async dialHeld(agentId: number, offerId: number): Promise<{ offerId: number; callId: string }> {
    const offer = this.heldOffer(agentId, offerId);
    if (!this.deps.lease.isHeld)
      throw new PreviewError('this process does not hold the campaign lease now; try again', 503);
    const session = this.deps.agents.get(agentId);
    if (!session) throw new PreviewError(`agent ${agentId} is not logged in here`, 409);
    const health = await this.deps.pbx?.health();
    if (health && !health.ok)
      throw new PreviewError(
        `the PBX does not answer now (${health.detail}); the lead stays offered, try again`,
        503,
      );
    const attempt = attemptOf(offer);
    const at = new Date(this.now());
    const verdict = await this.deps.gate.check(attempt, at);
    if (!verdict.allowed) {
      if (await this.deps.store.markRefused(offer.id, verdict.reason, at))
        await this.refused(attempt, verdict, at);
      this.forget(agentId, offer);
      throw new PreviewError(`the compliance gate refuses this lead now: ${verdict.reason}`, 409, {
        reason: verdict.reason,
      });
    }
    if (!this.deps.trunk.tryAcquire())
      throw new PreviewError(`no free line on trunk ${this.deps.trunk.name} now; try again`, 503);
    if (!(await this.deps.store.markDialled(offer.id, at))) {
      this.deps.trunk.release();
      this.forget(agentId, offer);
      throw new PreviewError(`offerId: offer ${offer.id} is no longer open`, 409);
    }
    this.held.delete(agentId);
    this.deps.launcher.launchReserved(attempt, session);
    this.log.info({ callId: offer.callId, agent: session.agent.username }, 'offered lead dialled');
    return { offerId: offer.id, callId: offer.callId };
  }

  private autoDialFailed(offer: PreviewOffer, err: unknown): void {
    if (err instanceof PreviewError && err.status === 503) return; // no line yet: next tick
    if (err instanceof PreviewError) this.log.info({ callId: offer.callId, err: err.message }, 'auto-dial');
    else this.log.error({ err, callId: offer.callId }, 'auto-dial failed');
  }

  private heldOffer(agentId: number, offerId: number): PreviewOffer {
    const offer = this.held.get(agentId);
    if (!offer) throw new PreviewError(`offerId: agent holds no offer now`, 409);
    if (offer.id !== offerId)
      throw new PreviewError(`offerId: ${offerId} is not the agent's current offer (${offer.id} is)`, 409);
    return offer;
  }

  /** Under the agent's lock: their offer goes back to the list, the agent is free again. */
  private async withdraw(agentId: number, reason: string): Promise<void> {
    const offer = this.held.get(agentId);
    if (!offer) return;
    const at = new Date(this.now());
    await this.deps.store.returnOffer(offer, reason, at);
    this.forget(agentId, offer);
    this.log.info({ callId: offer.callId, reason }, 'offer returned to the list');
  }

  /** Under the agent's lock: a recovered offer goes back to its agent, with its record. */
  private async reattach(agentId: number): Promise<void> {
    const o = this.orphans.get(agentId);
    const s = this.deps.agents.get(agentId);
    if (!o || !s || !this.deps.agents.reserve(s, o.offer.callId)) return;
    const auto = autoDialAt(new Date(this.now()), this.settings.previewSeconds);
    let ok = false;
    try {
      ok = await this.deps.store.reattach(o.offer.id, auto);
    } finally {
      if (!ok) this.deps.agents.release(s);
    }
    this.orphans.delete(agentId);
    if (!ok) return;
    this.held.set(agentId, { ...o.offer, autoDialAt: auto });
    this.waiters.wake(agentId);
    this.log.info(
      { callId: o.offer.callId, agent: s.agent.username },
      'offer from before the restart given back',
    );
  }

  private async returnOrphan(agentId: number, reason: string): Promise<void> {
    const o = this.orphans.get(agentId);
    if (!o) return;
    await this.deps.store.returnOffer(o.offer, reason, new Date(this.now()));
    this.orphans.delete(agentId);
    this.log.info({ callId: o.offer.callId, reason }, 'recovered offer returned to the list');
  }

  /** The gate refused: the lead's next step from the refusal (DNC ends it, a window waits). */
  private async refused(attempt: DialAttempt, verdict: GateVerdict, at: Date): Promise<void> {
    if (verdict.allowed) return;
    await this.deps.ledger.refused(attempt, verdict, at);
    this.log.info({ callId: attempt.callId, reason: verdict.reason }, 'gate refused the lead');
  }

  private forget(agentId: number, offer: PreviewOffer): void {
    if (this.held.get(agentId)?.id === offer.id) this.held.delete(agentId);
    const s = this.deps.agents.get(agentId);
    if (s && heldOfferValid({ state: s.status.state, callId: s.callId }, offer.callId))
      this.deps.agents.release(s);
  }
}

function attemptOf(o: PreviewOffer): DialAttempt {
  return { callId: o.callId, campaignId: o.campaignId, leadId: o.leadId, attempt: o.attempt, phone: o.phone };
}
