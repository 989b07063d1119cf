import { z } from 'zod';
import {
  ApprovalError,
  IllegalTransitionError,
  type CampaignAction,
} from '../../domain/campaign/lifecycle.js';
import { CampaignSettingsError } from '../../domain/campaign/settings.js';
import { campaignSummaries, type CampaignSummary } from '../../store/campaign-summaries.js';
import {
  approveCampaign,
  changeStatus,
  createCampaign,
  DuplicateCampaignCodeError,
  findCampaign,
  rulesOf,
} from '../../store/repositories/campaigns.js';
import { HttpError } from '../errors.js';
import { campaignScope } from '../principal.js';
import { access, route, type AnyRoute } from '../route-spec.js';
import { campaignRef } from './campaigns.js';
import { who, type AdminDeps } from './admin-deps.js';
import { approvalResult, campaignDetail, campaignSummary, stepResult } from './admin-schemas.js';

const viewers = ['admin', 'supervisor', 'teamlead', 'qa'] as const;
const managers = ['admin', 'supervisor'] as const;
const STEPS = ['start-trial', 'activate', 'pause', 'resume', 'complete'] as const;
type Step = (typeof STEPS)[number];

const params = z.object({ id: campaignRef });
/** A campaign definition (config/campaign.example.yaml): JSON, or YAML sent as application/yaml. */
const definition = z.record(z.string(), z.unknown());

/** Domain refusals as HTTP: bad settings 400 (naming fields), rule conflicts 409. */
async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CampaignSettingsError) throw new HttpError(400, err.message);
    if (
      err instanceof ApprovalError ||
      err instanceof IllegalTransitionError ||
      err instanceof DuplicateCampaignCodeError
    ) {
      throw new HttpError(409, err.message);
    }
    if (err instanceof Error && /duplicate key value.*campaigns_code/.test(err.message)) {
      throw new HttpError(409, 'a campaign with this code already exists');
    }
    throw err;
  }
}

async function summary(d: AdminDeps, idOrCode: string): Promise<CampaignSummary> {
  const c = await findCampaign(d.db, idOrCode);
  const s = c ? (await campaignSummaries(d.db, [c.id]))[0] : undefined;
  if (!s) throw new HttpError(404, `no campaign ${idOrCode}`);
  return s;
}

/** Campaigns for the console: list, one, create (form or YAML), approve, lifecycle steps. */
export function campaignAdminRoutes(d: AdminDeps): AnyRoute[] {
  return [
    route({
      method: 'GET',
      url: '/api/campaigns',
      summary: 'Campaigns you may see (admins: all), newest first, with lead counts and approvals',
      tags: ['campaigns'],
      access: access.roles(...viewers),
      response: z.array(campaignSummary),
      handler: ({ principal }) => campaignSummaries(d.db, campaignScope(who(principal))),
    }),
    route({
      method: 'GET',
      url: '/api/campaigns/:id',
      summary: 'One campaign (id or code) with its rules, profile defaults applied',
      tags: ['campaigns'],
      access: access.campaign('id', ...viewers),
      params,
      response: campaignDetail,
      handler: async ({ params: p }) => {
        const s = await summary(d, p.id);
        const row = await findCampaign(d.db, s.id);
        return { ...s, rules: row ? rulesOf(row) : {} };
      },
    }),
    route({
      method: 'POST',
      url: '/api/campaigns',
      summary: 'Create a campaign in draft from a definition (JSON, or YAML as application/yaml)',
      tags: ['campaigns'],
      access: access.roles(...managers),
      body: definition,
      bodyTypes: ['application/yaml'],
      response: campaignSummary,
      handler: async ({ principal, body, reply }) => {
        const p = who(principal);
        const c = await domain(() => createCampaign(d.db, body, p.userId, p.actor));
        if (p.role !== 'admin' && p.username !== undefined) {
          await d.assignCreator?.({ username: p.username, actor: p.actor }, c.id);
        }
        return reply.status(201).send(await summary(d, String(c.id)));
      },
    }),
    route({
      method: 'POST',
      url: '/api/campaigns/:id/approve',
      summary:
        'Approve as the signed-in person; lists at the formal threshold need two distinct approvers, neither the creator',
      tags: ['campaigns'],
      access: access.campaign('id', ...managers),
      params,
      body: z
        .object({ note: z.string().max(1000).optional() })
        .strict()
        .default({}),
      response: approvalResult,
      handler: async ({ principal, params: p, body }) => {
        const me = who(principal);
        if (me.userId === undefined)
          throw new HttpError(403, 'an approval needs a signed-in person, not a key');
        const c = await summary(d, p.id);
        const userId = me.userId;
        return domain(() =>
          approveCampaign(d.db, c.id, userId, {
            threshold: d.approvalThreshold,
            note: body.note,
            actor: me.actor,
          }),
        );
      },
    }),
    ...STEPS.map((step) => stepRoute(d, step)),
  ];
}

function stepRoute(d: AdminDeps, step: Step): AnyRoute {
  return route({
    method: 'POST',
    url: `/api/campaigns/:id/${step}`,
    summary: `Lifecycle step: ${step}${step === 'activate' || step === 'resume' ? ' (starts dialling here)' : ''}`,
    tags: ['campaigns'],
    access: access.campaign('id', ...managers),
    params,
    response: stepResult,
    handler: async ({ req, principal, params: p }) => {
      const c = await summary(d, p.id);
      const status = await domain(() =>
        changeStatus(d.db, c.id, step satisfies CampaignAction, who(principal).actor),
      );
      // A trial or active campaign dials from this process (the gate refuses a paused one's
      // leads). The step stands even if the engine cannot start now (`dialer run` starts every
      // active campaign at start-up); the answer says so.
      if (status !== 'active' && status !== 'trial') return { status, dialling: false };
      try {
        await d.registry.start(c.id);
        return { status, dialling: true };
      } catch (err) {
        req.log.warn({ err, campaign: c.code }, 'campaign step taken but its engine did not start');
        return { status, dialling: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
  });
}
