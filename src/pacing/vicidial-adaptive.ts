import { abandonRate } from './abandon-ledger.js';
import type { Pacer, PacerDecision, PacerState } from './types.js';
import { activeCount, readyCount } from './types.js';
import { countedAgents } from './simple-pacers.js';

/** What VICIdial does when today's drop % passes the target. */
export type DropLimitMode = 'HARD_LIMIT' | 'AVERAGE' | 'TAPERED';

/** VICIdial campaign settings that drive ADAPT_* dialling (names follow its admin screens). */
export interface VicidialConfig {
  /** adaptive_dropped_percentage. */
  dropTargetPercent: number;
  /** adaptive_maximum_level. */
  maxLevel: number;
  /** adaptive_intensity, −40…40. */
  intensity: number;
  /** adaptive_dl_diff_target: −1 keeps an agent idle, +1 a call waiting. */
  diffTarget: number;
  mode: DropLimitMode;
  /** Length of the dialling day (for TAPERED). */
  daySeconds: number;
}

export const DEFAULT_VICIDIAL: VicidialConfig = {
  dropTargetPercent: 3,
  maxLevel: 3,
  intensity: 0,
  diffTarget: 0,
  mode: 'HARD_LIMIT',
  daySeconds: 8 * 3600,
};

/**
 * One 15-second level update of AST_VDadapt.pl (as summarised in docs/benchmarks.md): a pure
 * function so the published rule can be checked by hand.
 */
export function adaptLevel(
  level: number,
  meanIdle: number,
  meanWaiting: number,
  meanAgents: number,
  cfg: Pick<VicidialConfig, 'intensity' | 'diffTarget' | 'maxLevel'>,
): number {
  if (meanAgents <= 0) return level;
  const target = meanIdle - meanWaiting + cfg.diffTarget;
  const ratio = target / meanAgents;
  const adj = ratio >= 0 ? ratio * (1 + cfg.intensity / 100) : ratio * (1 - cfg.intensity / 100);
  return Math.min(cfg.maxLevel, Math.max(1, level * (1 + adj)));
}

/** The VICIdial-style adaptive pacer: the baseline ours has to beat. */
export class VicidialAdaptivePacer implements Pacer {
  readonly name = 'vicidial-adapt';
  private readonly cfg: VicidialConfig;
  private level = 1;
  private idle: number[] = [];
  private waiting: number[] = [];
  private agents: number[] = [];
  private nextSample = Number.NEGATIVE_INFINITY;
  private nextAdjust = Number.NEGATIVE_INFINITY;
  private nextDropCheck = Number.NEGATIVE_INFINITY;
  private nextDial = Number.NEGATIVE_INFINITY;
  private dropPct = 0;
  private callsToday = 0;
  private dayStart = Number.NaN;

  constructor(cfg: Partial<VicidialConfig> = {}) {
    this.cfg = { ...DEFAULT_VICIDIAL, ...cfg };
  }

  observe(): void {}

  decide(s: PacerState): PacerDecision {
    this.sample(s);
    this.checkDrops(s);
    this.adjust(s);
    if (s.now < this.nextDial) return { lines: 0, reason: 'between 2.5 s dial rounds', inputs: {} };
    this.nextDial = s.now + 2.5;
    const counted = countedAgents(s);
    const inProgress = s.ringing.length + s.waitingCustomers + s.connectedCalls;
    const goal = Math.round(this.level * counted);
    const lines = Math.min(s.trunkFreeLines, Math.max(0, goal - inProgress));
    return {
      lines,
      reason: `level ${this.level.toFixed(2)} × ${counted} agents − ${inProgress} in progress`,
      inputs: { level: this.level, counted, inProgress, dropPct: this.dropPct },
    };
  }

  private sample(s: PacerState): void {
    if (s.now < this.nextSample) return;
    this.nextSample = Math.max(this.nextSample + 1, s.now + 1 - 1e-9);
    push15(this.idle, readyCount(s.agents));
    push15(this.waiting, s.waitingCustomers);
    push15(this.agents, activeCount(s.agents));
  }

  private checkDrops(s: PacerState): void {
    if (s.now < this.nextDropCheck) return;
    this.nextDropCheck = s.now + 60;
    this.dropPct = 100 * abandonRate(s.ledger.today);
    this.callsToday = s.ledger.today.humans;
  }

  private adjust(s: PacerState): void {
    if (s.now < this.nextAdjust) return;
    this.nextAdjust = s.now + 15;
    const day = Math.floor(s.now / 86_400);
    if (day !== this.dayStart) {
      this.dayStart = day;
      this.level = 1;
    }
    this.level = adaptLevel(this.level, mean(this.idle), mean(this.waiting), mean(this.agents), this.cfg);
    const minute = s.ledger.lastMinute;
    if (minute.humans > 20 && minute.abandons / minute.humans > 0.5) this.level = Math.max(1, this.level / 2);
    if (this.callsToday > 50 && this.dropPct > this.cfg.dropTargetPercent) {
      if (this.cfg.mode === 'HARD_LIMIT') this.level = 1;
      else if (this.cfg.mode === 'AVERAGE') this.level = Math.max(1, this.level / 2);
      else {
        const left = 1 - (s.now % 86_400) / this.cfg.daySeconds;
        this.level = Math.max(1, 1 + (this.level - 1) * Math.max(0, left));
      }
    }
  }
}

function push15(xs: number[], x: number): void {
  xs.push(x);
  if (xs.length > 15) xs.shift();
}

function mean(xs: readonly number[]): number {
  let t = 0;
  for (const x of xs) t += x;
  return xs.length > 0 ? t / xs.length : 0;
}
