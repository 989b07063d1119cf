import type { Logger } from '../../logger.js';
import { AriSocket } from '../../pbx/asterisk/ari/ari-socket.js';
import { add, ariRequest, fetchFailure, messageOf, type AriCtx as Ctx, type AriTarget } from './ari-http.js';
import { checkEndpoints, checkRecording, checkSounds } from './ari-resources.js';
import type { CheckLine, NodeNeeds } from './report.js';

/** The contexts of dialplan/asterisk/extensions_dialer.conf the ARI driver sends calls to. */
export const ARI_CONTEXTS = ['dialer-amd', 'dialer-amd-beep', 'dialer-inbound'] as const;
/** Modules the ARI driver uses: AMD, Stasis, its recordings, snoop (two-way recording), playback. */
export const ARI_MODULES = [
  'app_amd.so',
  'app_stasis.so',
  'res_stasis_recording.so',
  'res_stasis_snoop.so',
  'res_stasis_playback.so',
] as const;

const INCLUDE_FIX =
  "copy dialplan/asterisk/extensions_dialer.conf to /etc/asterisk/, add `#include extensions_dialer.conf` to extensions.conf, then `asterisk -rx 'dialplan reload'`";

/**
 * Checks one Asterisk node over ARI, in the order an admin fixes things: reachable and the
 * password, the event socket, modules, the dialer's contexts, trunks, agents' phones, sounds,
 * the recording spool. Later checks are skipped (and say why) when ARI itself is unusable.
 */
export async function checkAriNode(
  node: string,
  ari: AriTarget & { app: string },
  needs: NodeNeeds,
  logger: Logger,
): Promise<CheckLine[]> {
  const ctx: Ctx = { node, target: ari, app: `${ari.app}-check-${process.pid}`, lines: [] };
  if (!(await checkReachable(ctx))) return ctx.lines;
  try {
    if (await checkSocket(ctx, logger)) {
      await checkModules(ctx);
      await checkContexts(ctx);
    }
    await checkEndpoints(ctx, needs);
    if (ctx.socket) await checkSounds(ctx, needs.sounds);
    await checkRecording(ctx);
  } finally {
    ctx.socket?.close();
  }
  return ctx.lines;
}

async function checkReachable(ctx: Ctx): Promise<boolean> {
  const where = `${ctx.target.url}/ari`;
  const skipRest = () =>
    add(ctx, {
      check: 'other checks',
      status: 'skipped',
      detail: 'they need ARI',
      fix: 'fix the line above first',
    });
  let reply;
  try {
    reply = await ariRequest(ctx.target, 'GET', '/asterisk/info');
  } catch (err) {
    add(ctx, {
      check: 'ari',
      status: 'fail',
      detail: `cannot reach ${where}: ${fetchFailure(err)}`,
      fix: 'is Asterisk running? http.conf: enabled=yes, bindaddr and bindport matching pbx.nodes[].ari.url',
    });
    skipRest();
    return false;
  }
  if (reply.status === 200) {
    const info = reply.body as { system?: { version?: string } };
    add(ctx, {
      check: 'ari',
      status: 'ok',
      detail: `Asterisk ${info.system?.version ?? '(version unknown)'} at ${where}, user ${ctx.target.username}`,
    });
    return true;
  }
  add(ctx, { check: 'ari', status: 'fail', ...refusal(reply.status, ctx.target.username, where) });
  skipRest();
  return false;
}

function refusal(status: number, user: string, where: string): { detail: string; fix: string } {
  if (status === 401)
    return {
      detail: `${where} refused user "${user}" (401: wrong user or password)`,
      fix: `ari.conf: [${user}] type=user, read_only=no, password = the contents of pbx.nodes[].ari.passwordFile; then asterisk -rx 'module reload res_ari.so'`,
    };
  if (status === 404)
    return {
      detail: `Asterisk's HTTP server answers but ARI is off (404 at ${where})`,
      fix: 'ari.conf [general] enabled=yes; modules.conf: load res_ari.so and the res_ari_*.so modules',
    };
  return { detail: `${where} answered HTTP ${status}`, fix: 'see the Asterisk log (ARI still starting?)' };
}

async function checkSocket(ctx: Ctx, logger: Logger): Promise<boolean> {
  const socket = new AriSocket(ctx.target, ctx.app, logger, { pingIntervalMs: 60_000, maxBackoffMs: 1_000 });
  try {
    await withTimeout(socket.open(), 8_000, 'no WebSocket within 8 s');
    ctx.socket = socket;
    add(ctx, { check: 'stasis', status: 'ok', detail: `the events WebSocket opens (app ${ctx.app})` });
    return true;
  } catch (err) {
    socket.close();
    add(ctx, {
      check: 'stasis',
      status: 'fail',
      detail: `the events WebSocket did not open: ${err instanceof Error ? err.message : String(err)}`,
      fix: 'modules.conf: load res_ari_events.so and app_stasis.so; a proxy in between must pass WebSocket upgrades',
    });
    return false;
  }
}

async function checkModules(ctx: Ctx): Promise<void> {
  const missing: string[] = [];
  for (const m of ARI_MODULES) {
    const r = await ariRequest(ctx.target, 'GET', `/asterisk/modules/${m}`);
    if (r.status !== 200) missing.push(m);
  }
  add(
    ctx,
    missing.length === 0
      ? { check: 'modules', status: 'ok', detail: ARI_MODULES.join(', ') }
      : {
          check: 'modules',
          status: 'fail',
          detail: `not loaded: ${missing.join(', ')}`,
          fix: `modules.conf: load => ${missing[0] ?? ''} (each one), then asterisk -rx 'module load …'`,
        },
  );
}

/** DIALPLAN_EXISTS read on a Local channel that is created, never dialled, then hung up. */
async function checkContexts(ctx: Ctx): Promise<void> {
  const made = await ariRequest(ctx.target, 'POST', '/channels/create', {
    endpoint: 'Local/s@dialer-check/n',
    app: ctx.app,
    channelId: `dialer-check-${process.pid}-${Date.now().toString(36)}`,
  });
  const id = (made.body as { id?: string } | undefined)?.id;
  if (made.status !== 200 || !id) {
    add(ctx, {
      check: 'dialplan',
      status: 'skipped',
      detail: `could not make a probe channel (HTTP ${made.status} ${messageOf(made.body)})`,
      fix: 'the ARI user needs read_only=no',
    });
    return;
  }
  try {
    const missing: string[] = [];
    for (const c of ARI_CONTEXTS) {
      const r = await ariRequest(ctx.target, 'GET', `/channels/${id}/variable`, {
        variable: `DIALPLAN_EXISTS(${c})`,
      });
      if ((r.body as { value?: string } | undefined)?.value !== '1') missing.push(c);
    }
    add(
      ctx,
      missing.length === 0
        ? { check: 'dialplan', status: 'ok', detail: `contexts ${ARI_CONTEXTS.join(', ')} loaded` }
        : {
            check: 'dialplan',
            status: 'fail',
            detail: `missing contexts: ${missing.join(', ')}`,
            fix: INCLUDE_FIX,
          },
    );
  } finally {
    await ariRequest(ctx.target, 'DELETE', `/channels/${id}`).catch(() => undefined);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]).finally(() => clearTimeout(timer));
}
