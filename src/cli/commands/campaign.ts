import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { parse } from 'yaml';
import type { App } from '../../app.js';
import type { CampaignAction } from '../../domain/campaign/lifecycle.js';
import {
  approveCampaign,
  changeStatus,
  createCampaign,
  getCampaign,
  rulesOf,
} from '../../store/repositories/campaigns.js';

const cliActor = () => `cli:${userInfo().username}`;

async function agentId(app: App, username: string): Promise<number> {
  const a = await app.db('agents').where({ username }).first<{ id: number } | undefined>('id');
  if (a) return a.id;
  const known = await app.db('agents').orderBy('username').limit(6).pluck<string[]>('username');
  const list =
    known.length === 0 ? 'none yet' : `${known.slice(0, 5).join(', ')}${known.length > 5 ? ', …' : ''}`;
  throw new Error(`no agent "${username}" (agents: ${list}; adding one: docs/admin-guide.md, "Agents")`);
}

const MOVES: Record<Exclude<CampaignAction, 'approve'>, string> = {
  'start-trial':
    'mark a random trial sample (trialSampleSize leads), the only leads dialled until activate (approved → trial)',
  activate: 'dial the whole list after the trial (trial → active)',
  pause: 'stop starting new calls; calls up are finished (trial or active → paused)',
  resume: 'dial again after a pause (paused → active)',
  complete: 'end the campaign for good; it is never dialled again',
};

/** `dialer campaign create|show|approve|start-trial|activate|pause|resume|complete` */
export function registerCampaignCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program
    .command('campaign')
    .description('create campaigns and move them through their lifecycle');
  cmd
    .command('create')
    .description('store a new campaign (status draft) from a definition file')
    .argument('<file>', 'YAML or JSON campaign definition (see config/campaign.example.yaml)')
    .option('--by <username>', 'creator (cannot approve it)')
    .action(async (file: string, o: { by?: string }) => {
      const app = await getApp();
      const raw: unknown = parse(await readFile(file, 'utf8'));
      const c = await createCampaign(app.db, raw, o.by ? await agentId(app, o.by) : undefined, cliActor());
      console.log(`created campaign ${c.code} (#${c.id}), status draft`);
    });
  cmd
    .command('show')
    .description('print a campaign: status and its rules with the defaults filled in')
    .argument('<campaign>', 'id or code')
    .action(async (campaign: string) => {
      const app = await getApp();
      const c = await getCampaign(app.db, campaign);
      console.log(
        JSON.stringify(
          { id: c.id, code: c.code, name: c.name, status: c.status, rules: rulesOf(c) },
          null,
          2,
        ),
      );
    });
  cmd
    .command('approve')
    .description('sign an approval (large lists need more than one distinct approver)')
    .argument('<campaign>', 'id or code')
    .requiredOption('--approver <username>', 'the approving agent or user (not the creator)')
    .option('--note <text>', 'a note stored with the approval')
    .action(async (campaign: string, o: { approver: string; note?: string }) => {
      const app = await getApp();
      const c = await getCampaign(app.db, campaign);
      const state = await approveCampaign(app.db, c.id, await agentId(app, o.approver), {
        threshold: app.config.compliance.approvalThreshold,
        note: o.note,
        actor: cliActor(),
      });
      console.log(
        state.complete
          ? `campaign ${c.code} approved (${state.level} approval)`
          : `approval recorded; ${state.level} approval needs ${state.missing} more distinct approver(s)`,
      );
    });
  for (const [action, description] of Object.entries(MOVES) as [keyof typeof MOVES, string][]) {
    cmd
      .command(action)
      .description(description)
      .argument('<campaign>', 'id or code')
      .action(async (campaign: string) => {
        const app = await getApp();
        const c = await getCampaign(app.db, campaign);
        console.log(
          `campaign ${c.code}: ${c.status} → ${await changeStatus(app.db, c.id, action, cliActor())}`,
        );
      });
  }
}
