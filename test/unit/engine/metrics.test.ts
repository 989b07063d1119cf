import { afterEach, describe, expect, it } from 'vitest';
import { labNumber } from '../../../src/lab/number-plan.js';
import { Metrics } from '../../../src/metrics.js';
import { engineUnit, type EngineUnit } from '../../support/engine-unit.js';

/** The value of one sample in Prometheus text, or undefined when it is not there. */
function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/**
 * GET /metrics' numbers against what the engine stored: a predictive campaign on the fake PBX
 * with one bridged call and one abandoned one, scraped from the same registry the service serves.
 */
describe('engine metrics', () => {
  let u: EngineUnit;
  afterEach(async () => u?.stop());

  it('count calls by outcome, live answers, abandons and recordings as the call rows have them', async () => {
    const metrics = new Metrics();
    u = await engineUnit({ mode: 'predictive', wrapUpSec: 60, metrics });
    const first = u.ledger.addLead(labNumber(0, 20, 1));
    const second = u.ledger.addLead(labNumber(0, 20, 2));
    await u.start();
    await u.login(1);
    u.pacer.dial(2);
    await u.until(
      'both ended',
      () => [first, second].every((l) => u.calls.ofLead(l)[0]?.ended_at !== undefined),
      60_000,
    );
    await u.until('the archive', () => u.archive.archived.length === 2, 10_000);
    const stats = u.engine().runner.stats;
    const text = await metrics.registry.metrics();
    const rows = [first, second].map((l) => u.calls.ofLead(l)[0]);
    const campaign = 'campaign="unit"';
    expect(rows.filter((r) => r?.abandoned).length).toBe(1);
    expect(sample(text, 'dialer_abandoned_total', campaign)).toBe(1);
    expect(sample(text, 'dialer_live_answers_total', campaign)).toBe(2);
    expect(sample(text, 'dialer_calls_ended_total', `outcome="answered"`)).toBe(
      rows.filter((r) => r?.outcome === 'answered').length,
    );
    expect(sample(text, 'dialer_recordings_total', 'result="archived"')).toBe(u.archive.archived.length);
    expect(sample(text, 'dialer_connect_seconds_count', campaign)).toBe(stats.connectMs.length);
    expect(sample(text, 'dialer_hopper_depth', campaign)).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'dialer_dial_level', campaign)).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'dialer_agents', 'state="wrap-up"')).toBeGreaterThanOrEqual(0);
  });

  it("read each PBX node's state at the scrape", async () => {
    const metrics = new Metrics();
    let up = true;
    metrics.watchPbx(() => Promise.resolve([{ node: 'pbx1', up }]));
    expect(sample(await metrics.registry.metrics(), 'dialer_pbx_up', 'node="pbx1"')).toBe(1);
    up = false;
    expect(sample(await metrics.registry.metrics(), 'dialer_pbx_up', 'node="pbx1"')).toBe(0);
  });
});
