import type { AgentState } from '../../src/domain/agent-state.js';
import type { ClaimedAttempt, DialAttempt, GateVerdict } from '../../src/domain/attempt.js';
import {
  scheduleSecondConfirmation,
  type SecondConfirmationPolicy,
} from '../../src/domain/campaign/second-confirmation.js';
import {
  checkDisposition,
  DispositionError,
  dispositionRequests,
  parseDisposition,
} from '../../src/domain/disposition.js';
import type { OfferView, PreviewOffer } from '../../src/domain/preview/offer.js';
import type { LeadOwnership } from '../../src/domain/preview/offer-rules.js';
import type { LeadAfterSkip, SkipRequest } from '../../src/domain/preview/skip-reasons.js';
import type { PacerObservation, Pacer, PacerDecision, PacerState } from '../../src/pacing/types.js';
import type { PbxDriver } from '../../src/pbx/pbx-driver.js';
import type { AgentStateSink } from '../../src/ports/agents.js';
import type { Clock } from '../../src/ports/clock.js';
import type { DispositionLog } from '../../src/ports/dispositions.js';
import type { GatePort } from '../../src/ports/gate.js';
import type { HopperPort, LeasePort } from '../../src/ports/hopper.js';
import type { OfferStore, OfferViews } from '../../src/ports/preview.js';
import type {
  ArchivedRecording,
  ArchiveRequest,
  RecordingArchive,
  RecordingLog,
  RecordingRecovery,
} from '../../src/ports/recordings.js';
import type { SurveyLog } from '../../src/ports/surveys.js';
import type { MemoryCalls, MemoryLedger } from './engine-memory.js';

const done = Promise.resolve();

/** The hopper in memory: priority order, one job per attempt id. */
export class MemoryHopper implements HopperPort {
  private queue: ClaimedAttempt[] = [];

  add(attempts: readonly ClaimedAttempt[]): Promise<void> {
    for (const a of attempts)
      if (!this.queue.some((q) => q.attempt.callId === a.attempt.callId)) this.queue.push(a);
    this.queue.sort((a, b) => a.priority - b.priority);
    return done;
  }
  take(): Promise<DialAttempt | undefined> {
    return Promise.resolve(this.queue.shift()?.attempt);
  }
  async takeMany(n: number): Promise<DialAttempt[]> {
    const out: DialAttempt[] = [];
    for (let i = 0; i < n; i++) {
      const a = await this.take();
      if (a) out.push(a);
    }
    return out;
  }
  size(): Promise<number> {
    return Promise.resolve(this.queue.length);
  }
  drain(): Promise<DialAttempt[]> {
    const all = this.queue.map((q) => q.attempt);
    this.queue = [];
    return Promise.resolve(all);
  }
  close(): Promise<void> {
    return done;
  }
}

/** A lease this process holds until told otherwise. */
export class HeldLease implements LeasePort {
  isHeld = true;
  start(): void {}
  stop(): Promise<void> {
    this.isHeld = false;
    return done;
  }
}

/** Allows every attempt unless a verdict is set for its lead. */
export class ScriptedGate implements GatePort {
  readonly verdicts = new Map<number, GateVerdict>();
  check(attempt: { leadId: number }): Promise<GateVerdict> {
    return Promise.resolve(this.verdicts.get(attempt.leadId) ?? { allowed: true });
  }
}

/** Starts exactly the lines a test asks for (`dial(n)`), as the trunk allows. */
export class ScriptedPacer implements Pacer {
  readonly name = 'scripted';
  private want = 0;
  /** Every observation the engine fed it, in order, with the clock's time in `now`. */
  readonly observed: PacerObservation[] = [];
  dial(n: number): void {
    this.want += n;
  }
  observe(o: PacerObservation): void {
    this.observed.push(o);
  }
  decide(s: PacerState): PacerDecision {
    const lines = Math.min(this.want, s.trunkFreeLines);
    this.want -= lines;
    return { lines, reason: 'test', inputs: {} };
  }
}

