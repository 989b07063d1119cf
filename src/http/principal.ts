/** The people's roles (the console's web/src/auth/roles.ts lists the same). */
export const ROLES = ['admin', 'supervisor', 'teamlead', 'qa', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that see only the campaigns they are assigned to (admins see all). */
export const SCOPED_ROLES: readonly Role[] = ['supervisor', 'teamlead', 'qa', 'agent'];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** Who is asking: a signed-in person (cookie session) or an integration's API key. */
export interface Principal {
  kind: 'user' | 'key';
  /** How the audit log names them: `user:alice` or `key:crm-sync`. */
  actor: string;
  role: Role;
  /** The person: the signed-in user, or the key's owner (an agent key acts as its owner). */
  username?: string;
  userId?: number;
  /** Campaign ids the person is assigned to (what scoped roles may see). */
  campaigns: number[];
  locale?: string;
  /** Cookie sessions only: the session and the CSRF token every state-changing request must carry. */
  session?: { id: number; csrfToken: string };
}

/** The campaigns a principal may see: every one (admins) or the listed ids. */
export function campaignScope(p: Principal): 'all' | number[] {
  return p.role === 'admin' ? 'all' : p.campaigns;
}

export function maySeeCampaign(p: Principal, campaignId: number): boolean {
  const scope = campaignScope(p);
  return scope === 'all' || scope.includes(campaignId);
}
