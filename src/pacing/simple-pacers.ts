import type { Pacer, PacerDecision, PacerState } from './types.js';
import { readyCount } from './types.js';

/** One line per ready agent not already covered by a ringing or waiting call. */
export function progressiveLines(s: PacerState): number {
  return Math.max(0, readyCount(s.agents) - s.ringing.length - s.waitingCustomers);
}

/** Progressive: never more calls than ready agents — zero abandons by construction. */
export class ProgressivePacer implements Pacer {
  readonly name = 'progressive';
  observe(): void {}
  decide(s: PacerState): PacerDecision {
    const lines = Math.min(s.trunkFreeLines, progressiveLines(s));
    return { lines, reason: 'one line per uncovered ready agent', inputs: { ready: readyCount(s.agents) } };
  }
}

/**
 * Preview: the agent reads the record first and the call goes out when they have been ready
 * for `previewSeconds` (the engine places it on the agent's click; the simulator models the delay).
 */
export class PreviewPacer implements Pacer {
  readonly name = 'preview';
  constructor(private readonly previewSeconds = 10) {}
  observe(): void {}
  decide(s: PacerState): PacerDecision {
    let done = 0;
    for (const a of s.agents) if (a.state === 'ready' && a.secondsInState >= this.previewSeconds) done++;
    const lines = Math.min(s.trunkFreeLines, Math.max(0, done - s.ringing.length - s.waitingCustomers));
    return { lines, reason: `agents done previewing (${this.previewSeconds}s)`, inputs: { done } };
  }
}

/**
 * Fixed ratio: keep `ratio` × (ready + on-call agents) calls up. The simplest predictive
 * dialer, and the one a tuned-offline frontier is measured with.
 */
export class FixedRatioPacer implements Pacer {
  readonly name: string;
  constructor(private readonly ratio: number) {
    this.name = `fixed-${ratio.toFixed(1)}`;
  }
  observe(): void {}
  decide(s: PacerState): PacerDecision {
    const counted = countedAgents(s);
    const inProgress = s.ringing.length + s.waitingCustomers + s.connectedCalls;
    const goal = Math.round(this.ratio * counted);
    const lines = Math.min(s.trunkFreeLines, Math.max(0, goal - inProgress));
    return {
      lines,
      reason: `ratio ${this.ratio} × ${counted} agents`,
      inputs: { counted, inProgress, goal },
    };
  }
}

/** Agentless (message/IVR broadcast): fill the trunk, limited by calls per decision. */
export class AgentlessPacer implements Pacer {
  readonly name = 'agentless';
  constructor(private readonly maxPerDecision: number) {}
  observe(): void {}
  decide(s: PacerState): PacerDecision {
    const lines = Math.max(0, Math.min(s.trunkFreeLines, this.maxPerDecision));
    return { lines, reason: 'trunk capacity', inputs: { trunkFreeLines: s.trunkFreeLines } };
  }
}

/** Agents that count for ratio dialling: ready or on a call (not wrapping, not paused). */
export function countedAgents(s: PacerState): number {
  let n = 0;
  for (const a of s.agents) if (a.state === 'ready' || a.state === 'on-call' || a.state === 'reserved') n++;
  return n;
}

/**
 * Idle ratio: keep `k` × ready agents calls ringing or waiting. k = 1 is progressive; tuned
 * offline per scenario (bench:pacing) it is a strong fixed policy, since it dials only for
 * agents who are idle now and so adapts to the team's state without any forecast.
 */
export class IdleRatioPacer implements Pacer {
  readonly name: string;
  constructor(private readonly k: number) {
    this.name = `idle×${k.toFixed(2)}`;
  }
  observe(): void {}
  decide(s: PacerState): PacerDecision {
    const ready = readyCount(s.agents);
    const inProgress = s.ringing.length + s.waitingCustomers;
    const goal = Math.round(this.k * ready);
    const lines = Math.min(s.trunkFreeLines, Math.max(0, goal - inProgress));
    return { lines, reason: `${this.k} × ${ready} idle agents`, inputs: { ready, inProgress, goal } };
  }
}
