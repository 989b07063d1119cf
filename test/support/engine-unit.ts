import pino from 'pino';
import { DEFAULT_RETRY_RULES } from '../../src/domain/campaign/retry.js';
import type { DialMode } from '../../src/domain/campaign/dial-mode.js';
import { DEFAULT_SECOND_CONFIRMATION } from '../../src/domain/campaign/second-confirmation.js';
import type { LeadRules } from '../../src/domain/lead/lifecycle.js';
import { startCampaignEngine, type CampaignEngine } from '../../src/engine/campaign-engine.js';
import type { CampaignPlan } from '../../src/engine/campaign-runner.js';
import { EngineRegistry } from '../../src/engine/registry.js';
import { TrunkLimiter } from '../../src/engine/trunk-limiter.js';
import { FakePbxDriver, ManualClock } from '../../src/pbx/fake/index.js';
import type { Metrics } from '../../src/metrics.js';
import type { CampaignRow } from '../../src/ports/campaigns.js';
import { MemoryCalls, MemoryLedger } from './engine-memory.js';
import {
  HeldLease,
  MemoryAgentStates,
  MemoryArchive,
  MemoryDispositions,
  MemoryHopper,
  MemoryOffers,
  MemoryRecordings,
  noSurveys,
  ScriptedGate,
  ScriptedPacer,
} from './engine-memory-ports.js';

export const CAMPAIGN_ID = 42;
/** Wednesday noon UTC: when every unit-tier campaign starts. */
export const START = Date.parse('2026-06-10T12:00:00Z');

export interface UnitCampaign {
  mode: DialMode;
  amd?: boolean;
  wrapUpSec?: number;
  maxAttempts?: number;
  secondConfirmation?: Partial<LeadRules['secondConfirmation']>;
  /** Preview: seconds an offer shows before it dials by itself (0 = only on the agent's click). */
  previewSeconds?: number;
  idMessageSec?: number;
  /** Prometheus metrics the engine updates (GET /metrics in the service). */
  metrics?: Metrics;
}

/**
 * One campaign's real engine (registry, runner, call flow, agent pool, preview desk) on the fake
 * PBX, a manual clock shared by both, and in-memory ports: no Postgres, no Redis, no lab. Time
 * moves only when the test says (`advance`), so a two-second window is exactly two seconds.
 */
export async function engineUnit(c: UnitCampaign) {
  const clock = new ManualClock(START);
  const pbx = new FakePbxDriver({ clock });
  await pbx.connect();
  const m = memoryPorts(c, clock);
  const { calls, ledger, pacer, offers, dispositions } = m;
  const row = unitRow(c, m.rules);
  const plan = unitPlan(c);
  const logger = pino({ level: process.env['DIALER_TEST_LOG'] ?? 'silent' });
  const registry = new EngineRegistry({
    startEngine: () =>
      startCampaignEngine(
        row,
        { ...plan },
        {
          pbx,
          calls,
          history: calls,
          recordings: m.recordings,
          archive: m.archive,
          recovery: m.archive,
          agentStates: m.agentStates,
          surveys: noSurveys,
          hopper: m.hopper,
          lease: m.lease,
          trunk: new TrunkLimiter('unit', 10, 50, () => clock.now()),
          gate: m.gate,
          ledger,
          offers,
          views: offers,
          logger,
          clock,
          metrics: c.metrics,
          // Predictive: the test decides the lines; progressive keeps one per ready agent.
          pacer: c.mode === 'predictive' ? pacer : undefined,
        },
      ),
    campaigns: { find: (id) => Promise.resolve(id === CAMPAIGN_ID || id === 'unit' ? row : undefined) },
    agents: {
      byUsername: (u) => {
        const n = /^agent(\d+)$/.exec(u)?.[1];
        return Promise.resolve(
          n
            ? {
                id: Number(n),
                username: u,
                sip_endpoint: `agent/${n}`,
                active: true,
                role: 'agent',
                campaigns: [CAMPAIGN_ID],
              }
            : undefined,
        );
      },
    },
    dispositions,
    doctor: { diagnose: () => Promise.reject(new Error('no doctor in the unit tier')) },
    pbxHealth: () => pbx.health(),
    now: () => clock.now(),
  });

  const { advance, settle, until } = clockDriver(clock);
  const engine = (): CampaignEngine => {
    const e = registry.get(CAMPAIGN_ID);
    if (!e) throw new Error('the campaign is not started');
    return e;
  };
  return {
    ...m,
    clock,
    pbx,
    registry,
    engine,
    advance,
    settle,
    until,
    start: () => settle(registry.start(CAMPAIGN_ID)),
    login: (n: number) => settle(registry.login(`agent${n}`, CAMPAIGN_ID)),
    agent: (n: number) => engine().agents.get(n),
    async stop() {
      await settle(registry.stopAll(5_000), 10_000);
      await pbx.close();
    },
  };
}

