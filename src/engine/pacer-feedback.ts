import type { AttemptResult } from '../domain/attempt.js';
import type { Pacer } from '../pacing/types.js';

/** A live answer reached the agent queue: the dial resolved as routed, told at once. */
export function observeRouted(pacer: Pacer, launchedAt: number, at: number): void {
  pacer.observe({
    type: 'dial-resolved',
    now: at / 1000,
    routed: true,
    delaySeconds: Math.max(0, (at - launchedAt) / 1000),
  });
}

/**
 * At the attempt's end: a dial that never reached the agent queue resolves now (routed ones
 * were told at routing, and the ledger at the connect or the abandon); a talk feeds handle
 * time, with the wrap-up the agent is then held for.
 */
export function observeEnd(
  pacer: Pacer,
  r: AttemptResult,
  t: { launchedAt: number | undefined; now: number; wrapUpSec: number },
): void {
  const launched = t.launchedAt ?? t.now;
  if (!r.liveAnswer) {
    pacer.observe({
      type: 'dial-resolved',
      now: t.now / 1000,
      routed: false,
      delaySeconds: Math.max(0, (t.now - launched) / 1000),
    });
  }
  if (r.talkMs !== undefined) {
    pacer.observe({
      type: 'handle',
      now: t.now / 1000,
      talkSeconds: r.talkMs / 1000,
      wrapSeconds: t.wrapUpSec,
    });
  }
}
