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
  if (!a) throw new Error(`no agent "${username}"`);
  return a.id;
}

const MOVES: Exclude<CampaignAction, 'approve'>[] = [
  'start-trial',
  'activate',
  'pause',
  'resume',
  'complete',
];

/** `dialer campaign create|show|approve|start-trial|activate|pause|resume|complete` */
export function registerCampaignCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program
    .command('campaign')
    .description('create campaigns and move them through their lifecycle');
  cmd
    .command('create')
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
    .argument('<campaign>', 'id or code')
    .requiredOption('--approver <username>')
    .option('--note <text>')
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
  for (const action of MOVES) {
    cmd
      .command(action)
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
