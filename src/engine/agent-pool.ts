import { EventEmitter } from 'node:events';
import {
  nextAgentStatus,
  PAUSE_PHONE_DROPPED,
  type AgentEvent,
  type AgentState,
  type AgentStatus,
} from '../domain/agent-state.js';
import type { Logger } from '../logger.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import type { AgentStateSink } from '../ports/agents.js';
import type { Clock } from '../ports/clock.js';
import type { EventRouter } from './event-router.js';

/** Why a session a dead process left open was ended (`agent_sessions.end_reason`). */
export const LOST_SESSION = 'its dialler process was lost';

export interface AgentIdentity {
  id: number;
  username: string;
  /** What the PBX dials to reach the softphone, e.g. `PJSIP/agent1`. */
  endpoint: string;
}

export type { AgentStateSink } from '../ports/agents.js';

export interface AgentSession {
  readonly agent: AgentIdentity;
  readonly legId: string;
  readonly bridgeId: string;
  sessionId?: number;
  status: AgentStatus;
  /** When the current state began (ms since epoch); the longest-idle agent gets the next call. */
  since: number;
  callId?: string;
  wrapUpTimer?: unknown;
}

export interface AgentPoolOptions {
  campaignId: number;
  wrapUpSec: number;
  /** How long to wait for the softphone to answer the login call. */
  loginTimeoutSec: number;
  clock: Clock;
}

/**
 * The agents logged into one campaign. Each agent's softphone is called once at login and parked
 * in the agent's own bridge for the whole session; a customer is *added* to that bridge, so no
 * agent phone rings per call. Emits `ready` whenever an agent becomes free.
 */
export class AgentPool extends EventEmitter<{ ready: [AgentSession] }> {
  private readonly sessions = new Map<number, AgentSession>();
  private readonly writes = new WeakMap<AgentSession, Promise<void>>();

  constructor(
    private readonly pbx: PbxDriver,
    private readonly router: EventRouter,
    private readonly sink: AgentStateSink,
    private readonly logger: Logger,
    private readonly options: AgentPoolOptions,
  ) {
    super();
    // Every customer waiting for an agent listens for 'ready' (first come, first served, in
    // listener order); a busy predictive campaign has more than the default ten.
    this.setMaxListeners(0);
  }

  private now(): number {
    return this.options.clock.now();
  }

  all(): AgentSession[] {
    return [...this.sessions.values()];
  }

