import { describe, expect, it } from 'vitest';
import {
  initialSurveyState,
  surveyStep,
  type SurveyCommand,
  type SurveyEvent,
  type SurveyState,
} from '../../src/domain/campaign/survey-machine.js';
import { surveySchema, type SurveyInput } from '../../src/domain/campaign/survey.js';

/** Two questions, as the e2e test uses; a top rating (5) skips the second. */
const definition: SurveyInput = {
  intro: 'sound:hello-world',
  questions: [
    {
      key: 'rating',
      prompt: 'sound:vm-press',
      valid: ['1', '2', '3', '4', '5'],
      timeoutSec: 4,
      retries: 1,
      invalid: 'sound:please-try-again',
      branch: { '5': 'end' },
      rating: true,
    },
    { key: 'recommend', prompt: 'sound:digits/1', valid: ['1', '2', '3'], timeoutSec: 3, retries: 1 },
  ],
  closing: 'sound:auth-thankyou',
  repeatKey: '*',
  machine: 'message',
  machineMessage: 'sound:vm-goodbye',
};

/**
 * A tiny script language: `human`, `machine`, `end` (the sound playing now ends), `stale` (an
 * old sound's end arrives late), `4` (a key), `timeout` (the running timer fires), `old-timer`,
 * `hangup`.
 */
function run(script: string, input: SurveyInput = definition) {
  const survey = surveySchema.parse(input);
  let state: SurveyState = initialSurveyState();
  const commands: string[] = [];
  for (const word of script.split(' ').filter(Boolean)) {
    const step = surveyStep(survey, state, eventOf(word, state));
    state = step.state;
    commands.push(...step.commands.map(show));
  }
  return { state, commands };
}

function eventOf(word: string, s: SurveyState): SurveyEvent {
  switch (word) {
    case 'human':
    case 'machine':
    case 'hangup':
      return { type: word };
    case 'end':
      return { type: 'played', playbackId: s.playing ?? 'nothing-plays' };
    case 'stale':
      return { type: 'played', playbackId: 'p-gone' };
    case 'timeout':
      return { type: 'timeout', timerId: s.timer ?? 'no-timer' };
    case 'old-timer':
      return { type: 'timeout', timerId: 't-gone' };
    default:
      return { type: 'key', digit: word };
  }
}

function show(c: SurveyCommand): string {
  switch (c.type) {
    case 'play':
      return `play ${c.media.replace('sound:', '')}`;
    case 'start-timer':
      return `timer ${c.ms}`;
    case 'store':
      return `store ${c.question}=${c.digit ?? '-'} ${c.kind} #${c.attempt}`;
    case 'finish':
      return `finish ${c.status}`;
    case 'stop-playback':
      return 'stop';
    case 'cancel-timer':
      return 'cancel';
    case 'hangup':
      return 'hangup';
  }
}

