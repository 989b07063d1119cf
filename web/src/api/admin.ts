import type { Role } from '../auth/roles';
import { api } from './http';

/** The accounts API's CampaignSummary. */
export interface Campaign {
  id: number;
  code: string;
  name: string;
  status: 'draft' | 'approved' | 'trial' | 'active' | 'paused' | 'completed';
  purpose: string;
  dialMode: string;
  leads: number;
  approvals: { by: string; level: string; at: string }[];
}

export type CampaignStep = 'start-trial' | 'activate' | 'pause' | 'resume' | 'complete';

/** Which lifecycle steps a campaign in this status can take (src/domain/campaign/lifecycle.ts). */
export const STEPS_FROM: Record<Campaign['status'], CampaignStep[]> = {
  draft: [],
  approved: ['start-trial'],
  trial: ['activate', 'pause', 'complete'],
  active: ['pause', 'complete'],
  paused: ['resume', 'complete'],
  completed: [],
};

export interface User {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  active: boolean;
  locale: 'en' | 'zh-CN';
  sipEndpoint: string | null;
  campaigns: string[];
  createdAt: string;
  deactivatedAt: string | null;
}

export interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  details: Record<string, unknown>;
}

export const campaigns = {
  list: () => api<Campaign[]>('GET', '/api/campaigns'),
  get: (id: number) => api<Campaign & { rules: Record<string, unknown> }>('GET', `/api/campaigns/${id}`),
  create: (definition: Record<string, unknown>) => api<Campaign>('POST', '/api/campaigns', definition),
  approve: (id: number, note?: string) =>
    api<{ complete: boolean; level: string; missing?: number }>(
      'POST',
      `/api/campaigns/${id}/approve`,
      note ? { note } : {},
    ),
  step: (id: number, step: CampaignStep) =>
    api<{ status: Campaign['status'] }>('POST', `/api/campaigns/${id}/${step}`),
};

export const users = {
  list: () => api<User[]>('GET', '/api/users'),
  create: (u: {
    username: string;
    displayName?: string;
    role: Role;
    password?: string;
    locale?: 'en' | 'zh-CN';
  }) => api<User>('POST', '/api/users', u),
  setActive: (username: string, active: boolean) =>
    api<User>('POST', `/api/users/${encodeURIComponent(username)}/${active ? 'reactivate' : 'deactivate'}`),
  assign: (username: string, campaign: string) =>
    api<User>('PUT', `/api/users/${encodeURIComponent(username)}/campaigns/${encodeURIComponent(campaign)}`),
  unassign: (username: string, campaign: string) =>
    api<User>(
      'DELETE',
      `/api/users/${encodeURIComponent(username)}/campaigns/${encodeURIComponent(campaign)}`,
    ),
};

export const audit = {
  list: (q: { entity?: string; entityId?: string; limit?: number } = {}) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(q)) if (v !== undefined) params.set(k, String(v));
    return api<AuditRow[]>('GET', `/api/audit?${params.toString()}`);
  },
};