export class MemoryRecordings implements RecordingLog {
  readonly rows = new Map<string, { callId: string; status: string; failure?: string }>();
  started(callId: string, pbxName: string): Promise<void> {
    this.rows.set(pbxName, { callId, status: 'recording' });
    return done;
  }
  finished(pbxName: string): Promise<void> {
    return this.set(pbxName, 'finished');
  }
  archived(pbxName: string): Promise<void> {
    return this.set(pbxName, 'archived');
  }
  spoolDeleted(): Promise<void> {
    return done;
  }
  failed(pbxName: string, failure: string): Promise<void> {
    const r = this.rows.get(pbxName);
    if (r) Object.assign(r, { status: 'failed', failure });
    return done;
  }
  private set(pbxName: string, status: string): Promise<void> {
    const r = this.rows.get(pbxName);
    if (r) r.status = status;
    return done;
  }
}

/** Archives without a disk: the request is kept, the row told it is archived. */
export class MemoryArchive implements RecordingArchive, RecordingRecovery {
  readonly archived: ArchiveRequest[] = [];
  async archive(
    _pbx: PbxDriver,
    request: ArchiveRequest,
    persist: (a: ArchivedRecording) => Promise<void>,
  ): Promise<ArchivedRecording> {
    const a = { path: `/archive/${request.callId}.wav`, sha256: 'x', bytes: 44, durationSec: 0 };
    this.archived.push(request);
    await persist(a);
    return a;
  }
  recover(): Promise<void> {
    return done;
  }
}

export class MemoryAgentStates implements AgentStateSink {
  readonly states: { agentId: number; state: AgentState; callId?: string; at: Date }[] = [];
  private sessions = 0;
  startSession(): Promise<number> {
    return Promise.resolve(++this.sessions);
  }
  endSession(): Promise<void> {
    return done;
  }
  recordState(e: { agentId: number; state: AgentState; callId?: string; at: Date }): Promise<void> {
    this.states.push(e);
    return done;
  }
}

export const noSurveys: SurveyLog = {
  started: () => done,
  answer: () => done,
  finished: () => done,
};

/** Preview offers in memory: one open offer per lead and per agent; closing one moves its lead. */
export class MemoryOffers implements OfferStore, OfferViews {
  readonly offers: (PreviewOffer & { reason?: string })[] = [];

  constructor(
    private readonly ledger: MemoryLedger,
    private readonly clock: Clock,
  ) {}

