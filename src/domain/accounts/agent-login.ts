/** Campaign statuses an agent may log in to (draft, approved and completed campaigns do not dial). */
export const LOGIN_STATUSES = ['trial', 'active', 'paused'] as const;

export interface AgentLoginFacts {
  agent: { username: string; active: boolean; role: string; campaigns: readonly number[] };
  campaign: { id: number; code: string; status: string };
  /** The campaign this agent is logged in to now, if any. */
  current?: { id: number; code: string };
}

export type LoginRefusal = { status: 403 | 409; error: string };

/**
 * Whether an agent may log in to a campaign: an active account with role agent, a campaign they
 * are assigned to, one that dials (trial, active or paused — never a draft, whose engine must
 * not start), and no other campaign at the same time (logging in again to the same one is fine).
 */
export function agentLoginRefusal(f: AgentLoginFacts): LoginRefusal | undefined {
  const { agent, campaign, current } = f;
  const name = `${campaign.code} (${campaign.id})`;
  if (!agent.active) return { status: 403, error: `agent ${agent.username} is deactivated` };
  if (agent.role !== 'agent')
    return { status: 403, error: `${agent.username} is a ${agent.role}, not an agent` };
  if (!agent.campaigns.includes(campaign.id)) {
    return { status: 403, error: `agent ${agent.username} is not assigned to campaign ${name}` };
  }
  if (!(LOGIN_STATUSES as readonly string[]).includes(campaign.status)) {
    return {
      status: 409,
      error: `campaign ${name} is ${campaign.status}: agents log in only to campaigns in ${LOGIN_STATUSES.join(', ')}`,
    };
  }
  if (current && current.id !== campaign.id) {
    return {
      status: 409,
      error: `agent ${agent.username} is logged in to campaign ${current.code} (${current.id}): log out of it first`,
    };
  }
  return undefined;
}
