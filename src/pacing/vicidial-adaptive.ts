import type { Pacer, PacerDecision, PacerObservation, PacerState } from './types.js';
import { readyCount } from './types.js';
import { countedAgents } from './simple-pacers.js';

/**
 * The VICIdial-style baseline, reproduced from VICIdial's own source (AST_VDadapt.pl 2.4 and
 * 2.14, AST_VDauto_dial.pl; see docs/pacing.md for what was read and where). Names follow its
 * campaign settings so the rule can be checked against the Perl line by line.
 */

/** What VICIdial does when today's drop % passes the target (dial_method ADAPT_*). */
export type DropLimitMode = 'HARD_LIMIT' | 'AVERAGE' | 'TAPERED';

/** VICIdial campaign settings that drive ADAPT_* dialling. */
export interface VicidialConfig {
  /** adaptive_dropped_percentage (VICIdial default 3). */
  dropTargetPercent: number;
  /** adaptive_maximum_level (default 3.0). */
  maxLevel: number;
  /** adaptive_intensity, −40…40 (default 0). */
  intensity: number;
  /** adaptive_dl_diff_target: −1 keeps an agent idle, +1 a call waiting (default 0). */
  diffTarget: number;
  mode: DropLimitMode;
  /** adaptive_latest_server_time as HHMM (VICIdial default 2100): the end of the dialling day. */
  latestServerTime: number;
  /** Seconds added to `now` to read the server's local clock (the sim's day starts at 0). */
  clockOffsetSeconds: number;
}

export const DEFAULT_VICIDIAL: VicidialConfig = {
  dropTargetPercent: 3,
  maxLevel: 3,
  intensity: 0,
  diffTarget: 0,
  mode: 'HARD_LIMIT',
  latestServerTime: 2100,
  clockOffsetSeconds: 0,
};

/**
 * The differential step of calculate_dial_level: target = differential + dl_diff_target,
 * mul = target ÷ mean agents, scaled by intensity (up by 1 + i/100, down by |i/100 − 1|),
 * level × (1 + mul) rounded to 3 decimals, clamped to [1, max level].
 */
export function adaptLevel(
  level: number,
  meanIdle: number,
  meanWaiting: number,
  meanAgents: number,
  cfg: Pick<VicidialConfig, 'intensity' | 'diffTarget' | 'maxLevel'>,
): number {
  const target = meanIdle - meanWaiting + cfg.diffTarget;
  const mul = target !== 0 && meanAgents !== 0 ? target / meanAgents : 0;
  const i = cfg.intensity / 100;
  const adj = mul < 0 ? mul * Math.abs(i - 1) : mul * (i + 1);
  const next = Math.round(level * (1 + adj) * 1000) / 1000;
  return Math.min(cfg.maxLevel, Math.max(1, next));
}

/**
 * ADAPT_TAPERED's rate from the HHMM clock, as the Perl does it: hours_left = latest − now in
 * HHMM digits (so 17:00 − 09:30 is 770, not 750); more than 1000 left → 1, else left ÷ 1000.
 */
export function taperedRate(latestHHMM: number, nowHHMM: number): { left: number; rate: number } {
  const left = latestHHMM - nowHHMM;
  return { left, rate: left > 1000 ? 1 : left / 1000 };
}

/** Drop statistics as AST_VDadapt.pl's calculate_drops leaves them (refreshed every 60 s). */
export interface DropStats {
  /** Calls (dial attempts logged) in the last minute and today. */
  callsOne: number;
  callsToday: number;
  /** Drops ÷ calls in the last minute, percent. */
  dropsOnePct: number;
  /** Drops ÷ human answers today, percent (answers floored at 1). */
  dropsAnswersTodayPct: number;
}

/**
 * The drop-percentage rules of calculate_dial_level, applied to the level after the
 * differential step: last minute > 20 calls with > 50% dropped halves it; today > 50 calls over
 * the target: HARD_LIMIT → 1.0, AVERAGE → half, TAPERED → × tapered rate (1.0 once past the
 * latest server time). Never below 1.
 */
export function applyDropRules(
  level: number,
  d: DropStats,
  cfg: Pick<VicidialConfig, 'mode' | 'dropTargetPercent'>,
  tapered: { left: number; rate: number },
): number {
  let l = level;
  if (d.callsOne > 20 && d.dropsOnePct > 50) l = l / 2;
  if (d.callsToday > 50 && d.dropsAnswersTodayPct > cfg.dropTargetPercent) {
    if (cfg.mode === 'HARD_LIMIT') l = 1;
    else if (cfg.mode === 'AVERAGE') l = l / 2;
    else l = tapered.left < 0 ? 1 : l * tapered.rate;
  }
  return Math.max(1, l);
}

