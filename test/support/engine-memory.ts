import type { AttemptResult, ClaimedAttempt, DialAttempt, GateRefusal } from '../../src/domain/attempt.js';
import { attemptId } from '../../src/domain/attempt-id.js';
import type { CallOutcome } from '../../src/domain/call-outcome.js';
import {
  CLAIMABLE_STATES,
  nextLead,
  type LeadEvent,
  type LeadLife,
  type LeadRules,
  type ScheduledCallEffect,
  type ScheduledCalls,
} from '../../src/domain/lead/lifecycle.js';
import type { AttemptLedger } from '../../src/ports/attempt-ledger.js';
import type { CallHistory, CallLog, CallPatch, NewCallRow, OpenCall } from '../../src/ports/call-log.js';
import type { Clock } from '../../src/ports/clock.js';

/** A call row in memory: the reserved row plus every patch, in order. */
export type MemoryCall = NewCallRow & CallPatch & { reserved_at: Date };

/** The `calls` table in memory (CallLog and CallHistory). */
export class MemoryCalls implements CallLog, CallHistory {
  readonly rows = new Map<string, MemoryCall>();

  constructor(private readonly clock: Clock) {}

  reserve(row: NewCallRow): Promise<boolean> {
    if (this.rows.has(row.id)) return Promise.resolve(false);
    this.rows.set(row.id, { ...row, reserved_at: new Date(this.clock.now()) });
    return Promise.resolve(true);
  }

  update(id: string, patch: CallPatch): Promise<void> {
    const row = this.rows.get(id);
    if (row) Object.assign(row, patch);
    return Promise.resolve();
  }

  open(campaignId: number): Promise<OpenCall[]> {
    const open = [...this.rows.values()].filter((r) => r.campaign_id === campaignId && !r.ended_at);
    return Promise.resolve(
      open.map((r) => ({
        id: r.id,
        leadId: r.lead_id,
        attempt: r.attempt,
        answeredAt: r.answered_at ?? null,
        bridgedAt: r.bridged_at ?? null,
        agentId: r.agent_id ?? null,
      })),
    );
  }

  endLost(id: string, outcome: CallOutcome, at: Date, failure: string): Promise<boolean> {
    const row = this.rows.get(id);
    if (!row || row.ended_at) return Promise.resolve(false);
    Object.assign(row, { ended_at: at, outcome, failure });
    return Promise.resolve(true);
  }

  liveAnswers(): Promise<{ at: Date; abandoned: boolean }[]> {
    return Promise.resolve([]);
  }

  pacerObservations(): Promise<never[]> {
    return Promise.resolve([]);
  }

  ofLead(leadId: number): MemoryCall[] {
    return [...this.rows.values()].filter((r) => r.lead_id === leadId).sort((a, b) => a.attempt - b.attempt);
  }
}

export interface MemoryLead {
  id: number;
  phone: string;
  life: LeadLife;
  assignedAgentId?: number;
  lastOutcome?: string;
}

export interface MemoryCallback {
  id: number;
  leadId: number;
  kind: 'callback' | 'second-confirmation';
  dueAt: Date;
  agentId: number | null;
  status: 'pending' | 'done' | 'missed';
  trialEndsAt: Date | null;
  extended: boolean;
  createdAt: Date;
  callId?: string;
}

/** A disposition given while its call may still be up (what the store's `dispositions` row keeps). */
export interface MemoryDisposition {
  callId: string;
  leadId: number;
  dnc: boolean;
  wrongParty: boolean;
}

/**
 * The attempt ledger in memory, built on the same lifecycle (`nextLead`) as the Postgres one: the
 * leads of one campaign, their scheduled calls and the second-confirmation audit trail.
 */
export class MemoryLedger implements AttemptLedger {
  readonly leads = new Map<number, MemoryLead>();
  readonly callbacks: MemoryCallback[] = [];
  readonly audit: { action: string; leadId: number; details: Record<string, unknown> }[] = [];
  readonly refusals: { leadId: number; reason: string }[] = [];
  readonly dispositions: MemoryDisposition[] = [];
  private serial = 0;

  constructor(
    readonly campaignId: number,
    private readonly rules: LeadRules,
    private readonly clock: Clock,
    private readonly calls: MemoryCalls,
  ) {}

  addLead(phone: string, o: { assignedAgentId?: number } = {}): number {
    const id = ++this.serial;
    this.leads.set(id, {
      id,
      phone,
      life: { status: 'new', attempts: 0, nextAttemptAt: null },
      ...o,
    });
    return id;
  }

  /** A callback or second confirmation (`callbacks` row) and its lead event. */
  schedule(
    leadId: number,
    c: Pick<MemoryCallback, 'kind' | 'dueAt'> & Partial<Pick<MemoryCallback, 'agentId' | 'trialEndsAt'>>,
  ): void {
    this.callbacks.push({
      id: ++this.serial,
      leadId,
      agentId: null,
      trialEndsAt: null,
      extended: false,
      status: 'pending',
      createdAt: new Date(this.clock.now()),
      ...c,
    });
    const type = c.kind === 'second-confirmation' ? 'confirmation-scheduled' : 'callback-scheduled';
    this.apply(leadId, undefined, { type, at: new Date(this.clock.now()), dueAt: c.dueAt });
  }

  lead(id: number): MemoryLead {
    const l = this.leads.get(id);
    if (!l) throw new Error(`no lead ${id}`);
    return l;
  }

