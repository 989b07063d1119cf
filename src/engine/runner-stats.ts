import { AGENT_STATES } from '../domain/agent-state.js';
import type { AttemptResult } from '../domain/attempt.js';
import type { Metrics } from '../metrics.js';
import type { PacerDecision } from '../pacing/types.js';
import type { AgentPool } from './agent-pool.js';

export interface RunnerStats {
  dialled: number;
  /** Answered calls (people and machines) counted when they answer, not when they end. */
  answeredSoFar: number;
  /** Answered calls that have ended. */
  answered: number;
  liveAnswers: number;
  abandoned: number;
  machines: number;
  notDialled: number;
  connectMs: number[];
  outcomes: Record<string, number>;
  /** Most calls in flight at once (ringing, waiting or connected). */
  maxInFlight: number;
  /** When the pacer first chose more lines than its progressive floor (predictive over-dial). */
  firstOverDialAt?: string;
  /** The pacer's latest decision that started lines, for supervisors (`reason`, `inputs`). */
  lastDecision?: { at: string; lines: number; reason: string; inputs: PacerDecision['inputs'] };
}

export function emptyStats(): RunnerStats {
  return {
    dialled: 0,
    answeredSoFar: 0,
    answered: 0,
    liveAnswers: 0,
    abandoned: 0,
    machines: 0,
    notDialled: 0,
    connectMs: [],
    outcomes: {},
    maxInFlight: 0,
  };
}

/** Counts an ended attempt in the runner's stats and the Prometheus metrics. */
export function recordResult(stats: RunnerStats, r: AttemptResult, campaign: string, m?: Metrics): void {
  if (m) {
    m.callsEnded.inc({ campaign, outcome: r.outcome });
    if (r.liveAnswer) m.liveAnswers.inc({ campaign });
    if (r.abandoned) m.abandons.inc({ campaign });
    if (r.connectMs !== undefined) m.connectSeconds.observe({ campaign }, r.connectMs / 1000);
  }
  stats.outcomes[r.outcome] = (stats.outcomes[r.outcome] ?? 0) + 1;
  if (r.outcome === 'answered' || r.outcome === 'machine') stats.answered += 1;
  if (r.outcome === 'machine') stats.machines += 1;
  if (r.liveAnswer) stats.liveAnswers += 1;
  if (r.abandoned) stats.abandoned += 1;
  if (r.connectMs !== undefined) stats.connectMs.push(r.connectMs);
}

/** Live calls and agents by state, as of this tick (the supervisor's Prometheus view). */
export function setGauges(
  m: Metrics | undefined,
  campaign: string,
  liveCalls: number,
  agents: AgentPool,
): void {
  if (!m) return;
  m.liveCalls.set({ campaign }, liveCalls);
  for (const state of AGENT_STATES) m.agents.set({ campaign, state }, agents.count(state));
  const active = agents.all().filter((a) => a.status.state !== 'paused' && a.status.state !== 'logged-out');
  m.dialLevel.set({ campaign }, active.length === 0 ? 0 : liveCalls / active.length);
}
