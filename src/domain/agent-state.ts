/**
 * The agent's state machine. The engine owns it; every transition is stored with a timestamp
 * (agent_state_events) because reports and pacing read them.
 *
 *   logged-out → ready ⇄ paused(code) → reserved → on-call → wrap-up → ready
 */
export const AGENT_STATES = ['logged-out', 'ready', 'paused', 'reserved', 'on-call', 'wrap-up'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export type AgentEvent =
  | { type: 'login' }
  | { type: 'pause'; code: string }
  | { type: 'resume' }
  | { type: 'reserve' }
  | { type: 'release' }
  | { type: 'connect' }
  | { type: 'hangup' }
  | { type: 'disposition' }
  | { type: 'wrap-up-timeout' }
  | { type: 'leg-dropped' }
  | { type: 'logout' };

export interface AgentStatus {
  state: AgentState;
  pauseCode?: string;
}

/** Pause code used when the agent's softphone leg drops: dialling stops for them at once. */
export const PAUSE_PHONE_DROPPED = 'phone-disconnected';

export class AgentTransitionError extends Error {
  override readonly name = 'AgentTransitionError';
}

/** Returns the next status, or throws AgentTransitionError naming the state and the event. */
export function nextAgentStatus(current: AgentStatus, event: AgentEvent): AgentStatus {
  const s = current.state;
  switch (event.type) {
    case 'login':
      if (s === 'logged-out') return { state: 'ready' };
      break;
    case 'pause':
      if (s === 'ready' || s === 'paused' || s === 'wrap-up')
        return { state: 'paused', pauseCode: event.code };
      break;
    case 'resume':
      if (s === 'paused') return { state: 'ready' };
      break;
    case 'reserve':
      if (s === 'ready') return { state: 'reserved' };
      break;
    case 'release':
      if (s === 'reserved') return { state: 'ready' };
      break;
    case 'connect':
      if (s === 'reserved' || s === 'ready') return { state: 'on-call' };
      break;
    case 'hangup':
      if (s === 'on-call') return { state: 'wrap-up' };
      break;
    case 'disposition':
    case 'wrap-up-timeout':
      if (s === 'wrap-up') return { state: 'ready' };
      break;
    case 'leg-dropped':
      if (s !== 'logged-out') return { state: 'paused', pauseCode: PAUSE_PHONE_DROPPED };
      break;
    case 'logout':
      return { state: 'logged-out' };
  }
  throw new AgentTransitionError(`an agent who is ${s} cannot ${event.type}`);
}

/** Whether the pacer may count this agent as available for a new customer. */
export function isAvailable(status: AgentStatus): boolean {
  return status.state === 'ready';
}