  callbacksOf(leadId: number): MemoryCallback[] {
    return this.callbacks.filter((c) => c.leadId === leadId);
  }

  claim(limit: number, now: Date): Promise<ClaimedAttempt[]> {
    const out: ClaimedAttempt[] = [];
    CLAIMABLE_STATES.forEach((state, i) => {
      const due = [...this.leads.values()]
        .filter((l) => l.life.status === state && (!l.life.nextAttemptAt || l.life.nextAttemptAt <= now))
        .sort((a, b) => (a.life.nextAttemptAt?.getTime() ?? 0) - (b.life.nextAttemptAt?.getTime() ?? 0));
      for (const l of due) {
        if (out.length >= limit) return;
        l.life = nextLead(l.life, { type: 'claimed', at: now });
        out.push({ attempt: this.attemptOf(l), priority: i + 1 });
      }
    });
    return Promise.resolve(out);
  }

  stranded(): Promise<ClaimedAttempt[]> {
    return Promise.resolve([]);
  }

  refused(attempt: DialAttempt, refusal: GateRefusal, at: Date): Promise<void> {
    this.refusals.push({ leadId: attempt.leadId, reason: refusal.reason });
    const event: LeadEvent = {
      type: 'refused-by-gate',
      at,
      reason: refusal.reason,
      nextEligibleAt: refusal.nextEligibleAt,
    };
    this.apply(attempt.leadId, attempt.attempt, event);
    return Promise.resolve();
  }

  returned(attempts: readonly DialAttempt[], at: Date, nextAt?: Date): Promise<void> {
    for (const a of attempts) this.apply(a.leadId, a.attempt, { type: 'returned', at, nextAt });
    return Promise.resolve();
  }

  ended(result: AttemptResult, at: Date, how: 'finished' | 'orphaned'): Promise<void> {
    if (result.outcome === 'not-dialled') return Promise.resolve();
    const reservedAt = this.calls.rows.get(result.callId)?.reserved_at;
    const event: LeadEvent = {
      type: how,
      at,
      result: { ...result, outcome: result.outcome },
      rules: this.rules,
    };
    const applied = this.apply(result.leadId, result.attempt, event, result.callId, reservedAt);
    const d = this.dispositions.find((x) => x.callId === result.callId);
    if (applied && d)
      this.apply(result.leadId, undefined, { type: 'disposed', at, dnc: d.dnc, wrongParty: d.wrongParty });
    return Promise.resolve();
  }

  /** Applies one event as PgAttemptLedger does; false when the lifecycle or the attempt refuses it. */
  apply(
    leadId: number,
    attempt: number | undefined,
    event: LeadEvent,
    callId?: string,
    reservedAt?: Date,
  ): boolean {
    const lead = this.leads.get(leadId);
    if (!lead || (attempt !== undefined && lead.life.attempts !== attempt)) return false;
    const { calls, served } = this.scheduledCalls(leadId, event.at, reservedAt);
    let change;
    try {
      change = nextLead(lead.life, event, calls);
    } catch {
      return false;
    }
    lead.life = { status: change.status, attempts: change.attempts, nextAttemptAt: change.nextAttemptAt };
    if (change.attempted) lead.lastOutcome = change.attempted.outcome;
    if (change.scheduledCall && served) this.effect(served, change.scheduledCall, callId, event.at);
    return true;
  }

  private scheduledCalls(
    leadId: number,
    at: Date,
    reservedAt?: Date,
  ): { calls: ScheduledCalls; served?: MemoryCallback } {
    const pending = this.callbacksOf(leadId)
      .filter((c) => c.status === 'pending')
      .sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
    const served = pending.find((c) => c.dueAt <= at && (!reservedAt || c.createdAt <= reservedAt));
    const later = pending.find((c) => c !== served);
    const calls: ScheduledCalls = {};
    if (served) calls.served = served;
    if (later) calls.later = { dueAt: later.dueAt };
    return { calls, served };
  }

  private effect(cb: MemoryCallback, e: ScheduledCallEffect, callId: string | undefined, at: Date): void {
    const trail = (action: string, details: Record<string, unknown>) =>
      this.audit.push({ action, leadId: cb.leadId, details: { callbackId: cb.id, ...details } });
    if (e.kind === 'complete') {
      cb.status = 'done';
      cb.callId = callId;
      if (cb.kind === 'second-confirmation') trail('second-confirmation-reached', { callId });
      return;
    }
    cb.status = 'missed';
    if (e.kind === 'give-up') trail('second-confirmation-missed', { callId, chargeAllowed: false });
    if (e.kind !== 'extend') return;
    this.callbacks.push({
      ...cb,
      id: ++this.serial,
      status: 'pending',
      dueAt: e.next.dueAt,
      trialEndsAt: e.next.trialEndsAt,
      extended: true,
      createdAt: at,
    });
    trail('second-confirmation-extended', { callId, trialEndsAt: e.next.trialEndsAt });
  }

  private attemptOf(l: MemoryLead): DialAttempt {
    const owner =
      l.assignedAgentId ??
      this.callbacksOf(l.id).find((c) => c.status === 'pending' && c.agentId !== null)?.agentId ??
      undefined;
    const a: DialAttempt = {
      callId: attemptId(this.campaignId, l.id, l.life.attempts),
      campaignId: this.campaignId,
      leadId: l.id,
      attempt: l.life.attempts,
      phone: l.phone,
    };
    if (owner !== undefined) a.ownerAgentId = owner;
    return a;
  }
}