/** HHMM of the server clock at `now` (seconds) with an offset. */
export function hourMinute(now: number, offsetSeconds: number): number {
  const s = (((now + offsetSeconds) % 86_400) + 86_400) % 86_400;
  return Math.floor(s / 3600) * 100 + Math.floor((s % 3600) / 60);
}

/** The VICIdial-style adaptive pacer: the baseline ours has to beat. */
export class VicidialAdaptivePacer implements Pacer {
  readonly name: string;
  private readonly cfg: VicidialConfig;
  /** auto_dial_level: kept in the campaign row, so it carries over from one day to the next. */
  private level = 1;
  private idle: number[] = [];
  private waiting: number[] = [];
  private agents: number[] = [];
  private nextSample = Number.NEGATIVE_INFINITY;
  private nextAdjust = Number.NaN;
  private nextDropCheck = Number.NEGATIVE_INFINITY;
  private nextDial = Number.NEGATIVE_INFINITY;
  private drops: DropStats = { callsOne: 0, callsToday: 0, dropsOnePct: 0, dropsAnswersTodayPct: 0 };
  /** Resolution times of dials in the last minute, and the count today (vicidial_log rows). */
  private recentCalls: number[] = [];
  private callsToday = 0;
  private callsDay = Number.NaN;

  constructor(cfg: Partial<VicidialConfig> = {}, name?: string) {
    this.cfg = { ...DEFAULT_VICIDIAL, ...cfg };
    this.name = name ?? 'vicidial-adapt';
  }

  observe(o: PacerObservation): void {
    if (o.type !== 'dial-resolved') return;
    const day = this.serverDay(o.now);
    if (day !== this.callsDay) {
      this.callsDay = day;
      this.callsToday = 0;
    }
    this.callsToday++;
    this.recentCalls.push(o.now);
  }

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
      reason: `level ${this.level.toFixed(3)} × ${counted} agents − ${inProgress} in progress`,
      inputs: {
        level: this.level,
        counted,
        inProgress,
        dropPctToday: this.drops.dropsAnswersTodayPct,
        callsToday: this.drops.callsToday,
        mode: this.cfg.mode,
      },
    };
  }

  /** count_agents_lines, every 1 s: ready agents, LIVE (waiting) calls, all logged-in agents. */
  private sample(s: PacerState): void {
    if (s.now < this.nextSample) return;
    this.nextSample = Math.max(this.nextSample + 1, s.now + 1 - 1e-9);
    let loggedIn = 0;
    for (const a of s.agents) if (a.state !== 'logged-out') loggedIn++;
    push15(this.idle, readyCount(s.agents));
    push15(this.waiting, s.waitingCustomers);
    push15(this.agents, loggedIn);
  }

  /** calculate_drops, every 60 s (and at start). */
  private checkDrops(s: PacerState): void {
    if (s.now < this.nextDropCheck) return;
    this.nextDropCheck = s.now + 60;
    while (this.recentCalls.length > 0 && (this.recentCalls[0] ?? 0) <= s.now - 60) this.recentCalls.shift();
    const today = s.ledger.today;
    const minute = s.ledger.lastMinute;
    const callsOne = this.recentCalls.length;
    this.drops = {
      callsOne,
      callsToday: this.serverDay(s.now) === this.callsDay ? this.callsToday : 0,
      dropsOnePct: callsOne > 0 ? (100 * minute.abandons) / callsOne : 0,
      dropsAnswersTodayPct: today.abandons > 0 ? (100 * today.abandons) / Math.max(1, today.humans) : 0,
    };
  }

  /** calculate_dial_level, every 15 s (the first 15 s after start). */
  private adjust(s: PacerState): void {
    if (Number.isNaN(this.nextAdjust)) this.nextAdjust = s.now + 15;
    if (s.now < this.nextAdjust) return;
    this.nextAdjust = s.now + 15;
    const stepped = adaptLevel(this.level, mean(this.idle), mean(this.waiting), mean(this.agents), this.cfg);
    const tapered = taperedRate(this.cfg.latestServerTime, hourMinute(s.now, this.cfg.clockOffsetSeconds));
    this.level = applyDropRules(stepped, this.drops, this.cfg, tapered);
  }

  private serverDay(now: number): number {
    return Math.floor((now + this.cfg.clockOffsetSeconds) / 86_400);
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
