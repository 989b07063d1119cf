/** The people's roles the console knows (the accounts API's roles). */
export const ROLES = ['admin', 'supervisor', 'teamlead', 'agent', 'qa'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}
