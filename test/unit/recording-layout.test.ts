import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LAYOUT,
  layoutPath,
  layoutProblem,
  manifestFolder,
  type LayoutFields,
} from '../../src/domain/recording-layout.js';

const call: LayoutFields = {
  callId: 'c1-l2-a3',
  campaignCode: 'spring/promo',
  purpose: 'marketing',
  at: new Date('2026-03-08T23:30:00Z'),
};

describe('recording layout: year → month → project type → campaign → call', () => {
  it.each([
    [DEFAULT_LAYOUT, call, '2026/03/marketing/spring_promo/c1-l2-a3.wav'],
    ['{yyyy}/{mm}/{dd}/{campaign}/{call}.wav', call, '2026/03/08/spring_promo/c1-l2-a3.wav'],
    [DEFAULT_LAYOUT, { ...call, campaignCode: '..', purpose: '../etc' }, '2026/03/.._etc/_/c1-l2-a3.wav'],
    [
      DEFAULT_LAYOUT,
      { ...call, at: new Date('2026-12-31T23:59:59.999Z') },
      '2026/12/marketing/spring_promo/c1-l2-a3.wav',
    ],
  ])('%s with %j → %s', (template, fields, expected) => {
    expect(layoutPath(template, fields)).toBe(expected);
  });

  it.each([
    [DEFAULT_LAYOUT, '2026/03'],
    ['{yyyy}/{campaign}/{call}.wav', '2026'],
    ['{campaign}/{call}.wav', 'spring_promo'],
    ['{yyyy}{mm}/{call}.wav', '202603'],
  ])('%s keeps its SHA256SUMS in %s', (template, folder) => {
    expect(manifestFolder(template, call)).toBe(folder);
  });

  it.each([
    [DEFAULT_LAYOUT, undefined],
    ['{yyyy}/{mm}/{campaign}.wav', 'must contain {call}, so every call has its own file'],
    [
      '{yyyy}/{month}/{call}.wav',
      'unknown token {month} (known: {yyyy} {mm} {dd} {purpose} {campaign} {call})',
    ],
    ['{yyyy}/{call}.mp3', 'must end in .wav'],
    ['/{yyyy}/{call}.wav', 'is relative to recordings.root; remove the leading /'],
    ['{yyyy}/../{call}.wav', 'has an empty, "." or ".." folder'],
    ['{yyyy}//{call}.wav', 'has an empty, "." or ".." folder'],
  ])('layoutProblem(%s) → %s', (template, problem) => {
    expect(layoutProblem(template)).toBe(problem);
  });
});
