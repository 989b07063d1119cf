import type { ConnectBaselineResult } from './connect-baseline.js';
import type { ConnectResult } from './connect-engine.js';
import type { LoadPlan, LoadResult } from './originate-engine.js';
import type { ReportRow } from './report.js';
import { shareAtMost, spread, sustainedRate } from './stats.js';

/** The table's short name for the FreeSWITCH part's same-run baseline. */
export const RAW_ESL = 'bare ESL';

/**
 * Part 6, the FreeSWITCH column: answer → customer in the agent's conference and sustained
 * originates/s, the engine over the ESL driver beside a bare ESL client, same FreeSWITCH and SIPp.
 */
export function freeswitchRows(
  c: { engine: ConnectResult; baseline: ConnectBaselineResult },
  l: { plan: LoadPlan; engine: LoadResult; baseline: LoadResult },
): ReportRow[] {
  const rows: ReportRow[] = [];
  const add = (metric: string, unit: string, dialer: number, baseline = NaN, reference = '') =>
    rows.push({
      part: '6 FreeSWITCH',
      metric,
      unit,
      dialer,
      baseline,
      baselineWhat: Number.isFinite(baseline) ? RAW_ESL : '',
      reference,
    });
  const e = c.engine;
  const b = c.baseline;
  add(
    'calls bridged',
    'n',
    e.bridged,
    b.bridged,
    `dialled: ${e.calls} / ${b.calls}; abandoned ${e.abandoned}`,
  );
  const er = spread(e.rowsMs);
  const br = spread(b.rowsMs);
  const span = 'answer event in → uuid_transfer reply';
  add('answer→bridged p50 (call rows)', 'ms', er.p50, br.p50, `baseline: ${span}`);
  add('answer→bridged p99 (call rows)', 'ms', er.p99, br.p99, 'law: ≤ 2,000 ms');
  add('bridged within 100 ms', '%', 100 * shareAtMost(e.rowsMs, 100), 100 * shareAtMost(b.rowsMs, 100));
  const es = spread(e.shareMs);
  const bs = spread(b.shareMs);
  add("engine's share p50: event in → transfer request out", 'ms', es.p50, bs.p50);
  add("engine's share p99", 'ms', es.p99, bs.p99);
  const et = spread(e.bridgeRestMs);
  const bt = spread(b.bridgeRestMs);
  add('transfer request → FreeSWITCH reply p50', 'ms', et.p50, bt.p50);
  add('transfer request → FreeSWITCH reply p99', 'ms', et.p99, bt.p99);
  add(
    'attempts with two rows / without outcome',
    'n',
    e.integrity.duplicateAttempts + e.integrity.withoutOutcome,
  );
  const setup = `${l.plan.calls} calls, hold ${l.plan.holdSec} s, ≤ ${l.plan.maxChannels} ch`;
  add(
    'sustained originates/s (middle 80%)',
    '/s',
    sustainedRate(l.engine.originatedAt),
    sustainedRate(l.baseline.originatedAt),
    setup,
  );
  add(
    'answered / originated',
    '%',
    (100 * l.engine.answered) / l.engine.calls,
    (100 * l.baseline.answered) / l.baseline.calls,
  );
  add('originates refused or failed', 'n', l.engine.failed, l.baseline.failed);
  const eo = spread(l.engine.originateRestMs);
  const bo = spread(l.baseline.originateRestMs);
  add('originate request → bgapi reply p50', 'ms', eo.p50, bo.p50);
  add('originate request → bgapi reply p99', 'ms', eo.p99, bo.p99);
  return rows;
}
