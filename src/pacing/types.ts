import type { AgentState } from '../domain/agent-state.js';
import type { WindowTotals } from './abandon-ledger.js';

/** One logged-in agent as the pacer sees it: the engine's state and how long it has held it. */
export interface AgentView {
  state: AgentState;
  /** Seconds since the agent entered `state`; the forecast conditions handle time on it. */
  secondsInState: number;
}

/** A dial still in progress (ringing, or answered and inside AMD). */
export interface RingingCall {
  /** Seconds since the originate. */
  ageSeconds: number;
}

/** Abandon counts per compliance window, read from the campaign's ledger. */
export interface LedgerView {
  lastMinute: WindowTotals;
  /** The rolling last hour (the optional hourly cap); absent where a caller does not keep it. */
  lastHour?: WindowTotals;
  today: WindowTotals;
  last24h: WindowTotals;
  last30d: WindowTotals;
}

/**
 * Everything a pacer may look at to decide. Time is passed in (`now`), never read from a clock,
 * so the same pacer runs in the engine and in the simulator.
 */
export interface PacerState {
  /** Seconds on the campaign's clock (sim time or epoch seconds). */
  now: number;
  agents: readonly AgentView[];
  ringing: readonly RingingCall[];
  /** Answered customers routed to the agent queue and not yet connected. */
  waitingCustomers: number;
  /** Customers currently connected to an agent (calls still using a line). */
  connectedCalls: number;
  ledger: LedgerView;
  /** Lines the trunk can still take right now (channel cap minus calls up). */
  trunkFreeLines: number;
}

/** Facts a pacer learns from as calls finish; estimators are updated from these. */
export type PacerObservation =
  | {
      type: 'dial-resolved';
      now: number;
      /** True when the call was handed to the agent queue (a human, or a machine AMD missed). */
      routed: boolean;
      /** Seconds from originate to routing (or to failure). */
      delaySeconds: number;
    }
  | { type: 'handle'; now: number; talkSeconds: number; wrapSeconds: number };

/** What the pacer decided, and the inputs that made it decide so: logged for supervisors. */
export interface PacerDecision {
  /** New lines to originate now (≥ 0). */
  lines: number;
  /** One short sentence a supervisor can read. */
  reason: string;
  inputs: Readonly<Record<string, number | string | boolean>>;
  /** True when the pacer chose more lines than its progressive floor (it over-dials now). */
  overDial?: boolean;
}

/** A pacing policy. `decide` may be called at any cadence; `observe` after every outcome. */
export interface Pacer {
  readonly name: string;
  decide(state: PacerState): PacerDecision;
  observe(observation: PacerObservation): void;
}

/** Agents that can take a call now. */
export function readyCount(agents: readonly AgentView[]): number {
  let n = 0;
  for (const a of agents) if (a.state === 'ready') n++;
  return n;
}

/** Agents logged in and not paused: the ones pacing works for. */
export function activeCount(agents: readonly AgentView[]): number {
  let n = 0;
  for (const a of agents) if (a.state !== 'paused' && a.state !== 'logged-out') n++;
  return n;
}
