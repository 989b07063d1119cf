import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { labHome } from '../../test/support/lab.js';

/** One sample of this process (and of Asterisk, which other engineers share) during a run. */
export interface Sample {
  at: number;
  /** This process's CPU time (user + system) since the sampler started, ms. */
  cpuMs: number;
  /** Asterisk's CPU time since the sampler started, ms (NaN if its PID is unknown). */
  asteriskCpuMs: number;
  rssMb: number;
  heapMb: number;
  /** Customer calls live at that moment. */
  live: number;
  /** Calls finished so far (for memory per 1,000 calls). */
  done: number;
}

const TICKS_PER_SEC = 100;

/** Asterisk's utime + stime in ms, read from /proc (its PID file is in the lab's state). */
export function asteriskCpuMs(): number {
  try {
    const pid = readFileSync(join(labHome(), 'state', 'run', 'asterisk.pid'), 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SEC;
  } catch {
    return Number.NaN;
  }
}

/** Samples CPU and memory every `everyMs` while a benchmark part runs. */
export class ResourceSampler {
  readonly samples: Sample[] = [];
  private timer?: NodeJS.Timeout;
  private cpu0 = process.cpuUsage();
  private ast0 = asteriskCpuMs();

  constructor(
    private readonly probe: () => { live: number; done: number },
    private readonly everyMs = 1_000,
  ) {}

  start(): void {
    this.cpu0 = process.cpuUsage();
    this.ast0 = asteriskCpuMs();
    this.take();
    this.timer = setInterval(() => this.take(), this.everyMs);
  }

  /** Takes a last sample and stops; later calls only return the samples. */
  stop(): Sample[] {
    if (this.timer === undefined) return this.samples;
    clearInterval(this.timer);
    this.timer = undefined;
    this.take();
    return this.samples;
  }

  private take(): void {
    const c = process.cpuUsage(this.cpu0);
    const m = process.memoryUsage();
    this.samples.push({
      at: Date.now(),
      cpuMs: (c.user + c.system) / 1000,
      asteriskCpuMs: asteriskCpuMs() - this.ast0,
      rssMb: m.rss / 2 ** 20,
      heapMb: m.heapUsed / 2 ** 20,
      ...this.probe(),
    });
  }
}

let gcFn: (() => void) | undefined;

/** Heap in use after a full garbage collection, MB: the part of memory that is really kept. */
export function heapAfterGcMb(): number {
  if (!gcFn) {
    // Exposes gc() without a command-line flag (the npm script runs plain `tsx`).
    setFlagsFromString('--expose_gc');
    gcFn = runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

/** CPU and memory figures over a run's samples. */
export interface ResourceSummary {
  seconds: number;
  /** This process's CPU, % of one core. */
  cpuPct: number;
  asteriskCpuPct: number;
  meanLive: number;
  peakLive: number;
  peakRssMb: number;
  peakHeapMb: number;
}

export function summariseSamples(samples: readonly Sample[]): ResourceSummary {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.at === first.at) {
    return {
      seconds: 0,
      cpuPct: NaN,
      asteriskCpuPct: NaN,
      meanLive: NaN,
      peakLive: 0,
      peakRssMb: NaN,
      peakHeapMb: NaN,
    };
  }
  const ms = last.at - first.at;
  return {
    seconds: ms / 1000,
    cpuPct: (100 * (last.cpuMs - first.cpuMs)) / ms,
    asteriskCpuPct: (100 * (last.asteriskCpuMs - first.asteriskCpuMs)) / ms,
    meanLive: samples.reduce((a, s) => a + s.live, 0) / samples.length,
    peakLive: Math.max(...samples.map((s) => s.live)),
    peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
    peakHeapMb: Math.max(...samples.map((s) => s.heapMb)),
  };
}