export type EngineUnit = Awaited<ReturnType<typeof engineUnit>>;

/** Every port of the campaign, in memory (test/support/engine-memory*.ts). */
function memoryPorts(c: UnitCampaign, clock: ManualClock) {
  const rules: LeadRules = {
    maxAttempts: c.maxAttempts ?? 5,
    retry: DEFAULT_RETRY_RULES,
    secondConfirmation: { ...DEFAULT_SECOND_CONFIRMATION, ...c.secondConfirmation },
  };
  const calls = new MemoryCalls(clock);
  const ledger = new MemoryLedger(CAMPAIGN_ID, rules, clock, calls);
  return {
    rules,
    calls,
    ledger,
    hopper: new MemoryHopper(),
    lease: new HeldLease(),
    gate: new ScriptedGate(),
    pacer: new ScriptedPacer(),
    recordings: new MemoryRecordings(),
    archive: new MemoryArchive(),
    agentStates: new MemoryAgentStates(),
    offers: new MemoryOffers(ledger, clock),
    dispositions: new MemoryDispositions(ledger, calls, rules.secondConfirmation),
  };
}

function unitRow(c: UnitCampaign, rules: LeadRules): CampaignRow {
  return {
    id: CAMPAIGN_ID,
    code: 'unit',
    name: 'Unit',
    status: 'active',
    purpose: 'care',
    abandon_target: 0.03,
    dial_mode: c.mode,
    caller_id_number: '+15555550100',
    caller_id_name: 'Unit',
    trunk: 'unit',
    max_attempts: rules.maxAttempts,
    settings: {
      engine: {
        ringTimeoutSec: 15,
        amd: c.amd ?? false,
        wrapUpSec: c.wrapUpSec ?? 30,
        idMessageSec: c.idMessageSec ?? 9,
        previewSeconds: c.previewSeconds ?? 0,
      },
    },
  };
}

function unitPlan(c: UnitCampaign): CampaignPlan {
  return {
    id: CAMPAIGN_ID,
    campaignCode: 'unit',
    campaignPurpose: 'marketing',
    mode: c.mode,
    dialTemplate: 'lab/{number}',
    trunk: 'unit',
    pbxNode: 'fake',
    callerId: { number: '+15555550100' },
    ringTimeoutSec: 15,
    amd: c.amd ?? false,
    connectWithinMs: 2_000,
    idMessage: 'sound:custom/dialer-id-message',
    idMessageSec: c.idMessageSec ?? 9,
    tickMs: 250,
    hopperLowWater: 20,
  };
}

/** Moves a manual clock and lets the engine react: `advance`, `settle` a promise, `until` a probe holds. */
export function clockDriver(clock: ManualClock) {
  /** Lets every promise the last timers started run to its next wait. */
  const flush = async () => {
    for (let i = 0; i < 4; i++) await new Promise((r) => setImmediate(r));
  };
  /** Moves the clock forward in small steps, letting the engine react after each. */
  const advance = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await flush();
    }
  };
  /** Advances until `p` settles (at most `maxMs` of clock time). */
  const settle = async <T>(p: Promise<T>, maxMs = 30_000): Promise<T> => {
    let state: { ok: true; v: T } | { ok: false; e: unknown } | undefined;
    p.then(
      (v) => (state = { ok: true, v }),
      (e: unknown) => (state = { ok: false, e }),
    );
    await flush();
    for (let t = 0; !state && t < maxMs; t += 10) await advance(10);
    if (!state) throw new Error(`did not settle within ${maxMs} ms of clock time`);
    if (!state.ok) throw state.e;
    return state.v;
  };
  /** Advances until `probe` holds (at most `maxMs` of clock time). */
  const until = async (what: string, probe: () => boolean, maxMs = 60_000, step = 10) => {
    for (let t = 0; !probe(); t += step) {
      if (t > maxMs) throw new Error(`timed out (clock) waiting for ${what}`);
      await advance(step, step);
    }
  };
  return { flush, advance, settle, until };
}
