import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** The engine's Prometheus metrics, on their own registry (served at GET /metrics). */
export class Metrics {
  readonly registry = new Registry();
  readonly callsEnded = new Counter({
    name: 'dialer_calls_ended_total',
    help: 'Dial attempts that ended, by campaign and outcome',
    labelNames: ['campaign', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly abandons = new Counter({
    name: 'dialer_abandoned_total',
    help: 'Live answers not connected to an agent within the connect window',
    labelNames: ['campaign'] as const,
    registers: [this.registry],
  });
  readonly liveAnswers = new Counter({
    name: 'dialer_live_answers_total',
    help: 'Answers by a person (the abandon-rate denominator)',
    labelNames: ['campaign'] as const,
    registers: [this.registry],
  });
  readonly connectSeconds = new Histogram({
    name: 'dialer_connect_seconds',
    help: 'From live answer (or AMD verdict) to the customer in the agent bridge',
    labelNames: ['campaign'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2, 3],
    registers: [this.registry],
  });
  readonly liveCalls = new Gauge({
    name: 'dialer_live_calls',
    help: 'Calls in progress',
    labelNames: ['campaign'] as const,
    registers: [this.registry],
  });
  readonly trunkPaused = new Gauge({
    name: 'dialer_trunk_paused',
    help: 'Whether the trunk is paused because its calls keep failing (1) or dials (0)',
    labelNames: ['trunk'] as const,
    registers: [this.registry],
  });
  readonly archiveFull = new Gauge({
    name: 'dialer_archive_full',
    help: 'Whether the recording archive is full (1): recordings wait in the PBX spool',
    registers: [this.registry],
  });
  readonly archiveFreeBytes = new Gauge({
    name: 'dialer_archive_free_bytes',
    help: 'Free space in the recording archive (recordings.root), bytes',
    registers: [this.registry],
  });
  readonly agents = new Gauge({
    name: 'dialer_agents',
    help: 'Agents by state',
    labelNames: ['campaign', 'state'] as const,
    registers: [this.registry],
  });
  readonly dialLevel = new Gauge({
    name: 'dialer_dial_level',
    help: 'Calls in flight (ringing, waiting or connected) per active agent (not paused or logged out)',
    labelNames: ['campaign'] as const,
    registers: [this.registry],
  });
  readonly hopperDepth = new Gauge({
    name: 'dialer_hopper_depth',
    help: 'Dial attempts queued in the campaign hopper (BullMQ on Redis), as last read by the runner',
    labelNames: ['campaign'] as const,
    registers: [this.registry],
  });
  readonly recordings = new Counter({
    name: 'dialer_recordings_total',
    help: 'Call recordings by result: archived (copied, sha256 stored) or failed (left in the PBX spool for recovery)',
    labelNames: ['campaign', 'result'] as const,
    registers: [this.registry],
  });
  readonly pbxUp = new Gauge({
    name: 'dialer_pbx_up',
    help: 'PBX connection state by node, read at each scrape: 1 connected, 0 not',
    labelNames: ['node'] as const,
    registers: [this.registry],
  });

  /** Reads each PBX node's state when /metrics is scraped. */
  watchPbx(states: () => Promise<{ node: string; up: boolean }[]>): void {
    const gauge = this.pbxUp;
    (gauge as unknown as { collect: () => Promise<void> }).collect = async () => {
      for (const s of await states()) gauge.set({ node: s.node }, s.up ? 1 : 0);
    };
  }
}
