import { AmiClient } from '../../pbx/asterisk/ami/ami-client.js';
import { agentEndpoint, trunkEndpoint, type CheckLine, type NodeNeeds } from './report.js';

/** The contexts of dialplan/asterisk/extensions_dialer.conf the AMI driver sends calls to. */
export const AMI_CONTEXTS = [
  'dialer-ami-park',
  'dialer-ami-park-beep',
  'dialer-ami-bridge',
  'dialer-ami-play',
] as const;

export interface AmiTarget {
  host: string;
  port: number;
  username: string;
  secret: string;
}

/**
 * Checks one Asterisk node over AMI: reachable and the login, the dialer's AMI contexts, each
 * PJSIP trunk and agent endpoint. Sounds and the recording spool are checked over ARI only.
 */
export async function checkAmiNode(node: string, ami: AmiTarget, needs: NodeNeeds): Promise<CheckLine[]> {
  const lines: CheckLine[] = [];
  const add = (l: Omit<CheckLine, 'node'>) => lines.push({ node, ...l });
  const client = new AmiClient({ ...ami, connectTimeoutMs: 5_000, actionTimeoutMs: 5_000 });
  try {
    await client.open();
  } catch (err) {
    const refused = err instanceof Error && err.message.includes('login refused');
    add({
      check: 'ami',
      status: 'fail',
      detail: err instanceof Error ? err.message : String(err),
      fix: refused
        ? `manager.conf: [${ami.username}] secret = the contents of pbx.nodes[].ami.secretFile, read=all, write=all; then asterisk -rx 'manager reload'`
        : 'is Asterisk running? manager.conf [general] enabled=yes, bindaddr and port matching pbx.nodes[].ami',
    });
    add({
      check: 'other checks',
      status: 'skipped',
      detail: 'they need AMI',
      fix: 'fix the line above first',
    });
    return lines;
  }
  try {
    add({ check: 'ami', status: 'ok', detail: `logged in to ${ami.host}:${ami.port} as ${ami.username}` });
    await contexts(client, add);
    await endpoints(client, needs, add);
    add({ check: 'sounds, recording', status: 'skipped', detail: 'checked over ARI only (driver: ari)' });
  } finally {
    client.close();
  }
  return lines;
}

type Add = (l: Omit<CheckLine, 'node'>) => void;

async function contexts(client: AmiClient, add: Add): Promise<void> {
  const missing: string[] = [];
  for (const c of AMI_CONTEXTS) {
    await client.list({ action: 'ShowDialPlan', context: c }, 'listdialplan').catch(() => missing.push(c));
  }
  add(
    missing.length === 0
      ? { check: 'dialplan', status: 'ok', detail: `contexts ${AMI_CONTEXTS.join(', ')} loaded` }
      : {
          check: 'dialplan',
          status: 'fail',
          detail: `missing contexts: ${missing.join(', ')}`,
          fix: "copy dialplan/asterisk/extensions_dialer.conf to /etc/asterisk/, add `#include extensions_dialer.conf` to extensions.conf, then asterisk -rx 'dialplan reload'",
        },
  );
}

async function endpoints(client: AmiClient, needs: NodeNeeds, add: Add): Promise<void> {
  const targets = [
    ...needs.trunks.map((t) => ({ check: `trunk ${t.name}`, e: trunkEndpoint(t.dial), agent: false })),
    ...(needs.agents ?? []).map((a) => ({
      check: `agent ${a.username}`,
      e: agentEndpoint(a.endpoint),
      agent: true,
    })),
  ];
  for (const t of targets) {
    if (t.e?.technology !== 'PJSIP') {
      add({ check: t.check, status: 'skipped', detail: 'only PJSIP endpoints are checked over AMI' });
      continue;
    }
    const found = await client
      .list({ action: 'PJSIPShowEndpoint', endpoint: t.e.resource }, 'endpointdetail')
      .catch(() => undefined);
    const state = found?.[0]?.['devicestate'];
    if (!found)
      add({
        check: t.check,
        status: 'fail',
        detail: `endpoint PJSIP/${t.e.resource} is not defined`,
        fix: "define it in pjsip.conf (see dialplan/asterisk/pjsip_dialer.example.conf), then asterisk -rx 'pjsip reload'",
      });
    else if (state === 'Unavailable')
      add({
        check: t.check,
        status: 'fail',
        detail: `endpoint PJSIP/${t.e.resource} is defined but unavailable`,
        fix: t.agent
          ? "the agent's softphone is not registered"
          : 'the carrier does not answer its qualify, or its registration failed',
      });
    else add({ check: t.check, status: 'ok', detail: `PJSIP/${t.e.resource} ${state ?? 'state unknown'}` });
  }
}
