import type { Role } from './auth/roles';

/**
 * Every page of the console, in nav order: its path, its nav label (a key under `nav.` in both
 * languages) and the roles that may open it. The nav shows a user only their role's pages; the
 * router (routes.tsx) refuses the rest. The API checks every request again: this is
 * convenience, not security.
 */
export type NavId = 'home' | 'campaigns' | 'dnc' | 'users' | 'audit';

export interface NavEntry {
  path: string;
  nav: NavId;
  roles: readonly Role[];
}

export const NAV: readonly NavEntry[] = [
  { path: '/', nav: 'home', roles: ['admin', 'supervisor', 'teamlead', 'agent', 'qa'] },
  { path: '/campaigns', nav: 'campaigns', roles: ['admin', 'supervisor', 'teamlead', 'qa'] },
  { path: '/dnc', nav: 'dnc', roles: ['admin', 'supervisor'] },
  { path: '/users', nav: 'users', roles: ['admin'] },
  { path: '/audit', nav: 'audit', roles: ['admin'] },
];

export function navFor(role: Role): NavEntry[] {
  return NAV.filter((p) => p.roles.includes(role));
}
