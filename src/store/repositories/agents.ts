import type { Knex } from 'knex';
import type { AgentState } from '../../domain/agent-state.js';
import type { AgentDirectory, AgentStateSink, LostSession } from '../../ports/agents.js';
import { freshOwnerSql, processGone } from '../process-heartbeat.js';

export interface AgentRow {
  id: number;
  username: string;
  display_name: string;
  role: string;
  sip_endpoint: string | null;
  active: boolean;
  campaigns: number[];
}

export class AgentRepository implements AgentStateSink, AgentDirectory {
  constructor(
    private readonly db: Knex,
    /** This process (written into each session it starts; `dialler_processes`). */
    private readonly owner?: string,
  ) {}

  async byUsername(username: string): Promise<AgentRow | undefined> {
    const row = await this.db('agents as u')
      .where('u.username', username)
      .select(
        'u.id',
        'u.username',
        'u.display_name',
        'u.role',
        'u.sip_endpoint',
        'u.active',
        this.db.raw(
          `(select coalesce(array_agg(campaign_id), '{}') from campaign_assignments a where a.user_id = u.id) as campaigns`,
        ),
      )
      .first<(Omit<AgentRow, 'campaigns'> & { campaigns: (string | number)[] }) | undefined>();
    return row ? { ...row, campaigns: row.campaigns.map(Number) } : undefined;
  }

  /** Creates the agent if missing (demo and lab setup); returns the row either way. */
  async ensure(agent: { username: string; displayName: string; sipEndpoint: string }): Promise<AgentRow> {
    await this.db('agents')
      .insert({ username: agent.username, display_name: agent.displayName, sip_endpoint: agent.sipEndpoint })
      .onConflict('username')
      .merge(['sip_endpoint']);
    const row = await this.byUsername(agent.username);
    if (!row) throw new Error(`agent ${agent.username} vanished after insert`);
    return row;
  }

  async startSession(
    agentId: number,
    sipEndpoint: string,
    pbxCallId: string,
    bridgeId: string,
  ): Promise<number> {
    const [row] = await this.db('agent_sessions')
      .insert({
        agent_id: agentId,
        sip_endpoint: sipEndpoint,
        pbx_call_id: pbxCallId,
        bridge_id: bridgeId,
        owner: this.owner ?? null,
      })
      .returning<{ id: number }[]>('id');
    if (!row) throw new Error('agent session insert returned nothing');
    return row.id;
  }

  /** The agent's open sessions whose dialler process is gone (no heartbeat, or not running here). */
  async lostSessions(agentId: number): Promise<LostSession[]> {
    const rows = await this.db('agent_sessions')
      .where({ agent_id: agentId })
      .whereNull('ended_at')
      .whereNotNull('owner')
      .whereNot('owner', this.owner ?? '')
      .select<
        { id: number; pbx_call_id: string | null; bridge_id: string | null; owner: string; fresh: boolean }[]
      >(
        'id',
        'pbx_call_id',
        'bridge_id',
        'owner',
        this.db.raw(`${freshOwnerSql('agent_sessions.owner')} as fresh`),
      );
    return rows
      .filter((r) => !r.fresh || processGone(r.owner))
      .map((r) => ({ id: Number(r.id), legId: r.pbx_call_id, bridgeId: r.bridge_id }));
  }

  async endSession(sessionId: number, reason: string): Promise<void> {
    await this.db('agent_sessions')
      .where({ id: sessionId })
      .whereNull('ended_at')
      .update({ ended_at: new Date(), end_reason: reason });
  }

  async recordState(event: {
    agentId: number;
    sessionId?: number;
    state: AgentState;
    pauseCode?: string;
    campaignId?: number;
    callId?: string;
    at: Date;
  }): Promise<void> {
    await this.db('agent_state_events').insert({
      agent_id: event.agentId,
      session_id: event.sessionId ?? null,
      state: event.state,
      pause_code: event.pauseCode ?? null,
      campaign_id: event.campaignId ?? null,
      call_id: event.callId ?? null,
      at: event.at,
    });
  }
}