  create(o: { attempt: DialAttempt; agentId: number; at: Date; autoDialAt: Date | null }) {
    const open = this.offers.filter((x) => x.status === 'offered');
    if (open.some((x) => x.leadId === o.attempt.leadId || x.agentId === o.agentId))
      return Promise.resolve(undefined);
    const offer: PreviewOffer = {
      id: this.offers.length + 1,
      campaignId: o.attempt.campaignId,
      leadId: o.attempt.leadId,
      attempt: o.attempt.attempt,
      callId: o.attempt.callId,
      phone: o.attempt.phone,
      agentId: o.agentId,
      status: 'offered',
      offeredAt: o.at,
      autoDialAt: o.autoDialAt,
    };
    this.offers.push(offer);
    return Promise.resolve(offer);
  }
  openOffers(): Promise<PreviewOffer[]> {
    return Promise.resolve(this.offers.filter((x) => x.status === 'offered'));
  }
  leadHasOpenOffer(leadId: number): Promise<boolean> {
    return Promise.resolve(this.offers.some((x) => x.leadId === leadId && x.status === 'offered'));
  }
  ownership(leadId: number): Promise<LeadOwnership> {
    const lead = this.ledger.lead(leadId);
    const cb = this.ledger.callbacksOf(leadId).find((c) => c.status === 'pending' && c.agentId !== null);
    return Promise.resolve({
      assignedAgentId: lead.assignedAgentId ?? null,
      callbackOwnerId: cb?.agentId ?? null,
    });
  }
  reattach(offerId: number, autoDialAt: Date | null): Promise<boolean> {
    const o = this.open(offerId);
    if (o) o.autoDialAt = autoDialAt;
    return Promise.resolve(o !== undefined);
  }
  markDialled(offerId: number): Promise<boolean> {
    return Promise.resolve(this.close(offerId, 'dialled'));
  }
  markRefused(offerId: number, reason: string): Promise<boolean> {
    return Promise.resolve(this.close(offerId, 'refused', reason));
  }
  skip(offer: PreviewOffer, request: SkipRequest, step: LeadAfterSkip, at: Date): Promise<boolean> {
    if (!this.close(offer.id, 'skipped', request.reason)) return Promise.resolve(false);
    const event =
      step.kind === 'close'
        ? ({ type: 'skipped', at, close: true } as const)
        : ({ type: 'skipped', at, close: false, nextAt: step.at } as const);
    this.ledger.apply(offer.leadId, offer.attempt, event);
    return Promise.resolve(true);
  }
  returnOffer(offer: PreviewOffer, reason: string, at: Date): Promise<boolean> {
    if (!this.close(offer.id, 'returned', reason)) return Promise.resolve(false);
    this.ledger.apply(offer.leadId, offer.attempt, { type: 'returned', at });
    return Promise.resolve(true);
  }
  load(offer: PreviewOffer): Promise<OfferView> {
    const now = new Date(this.clock.now()).toISOString();
    return Promise.resolve({
      offerId: offer.id,
      callId: offer.callId,
      attempt: offer.attempt,
      offeredAt: offer.offeredAt.toISOString(),
      autoDialAt: offer.autoDialAt?.toISOString() ?? null,
      lead: {
        id: offer.leadId,
        phone: offer.phone,
        name: null,
        attributes: {},
        timezone: 'UTC',
        timezoneSource: 'explicit',
        localTime: now,
        localTimeText: now,
      },
      campaign: { id: offer.campaignId, code: 'unit', name: 'Unit', purpose: 'care', script: null },
      callbacks: [],
      history: [],
      earlierOffers: [],
      skipReasons: [],
    });
  }
  private open(offerId: number) {
    return this.offers.find((x) => x.id === offerId && x.status === 'offered');
  }
  private close(offerId: number, status: PreviewOffer['status'], reason?: string): boolean {
    const o = this.open(offerId);
    if (!o) return false;
    o.status = status;
    o.reason = reason;
    return true;
  }
}

/** Dispositions in memory, applied to the lead as store/dispositions.ts does (same domain rules). */
export class MemoryDispositions implements DispositionLog {
  readonly given = new Map<string, unknown>();

  constructor(
    private readonly ledger: MemoryLedger,
    private readonly calls: MemoryCalls,
    private readonly policy: SecondConfirmationPolicy,
  ) {}

  submit(callId: string, agentId: number, raw: unknown, now: Date): Promise<{ id: number }> {
    const d = parseDisposition(raw);
    const call = this.calls.rows.get(callId);
    if (!call) throw new DispositionError(`call ${callId} does not exist`, 404);
    checkDisposition(d, { id: callId, agentId: call.agent_id ?? null, extraCodes: [] }, agentId, now);
    if (this.given.has(callId)) throw new DispositionError(`call ${callId} already has a disposition`, 409);
    this.given.set(callId, d);
    const asks = dispositionRequests(d);
    const leadId = call.lead_id;
    this.ledger.dispositions.push({ callId, leadId, dnc: asks.dnc, wrongParty: asks.wrongParty });
    this.ledger.apply(leadId, undefined, {
      type: 'disposed',
      at: now,
      dnc: asks.dnc,
      wrongParty: asks.wrongParty,
    });
    if (asks.callbackAt) {
      const owner = d.callbackOwner === 'agent' ? agentId : null;
      this.ledger.schedule(leadId, { kind: 'callback', dueAt: asks.callbackAt, agentId: owner });
    }
    if (asks.trialEndsAt) {
      const s = scheduleSecondConfirmation(asks.trialEndsAt, now, this.policy);
      this.ledger.schedule(leadId, {
        kind: 'second-confirmation',
        dueAt: s.dueAt,
        trialEndsAt: s.trialEndsAt,
      });
    }
    return Promise.resolve({ id: this.given.size });
  }
}
