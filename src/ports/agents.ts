import type { AgentState } from '../domain/agent-state.js';

/** Where agent state changes are stored (agent_state_events); reports and pacing read them. */
export interface AgentStateSink {
  startSession(agentId: number, endpoint: string, pbxCallId: string, bridgeId: string): Promise<number>;
  endSession(sessionId: number, reason: string): Promise<void>;
  /** The agent's open sessions whose dialler process is gone: their legs are nobody's. */
  lostSessions?(agentId: number): Promise<LostSession[]>;
  recordState(e: {
    agentId: number;
    sessionId?: number;
    state: AgentState;
    pauseCode?: string;
    campaignId?: number;
    callId?: string;
    at: Date;
  }): Promise<void>;
}

/** An agent session a dead dialler process left open, with its PBX leg and bridge. */
export interface LostSession {
  id: number;
  legId: string | null;
  bridgeId: string | null;
}

export interface AgentAccount {
  id: number;
  username: string;
  sip_endpoint: string | null;
  active: boolean;
  role: string;
  /** The campaigns the agent is assigned to (the only ones they may log in to). */
  campaigns: number[];
}

/** The agents' accounts (store/repositories/agents.ts). */
export interface AgentDirectory {
  byUsername(username: string): Promise<AgentAccount | undefined>;
}
