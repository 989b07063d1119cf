import type { Knex } from 'knex';
import type { Config } from '../../config/load.js';
import { engineSettings } from '../../domain/campaign/engine-settings.js';
import type { Logger } from '../../logger.js';
import { checkAmiNode } from './ami-check.js';
import { checkAriNode } from './ari-check.js';
import { soundsIn, type CheckLine, type NodeNeeds } from './report.js';

/** Agents with a softphone, or undefined when Postgres does not answer within 3 s. */
async function activeAgents(db: Knex): Promise<NodeNeeds['agents']> {
  const query = db('agents')
    .where({ active: true })
    .whereNotNull('sip_endpoint')
    .orderBy('username')
    .select<{ username: string; sip_endpoint: string }[]>('username', 'sip_endpoint');
  const timeout = new Promise<undefined>((r) => setTimeout(() => r(undefined), 3_000).unref());
  const rows = await Promise.race([query.catch(() => undefined), timeout]);
  return rows?.map((r) => ({ username: r.username, endpoint: r.sip_endpoint }));
}

/** The identification messages and survey prompts of every campaign not completed. */
async function campaignSounds(db: Knex): Promise<string[]> {
  const found = new Set<string>([engineSettings('predictive', undefined).idMessage]);
  const rows = await db('campaigns')
    .whereNot({ status: 'completed' })
    .select<{ dial_mode: string; settings: Record<string, unknown> }[]>('dial_mode', 'settings')
    .catch(() => []);
  for (const r of rows) soundsIn(r.settings, found);
  return [...found].sort();
}

/** Every configured PBX node (or one), checked in turn. */
export async function runPbxChecks(
  config: Config,
  db: Knex,
  logger: Logger,
  only?: string,
): Promise<CheckLine[]> {
  const nodes = config.pbx.nodes.filter((n) => only === undefined || n.name === only);
  if (nodes.length === 0)
    throw new Error(
      `no PBX node "${only ?? ''}" (configured: ${config.pbx.nodes.map((n) => n.name).join(', ')})`,
    );
  const agents = await activeAgents(db);
  const sounds = await campaignSounds(db);
  const lines: CheckLine[] = [];
  for (const node of nodes) {
    const needs: NodeNeeds = {
      node: node.name,
      trunks: config.trunks.filter((t) => t.node === node.name).map((t) => ({ name: t.name, dial: t.dial })),
      agents,
      sounds,
    };
    if (node.ari) lines.push(...(await checkAriNode(node.name, node.ari, needs, logger)));
    else if (node.ami) lines.push(...(await checkAmiNode(node.name, node.ami, needs)));
    else
      lines.push({
        node: node.name,
        check: node.driver,
        status: 'skipped',
        detail: `pbx check covers Asterisk (ARI, AMI) so far; this node uses ${node.driver}`,
        fix: 'see dialplan/freeswitch/README.md',
      });
  }
  return lines;
}
