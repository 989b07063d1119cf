import type { App } from '../app.js';
import { changeStatus } from '../store/repositories/campaigns.js';
import { seedDemo } from './seed.js';
import { summarise, type DemoSummary } from './summary.js';

export interface DemoOptions {
  agents: number;
  leads: number;
  seconds: number;
  mode: 'progressive' | 'predictive';
  seed: number;
  /** The dial string of lab agent `i`'s softphone (default `PJSIP/agent<i>`, the Asterisk lab's). */
  agentEndpoint?: (i: number) => string;
  /** Progress lines while running (every 10 s). */
  onProgress?: (line: string) => void;
}

export interface DemoResult {
  campaignId: number;
  campaignCode: string;
  summary: DemoSummary;
  /** What the pacer did, from the engine: when it first over-dialled, the most calls in flight. */
  pacing: { agents: number; maxInFlight: number; overDialAfterSec?: number; lastReason?: string };
}

/**
 * The demo campaign: seeds agents and a lead list with a realistic mix of far-end behaviours,
 * logs the agents in (their SIPp softphones auto-answer), dials for `seconds`, drains live calls
 * and reads the result back from Postgres.
 */
export async function runDemo(app: App, options: DemoOptions): Promise<DemoResult> {
  const seeded = await seedDemo(app.db, { ...options, now: new Date() });
  const registry = app.engines();
  const engine = await registry.start(seeded.campaignId);
  const started = Date.now();
  try {
    await Promise.all(seeded.agents.map((a) => registry.login(a.username, seeded.campaignId)));
    while (Date.now() - started < options.seconds * 1000) {
      await new Promise((r) => setTimeout(r, 10_000));
      const s = engine.runner.stats;
      options.onProgress?.(
        `${Math.round((Date.now() - started) / 1000)} s: ${s.dialled} dialled, ${s.answeredSoFar} answered, ` +
          `${s.abandoned} abandoned, ${engine.runner.liveCalls} live, ` +
          `${engine.agents.count('on-call')}/${engine.agents.all().length} agents talking` +
          (s.lastDecision ? ` — pacer: ${s.lastDecision.reason}` : ''),
      );
    }
  } finally {
    await registry.stopAll(60_000);
    // Done: a later `dialer run` must not dial the demo's list again.
    await changeStatus(app.db, seeded.campaignId, 'complete', 'system:demo');
  }
  const s = engine.runner.stats;
  return {
    campaignId: seeded.campaignId,
    campaignCode: seeded.campaignCode,
    summary: await summarise(app.db, seeded.campaignId),
    pacing: {
      agents: seeded.agents.length,
      maxInFlight: s.maxInFlight,
      overDialAfterSec:
        s.firstOverDialAt === undefined
          ? undefined
          : Math.round((Date.parse(s.firstOverDialAt) - started) / 1000),
      lastReason: s.lastDecision?.reason,
    },
  };
}

export function formatSummary(r: DemoResult, recordingsRoot: string): string {
  const s = r.summary;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const ms = (x?: number) => (x === undefined ? 'n/a' : `${x.toLocaleString('en-US')} ms`);
  const spread = (d: { p50?: number; p99?: number; max?: number }) =>
    `p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)}`;
  return [
    `Campaign ${r.campaignCode} (id ${r.campaignId}), now completed (a later \`dialer run\` does not dial it)`,
    `  dials:            ${s.dials}  (${Object.entries(s.outcomes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')})`,
    `  answered:         ${s.answered}  (live ${s.liveAnswers}, machines ${s.machines})`,
    `  to agents:        ${s.bridged}`,
    `    customer's wait, answer → agent:      ${spread(s.answerToAgentMs)} (AMD's listening included)`,
    `    engine's share, AMD verdict → agent:  ${spread(s.verdictToAgentMs)}`,
    `  abandoned:        ${s.abandoned}  = ${pct(s.abandonRate)} of live answers (identification message played)`,
    `  agent occupancy:  ${pct(s.occupancy)}  (${Math.round(s.talkSec)} s talking of ${Math.round(s.loggedInSec)} s logged in)`,
    `  recordings:       ${s.recordingsArchived} archived (${(s.recordingBytes / 1e6).toFixed(1)} MB), ${s.recordingsFailed} failed`,
    `  integrity:        ${s.attemptsWithTwoRows} attempts with two rows, ${s.originatesWithoutOutcome} calls without an outcome`,
    `  pacing:           ${pacingLine(r.pacing)}`,
    '',
    'Where to look next:',
    `  recordings:  ${recordingsRoot}/<year>/<month>/<day>/${r.campaignCode}/`,
    `  calls:       psql postgres://postgres@127.0.0.1/dialer -c "select id, outcome, answered_at, bridged_at, abandoned from calls where campaign_id = ${r.campaignId}"`,
    '  why a lead was not dialled:  npx tsx src/cli/main.ts doctor ' + r.campaignCode,
    '  the lab is still running: npm run lab -- status   (stop it: npm run lab -- down)',
  ].join('\n');
}

/**
 * A new campaign dials one line per ready agent until the pacer has estimates (20 live answers)
 * and an abandon budget (3% of its live answers, above a reserve of 2): it never risks the 3%
 * promise on no evidence. The summary says which phase the run reached.
 */
function pacingLine(p: DemoResult['pacing']): string {
  if (p.overDialAfterSec === undefined) {
    return (
      `one line per ready agent throughout (at most ${p.maxInFlight} calls for ${p.agents} agents): ` +
      `a new campaign over-dials only once it has estimates and an abandon budget ` +
      `(about 67 live answers at a 3% target); last pacer reason: ${p.lastReason ?? 'none'}`
    );
  }
  return `predictive from ${p.overDialAfterSec} s: up to ${p.maxInFlight} calls in flight for ${p.agents} agents`;
}