describe('survey state machine', () => {
  it.each<[string, string, string[], string]>([
    [
      'prompt → key after the prompt → next question → closing → hang up',
      'human end end 4 end 2 end',
      [
        'play hello-world',
        'play vm-press',
        'timer 4000',
        'cancel',
        'store rating=4 answer #1',
        'play digits/1',
        'timer 3000',
        'cancel',
        'store recommend=2 answer #1',
        'play auth-thankyou',
        'hangup',
        'finish completed',
      ],
      'completed',
    ],
    [
      'a key while the prompt plays cuts it short and is taken',
      'human end 4',
      ['play hello-world', 'play vm-press', 'stop', 'store rating=4 answer #1', 'play digits/1'],
      'open',
    ],
    ['keys during the intro are ignored', 'human 4 9 end', ['play hello-world', 'play vm-press'], 'open'],
    [
      'invalid key → notice → re-prompt → valid key on the second attempt',
      'human end end 7 end end 3',
      [
        'play hello-world',
        'play vm-press',
        'timer 4000',
        'cancel',
        'store rating=7 invalid #1',
        'play please-try-again',
        'play vm-press',
        'timer 4000',
        'cancel',
        'store rating=3 answer #2',
        'play digits/1',
      ],
      'open',
    ],
    [
      'a key during the invalid notice answers the question',
      'human end 7 2',
      [
        'play hello-world',
        'play vm-press',
        'stop',
        'store rating=7 invalid #1',
        'play please-try-again',
        'stop',
        'store rating=2 answer #2',
        'play digits/1',
      ],
      'open',
    ],
    [
      'timeout → re-prompt → timeout → given up → next question; no valid answer → incomplete',
      'human end end timeout end timeout end 1 end',
      [
        'play hello-world',
        'play vm-press',
        'timer 4000',
        'store rating=- no-input #1',
        'play vm-press',
        'timer 4000',
        'store rating=- no-input #2',
        'play digits/1',
        'timer 3000',
        'cancel',
        'store recommend=1 answer #1',
        'play auth-thankyou',
        'hangup',
        'finish incomplete',
      ],
      'incomplete',
    ],
    [
      'the repeat key plays the prompt again and uses up an attempt',
      'human end * end * end',
      [
        'play hello-world',
        'play vm-press',
        'stop',
        'store rating=* repeat #1',
        'play vm-press',
        'timer 4000',
        'cancel',
        'store rating=* repeat #2',
        'play digits/1',
        'timer 3000',
      ],
      'open',
    ],
    [
      'a branch to the end (rating 5) skips the second question',
      'human end 5 end',
      [
        'play hello-world',
        'play vm-press',
        'stop',
        'store rating=5 answer #1',
        'play auth-thankyou',
        'hangup',
        'finish completed',
      ],
      'completed',
    ],
    [
      'hang-up mid-way keeps the answers given (they were stored as they came)',
      'human end 4 end hangup',
      [
        'play hello-world',
        'play vm-press',
        'stop',
        'store rating=4 answer #1',
        'play digits/1',
        'timer 3000',
        'cancel',
        'finish hung-up',
      ],
      'hung-up',
    ],
    [
      'hang-up during the closing: everything was asked, so it counts as completed',
      'human end 4 2 hangup',
      [
        'play hello-world',
        'play vm-press',
        'stop',
        'store rating=4 answer #1',
        'play digits/1',
        'stop',
        'store recommend=2 answer #1',
        'play auth-thankyou',
        'finish completed',
      ],
      'completed',
    ],
    [
      'a late end of a stopped sound and an old timer change nothing',
      'human end 4 stale old-timer',
      ['play hello-world', 'play vm-press', 'stop', 'store rating=4 answer #1', 'play digits/1'],
      'open',
    ],
    [
      'an answering machine gets the message, then the call is hung up',
      'machine 1 end',
      ['play vm-goodbye', 'hangup', 'finish machine-message'],
      'machine-message',
    ],
    [
      'a machine that hangs up during the message',
      'machine hangup',
      ['play vm-goodbye', 'finish machine-hangup'],
      'machine-hangup',
    ],
    ['gone before the AMD verdict', 'hangup human end', ['finish hung-up'], 'hung-up'],
  ])('%s', (_name, script, expected, status) => {
    const { state, commands } = run(script);
    expect(commands).toEqual(expected);
    expect(state.status ?? 'open').toBe(status);
  });

  it('a branch to a later question skips the ones between', () => {
    const three: SurveyInput = {
      questions: [
        { key: 'a', prompt: 'sound:digits/1', valid: ['1', '2'], branch: { '2': 'c' } },
        { key: 'b', prompt: 'sound:digits/5', valid: ['1'] },
        { key: 'c', prompt: 'sound:beep', valid: ['1'] },
      ],
    };
    expect(run('human 2 1', three).commands).toEqual([
      'play digits/1',
      'stop',
      'store a=2 answer #1',
      'play beep',
      'stop',
      'store c=1 answer #1',
      'hangup',
      'finish completed',
    ]);
    expect(run('human 1 1', three).commands.filter((c) => c.startsWith('play'))).toEqual([
      'play digits/1',
      'play digits/5',
      'play beep',
    ]);
  });

  it('keeps the answers in the state as well', () => {
    expect(run('human end 4 end 2').state.answers).toEqual({ rating: '4', recommend: '2' });
    expect(run('human end end timeout end timeout').state.givenUp).toEqual(['rating']);
  });

  it('hangs up a machine at once when the survey says so', () => {
    const { commands } = run('machine', { ...definition, machine: 'hangup', machineMessage: undefined });
    expect(commands).toEqual(['hangup', 'finish machine-hangup']);
  });

  it('a notification (no questions): heard to the end is completed, left early is hung-up', () => {
    const note: SurveyInput = { intro: 'sound:demo-thanks' };
    expect(run('human 1 end', note).commands).toEqual(['play demo-thanks', 'hangup', 'finish completed']);
    expect(run('human hangup', note).commands).toEqual(['play demo-thanks', 'finish hung-up']);
  });

  it('does nothing once done', () => {
    const { state } = run('human end 4 2 end');
    expect(state.phase).toBe('done');
    const survey = surveySchema.parse(definition);
    for (const e of ['human', 'end', '1', 'timeout', 'hangup']) {
      expect(surveyStep(survey, state, eventOf(e, state)).commands).toEqual([]);
    }
  });
});