  count(state: AgentState): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.status.state === state) n += 1;
    return n;
  }

  /** Calls the agent's softphone and parks it in the agent's bridge; resolves when ready. */
  async login(agent: AgentIdentity): Promise<AgentSession> {
    const existing = this.sessions.get(agent.id);
    if (existing && existing.status.state !== 'logged-out') return existing;
    const stamp = this.now().toString(36);
    const session: AgentSession = {
      agent,
      legId: `agent-${agent.id}-${stamp}`,
      bridgeId: `agent-${agent.id}-${stamp}`,
      status: { state: 'logged-out' },
      since: this.now(),
    };
    this.sessions.set(agent.id, session);
    await this.endLostSessions(agent.id);
    const answered = new Promise<void>((resolve, reject) => {
      this.router.onCall(session.legId, (e) => {
        if (e.type === 'answered') resolve();
        if (e.type === 'hangup') {
          reject(new Error(`agent ${agent.username}'s phone did not answer (${e.causeText})`));
          void this.legDropped(session);
        }
      });
    });
    await this.pbx.createBridge(session.bridgeId);
    await this.pbx.originate({
      callId: session.legId,
      endpoint: agent.endpoint,
      timeoutSec: this.options.loginTimeoutSec,
      callerId: { name: 'Dialer', number: 'dialer' },
      variables: { DIALER_ROLE: 'agent' },
    });
    await answered;
    await this.pbx.addToBridge(session.bridgeId, session.legId);
    session.sessionId = await this.sink.startSession(
      agent.id,
      agent.endpoint,
      session.legId,
      session.bridgeId,
    );
    await this.apply(session, { type: 'login' });
    return session;
  }

  /** Sessions of this agent a dead process left open: their phone leg and bridge are hung up. */
  private async endLostSessions(agentId: number): Promise<void> {
    for (const lost of (await this.sink.lostSessions?.(agentId)) ?? []) {
      if (lost.legId) await this.pbx.hangup(lost.legId).catch(() => undefined);
      if (lost.bridgeId) await this.pbx.destroyBridge(lost.bridgeId).catch(() => undefined);
      await this.sink.endSession(lost.id, LOST_SESSION);
      this.logger.warn(
        { agentId, sessionId: lost.id },
        'ended an agent session left by a lost dialler process',
      );
    }
  }

  async logout(agentId: number, reason = 'logout'): Promise<void> {
    const s = this.sessions.get(agentId);
    if (!s || s.status.state === 'logged-out') return;
    this.options.clock.clearTimeout(s.wrapUpTimer);
    await this.apply(s, { type: 'logout' });
    if (s.sessionId !== undefined) await this.sink.endSession(s.sessionId, reason);
    await this.pbx.hangup(s.legId);
    await this.pbx.destroyBridge(s.bridgeId);
  }

  async pause(agentId: number, code: string): Promise<void> {
    const s = this.require(agentId);
    await this.apply(s, { type: 'pause', code });
  }

  async resume(agentId: number): Promise<void> {
    await this.apply(this.require(agentId), { type: 'resume' });
  }

  /** The session of one agent, if they logged in here (it may be logged out since). */
  get(agentId: number): AgentSession | undefined {
    return this.sessions.get(agentId);
  }

  /** Reserves this agent for an attempt (preview: the lead offered to them); false unless ready. */
  reserve(session: AgentSession, callId: string): boolean {
    if (session.status.state !== 'ready') return false;
    session.callId = callId;
    void this.apply(session, { type: 'reserve' });
    return true;
  }

  /** Reserves the longest-idle ready agent for a call, or returns undefined. */
  reserveNext(callId: string): AgentSession | undefined {
    let best: AgentSession | undefined;
    for (const s of this.sessions.values()) {
      if (s.status.state === 'ready' && (!best || s.since < best.since)) best = s;
    }
    if (!best) return undefined;
    best.callId = callId;
    void this.apply(best, { type: 'reserve' });
    return best;
  }

  release(session: AgentSession): void {
    if (session.status.state !== 'reserved') return;
    session.callId = undefined;
    void this.apply(session, { type: 'release' });
  }

  connected(session: AgentSession, callId: string): void {
    session.callId = callId;
    void this.apply(session, { type: 'connect' });
  }

  /** The customer left: wrap-up, then ready again after the configured time unless disposed. */
  customerGone(session: AgentSession): void {
    if (session.status.state !== 'on-call') return;
    void this.apply(session, { type: 'hangup' });
    session.wrapUpTimer = this.options.clock.setTimeout(() => {
      if (session.status.state === 'wrap-up') void this.apply(session, { type: 'wrap-up-timeout' });
    }, this.options.wrapUpSec * 1000);
  }

  disposed(agentId: number): void {
    const s = this.sessions.get(agentId);
    if (s?.status.state !== 'wrap-up') return;
    this.options.clock.clearTimeout(s.wrapUpTimer);
    void this.apply(s, { type: 'disposition' });
  }

  async close(): Promise<void> {
    for (const s of this.sessions.values()) await this.logout(s.agent.id, 'shutdown');
  }

  private require(agentId: number): AgentSession {
    const s = this.sessions.get(agentId);
    if (!s) throw new Error(`agent ${agentId} is not logged in`);
    return s;
  }

  private async legDropped(session: AgentSession): Promise<void> {
    if (session.status.state === 'logged-out') return;
    this.logger.warn({ agent: session.agent.username }, 'agent phone leg dropped; agent paused');
    this.options.clock.clearTimeout(session.wrapUpTimer);
    await this.apply(session, { type: 'leg-dropped' });
    await this.apply(session, { type: 'logout' });
    if (session.sessionId !== undefined) await this.sink.endSession(session.sessionId, PAUSE_PHONE_DROPPED);
    await this.pbx.destroyBridge(session.bridgeId).catch(() => undefined);
  }

  private async apply(session: AgentSession, event: AgentEvent): Promise<void> {
    const before = session.status.state;
    session.status = nextAgentStatus(session.status, event);
    session.since = this.now();
    if (session.status.state !== 'reserved' && session.status.state !== 'on-call') {
      if (before === 'on-call' || before === 'reserved') session.callId = undefined;
    }
    if (session.status.state === 'ready') this.emit('ready', session);
    const row = {
      agentId: session.agent.id,
      sessionId: session.sessionId,
      state: session.status.state,
      pauseCode: session.status.pauseCode,
      campaignId: this.options.campaignId,
      callId: session.callId,
      at: new Date(session.since),
    };
    // One agent's changes are written one after the other, so the stored order (ids) is the
    // order they happened in even when two come within the same millisecond.
    const write = (this.writes.get(session) ?? Promise.resolve()).then(() => this.sink.recordState(row));
    const settled = write.catch((err: unknown) =>
      this.logger.error({ err, agent: session.agent.username }, 'could not store agent state'),
    );
    this.writes.set(session, settled);
    await settled;
  }
}
