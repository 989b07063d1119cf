import type { AriEvent } from '../../pbx/asterisk/ari/events.js';
import { add, ariRequest, messageOf, type AriCtx } from './ari-http.js';
import { agentEndpoint, trunkEndpoint, type NodeNeeds } from './report.js';

const SPOOL_FIX =
  'mkdir -p /var/spool/asterisk/recording && chown asterisk: /var/spool/asterisk/recording (Debian does not create it)';

/** Trunks and agents' softphones: defined in pjsip.conf, and reachable or registered. */
export async function checkEndpoints(ctx: AriCtx, needs: NodeNeeds): Promise<void> {
  for (const t of needs.trunks) {
    const e = trunkEndpoint(t.dial);
    if (!e) {
      add(ctx, {
        check: `trunk ${t.name}`,
        status: 'skipped',
        detail: `cannot tell the endpoint from the dial string ${t.dial}`,
        fix: 'the PJSIP/{number}@ENDPOINT form can be checked',
      });
      continue;
    }
    await checkEndpoint(ctx, `trunk ${t.name}`, e, 'trunk');
  }
  if (needs.agents === undefined) {
    add(ctx, { check: 'agents', status: 'skipped', detail: 'Postgres not reachable: agents unknown' });
    return;
  }
  if (needs.agents.length === 0)
    add(ctx, { check: 'agents', status: 'skipped', detail: 'no active agent with a softphone endpoint yet' });
  for (const a of needs.agents) {
    const e = agentEndpoint(a.endpoint);
    if (e) await checkEndpoint(ctx, `agent ${a.username}`, e, 'agent');
    else
      add(ctx, {
        check: `agent ${a.username}`,
        status: 'skipped',
        detail: `${a.endpoint} is not an endpoint ARI lists`,
      });
  }
}

async function checkEndpoint(
  ctx: AriCtx,
  check: string,
  e: { technology: string; resource: string },
  kind: 'trunk' | 'agent',
): Promise<void> {
  const name = `${e.technology}/${e.resource}`;
  const r = await ariRequest(
    ctx.target,
    'GET',
    `/endpoints/${e.technology}/${encodeURIComponent(e.resource)}`,
  );
  if (r.status === 404) {
    add(ctx, {
      check,
      status: 'fail',
      detail: `endpoint ${name} is not defined`,
      fix: `define it in pjsip.conf (see dialplan/asterisk/pjsip_dialer.example.conf), then asterisk -rx 'pjsip reload'`,
    });
    return;
  }
  const state = (r.body as { state?: string } | undefined)?.state ?? 'unknown';
  if (state === 'offline') {
    add(ctx, {
      check,
      status: 'fail',
      detail: `endpoint ${name} is defined but offline`,
      fix:
        kind === 'agent'
          ? "the agent's softphone is not registered: register it with the endpoint's credentials (it must auto-answer)"
          : 'the carrier does not answer its qualify (OPTIONS), or the registration failed: asterisk -rx "pjsip show endpoint ' +
            e.resource +
            '"',
    });
    return;
  }
  add(ctx, {
    check,
    status: 'ok',
    detail: `${name} ${state}${state === 'unknown' ? ' (set qualify_frequency on its AOR to see reachability)' : ''}`,
  });
}

/** Each sound played on a bridge of its own: a missing file fails its playback at once. */
export async function checkSounds(ctx: AriCtx, sounds: readonly string[]): Promise<void> {
  for (const media of sounds) {
    const verdict = await playOnce(ctx, media);
    add(
      ctx,
      verdict === undefined
        ? { check: `sound ${media}`, status: 'ok', detail: 'plays' }
        : {
            check: `sound ${media}`,
            status: 'fail',
            detail: verdict,
            fix: soundFix(media),
          },
    );
  }
}

/** Where Debian's Asterisk looks for the file of a `sound:` name. */
function soundFix(media: string): string {
  const name = media.slice('sound:'.length);
  const file = name.startsWith('custom/')
    ? `/usr/local/share/asterisk/sounds/${name.slice('custom/'.length)}.wav (Debian links sounds/custom there)`
    : `/usr/share/asterisk/sounds/en/${name}.wav`;
  return `record it as 8 kHz mono 16-bit WAV (or .gsm) at ${file}, or change the campaign's sound`;
}

/** Undefined when the sound plays, else what went wrong. */
async function playOnce(ctx: AriCtx, media: string): Promise<string | undefined> {
  const bridge = await ariRequest(ctx.target, 'POST', '/bridges', { type: 'mixing' });
  const id = (bridge.body as { id?: string } | undefined)?.id;
  if (!id) return `could not make a bridge to play it on (HTTP ${bridge.status} ${messageOf(bridge.body)})`;
  try {
    await ariRequest(ctx.target, 'POST', `/applications/${ctx.app}/subscription`, {
      eventSource: `bridge:${id}`,
    });
    let failed = false;
    const onEvent = (e: AriEvent) => {
      if (e.type === 'PlaybackFinished' && e.playback?.state === 'failed') failed = true;
    };
    ctx.socket?.on('event', onEvent);
    const r = await ariRequest(ctx.target, 'POST', `/bridges/${id}/play`, { media });
    // A missing file fails within milliseconds; one that plays is still playing after a second.
    await new Promise((res) => setTimeout(res, 1_000));
    ctx.socket?.off('event', onEvent);
    if (r.status !== 201) return `refused: HTTP ${r.status} ${messageOf(r.body)}`;
    return failed ? 'the file is missing (its playback failed at once)' : undefined;
  } finally {
    await ariRequest(ctx.target, 'DELETE', `/bridges/${id}`).catch(() => undefined);
  }
}

/** A real one-second recording of an empty bridge: the spool exists and Asterisk can write it. */
export async function checkRecording(ctx: AriCtx): Promise<void> {
  const bridge = await ariRequest(ctx.target, 'POST', '/bridges', { type: 'mixing' });
  const id = (bridge.body as { id?: string } | undefined)?.id;
  if (!id) {
    add(ctx, {
      check: 'recording',
      status: 'fail',
      detail: `cannot create a bridge (HTTP ${bridge.status} ${messageOf(bridge.body)})`,
      fix:
        bridge.status === 403 ? 'the ARI user is read-only: ari.conf read_only=no' : 'see the Asterisk log',
    });
    return;
  }
  const name = `dialer-check-${process.pid}-${Date.now().toString(36)}`;
  try {
    const rec = await ariRequest(ctx.target, 'POST', `/bridges/${id}/record`, { name, format: 'wav' });
    await new Promise((res) => setTimeout(res, 500));
    await ariRequest(ctx.target, 'POST', `/recordings/live/${name}/stop`);
    const stored = await ariRequest(ctx.target, 'GET', `/recordings/stored/${name}`);
    add(
      ctx,
      rec.status === 201 && stored.status === 200
        ? {
            check: 'recording',
            status: 'ok',
            detail: 'a test recording was written to the spool and removed',
          }
        : {
            check: 'recording',
            status: 'fail',
            detail: `a test recording was not stored (record HTTP ${rec.status}, stored HTTP ${stored.status})`,
            fix: SPOOL_FIX,
          },
    );
  } finally {
    await ariRequest(ctx.target, 'DELETE', `/recordings/stored/${name}`).catch(() => undefined);
    await ariRequest(ctx.target, 'DELETE', `/bridges/${id}`).catch(() => undefined);
  }
}
