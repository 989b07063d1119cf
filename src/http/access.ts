import { maySeeCampaign, type Principal, type Role } from './principal.js';

/**
 * Who may call a route. Every route in the table declares one (src/http/route-spec.ts); the
 * registration refuses a route without it.
 * - `public`: anyone, signed in or not (the login itself, /health).
 * - `signed-in`: any signed-in person or key (their own session, their own password).
 * - `roles`: these roles; a handler that lists campaigns narrows to `campaignScope`.
 * - `campaign`: these roles, for the campaign named by the path parameter `param` (id or
 *   code); admins for every campaign, every other role only for campaigns they are assigned to.
 * - `agent`: the agent named by the path parameter `param` acting as themself; the `also`
 *   roles act for an agent who is assigned to one of their campaigns (admins for every agent).
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'signed-in' }
  | { kind: 'roles'; roles: readonly Role[] }
  | { kind: 'campaign'; param: string; roles: readonly Role[] }
  | { kind: 'agent'; param: string; also: readonly Role[] };

export const access = {
  public: (): Access => ({ kind: 'public' }),
  signedIn: (): Access => ({ kind: 'signed-in' }),
  roles: (...roles: Role[]): Access => ({ kind: 'roles', roles }),
  campaign: (param: string, ...roles: Role[]): Access => ({ kind: 'campaign', param, roles }),
  agent: (param: string, ...also: Role[]): Access => ({ kind: 'agent', param, also }),
};

/** What the rule needs to know beyond the principal, looked up from the path parameter. */
export interface AccessFacts {
  /** `campaign` rules: the campaign's id (undefined when no campaign has that id or code). */
  campaignId?: number;
  /** `agent` rules: the campaigns the agent in the path is assigned to. */
  agentCampaigns?: number[];
}

export type Decision = { allow: true } | { allow: false; status: 401 | 403; error: string };

const ALLOW: Decision = { allow: true };
const deny = (error: string): Decision => ({ allow: false, status: 403, error });

/** The one authorisation rule: may `who` call a route with `rule`, given the looked-up facts. */
export function decide(
  rule: Access,
  who: Principal | undefined,
  param: string | undefined,
  facts: AccessFacts,
): Decision {
  if (rule.kind === 'public') return ALLOW;
  if (!who)
    return { allow: false, status: 401, error: 'sign in or send an API key (Authorization: Bearer …)' };
  switch (rule.kind) {
    case 'signed-in':
      return ALLOW;
    case 'roles':
      return rule.roles.includes(who.role) ? ALLOW : deny(needs(rule.roles));
    case 'campaign': {
      if (!rule.roles.includes(who.role)) return deny(needs(rule.roles));
      if (who.role === 'admin') return ALLOW;
      if (facts.campaignId !== undefined && maySeeCampaign(who, facts.campaignId)) return ALLOW;
      return deny(`campaign ${param ?? '?'} is not one of your assigned campaigns`);
    }
    case 'agent': {
      if (who.role === 'agent') {
        return who.username === param
          ? ALLOW
          : deny(`an agent may act only as themself, not as ${param ?? '?'}`);
      }
      if (!rule.also.includes(who.role)) return deny(needs(['agent', ...rule.also]));
      if (who.role === 'admin') return ALLOW;
      const shared = (facts.agentCampaigns ?? []).some((c) => who.campaigns.includes(c));
      return shared ? ALLOW : deny(`agent ${param ?? '?'} is not on any of your assigned campaigns`);
    }
  }
}

function needs(roles: readonly Role[]): string {
  return `needs one of the roles: ${roles.join(', ')}`;
}
