import { describe, expect, it } from 'vitest';
import { observationsOf } from '../../src/store/pacer-history.js';

const t0 = new Date('2026-11-30T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const row = (over: Partial<Parameters<typeof observationsOf>[0]>) => ({
  originated_at: t0,
  answered_at: null,
  amd_at: null,
  amd_result: null,
  bridged_at: null,
  ended_at: at(25),
  outcome: 'no-answer',
  abandoned: false,
  ...over,
});

describe('observationsOf: a finished call as the pacer saw it', () => {
  it.each([
    ['no answer: not routed, resolved at the end', row({}), false, 25, undefined],
    ['busy after 3 s', row({ ended_at: at(3), outcome: 'busy' }), false, 3, undefined],
    [
      'human without AMD, bridged: routed at answer, talk = end − bridge',
      row({ answered_at: at(6), bridged_at: at(6.1), ended_at: at(66.1), outcome: 'answered' }),
      true,
      6,
      60,
    ],
    [
      'human after AMD: routed at the verdict',
      row({
        answered_at: at(5),
        amd_at: at(7.5),
        amd_result: 'human',
        bridged_at: at(7.6),
        ended_at: at(37.6),
        outcome: 'answered',
      }),
      true,
      7.5,
      30,
    ],
    [
      'machine: not routed, resolved at the end',
      row({ answered_at: at(5), amd_at: at(7), amd_result: 'machine', ended_at: at(8), outcome: 'machine' }),
      false,
      8,
      undefined,
    ],
    [
      'abandoned live answer: routed, no talk',
      row({ answered_at: at(4), ended_at: at(15), outcome: 'answered', abandoned: true }),
      true,
      4,
      undefined,
    ],
  ])('%s', (_name, r, routed, delay, talk) => {
    const obs = observationsOf(r, 10);
    expect(obs[0]).toEqual({
      type: 'dial-resolved',
      now: r.ended_at.getTime() / 1000,
      routed,
      delaySeconds: delay,
    });
    if (talk === undefined) expect(obs).toHaveLength(1);
    else expect(obs[1]).toMatchObject({ type: 'handle', talkSeconds: talk, wrapSeconds: 10 });
  });
});
