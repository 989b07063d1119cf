import { nextQuestion, type Survey } from './survey.js';

/**
 * One agentless call's script as a pure state machine: inputs (the AMD verdict, sounds ending,
 * keys, timers, hang-up) go in, commands (play, stop, timers, store an answer, hang up, finish)
 * come out. The engine (src/engine/agentless-flow.ts) carries the commands out against the PBX
 * and Postgres; everything that decides lives here and is table-tested.
 *
 * - A person hears the intro (keys are ignored: it is the message the call is for), then each
 *   question. A key pressed while a prompt (or an invalid/no-input notice) plays is taken at once
 *   and cuts the sound short; after the prompt the key is awaited for `timeoutSec`.
 * - An invalid key or silence costs an attempt: the notice (if any), then the prompt again.
 *   After `retries` re-prompts the question is given up and the next one asked.
 * - Every key press and every silence is stored as it happens, so a hang-up keeps what was given.
 */
export type SurveyPhase =
  'idle' | 'intro' | 'prompt' | 'notice' | 'waiting' | 'closing' | 'machine-message' | 'done';

/**
 * How a call's survey ended. `completed`: the end was reached with every question asked answered;
 * `incomplete`: the end was reached but some question got no valid key; `hung-up`: the person left
 * before the end; `machine-message`: the message was left on an answering machine;
 * `machine-hangup`: a machine, hung up on (or it hung up before the message was over).
 */
export type SurveyStatus = 'completed' | 'incomplete' | 'hung-up' | 'machine-message' | 'machine-hangup';

export type AnswerKind = 'answer' | 'invalid' | 'no-input' | 'repeat';

export interface SurveyState {
  phase: SurveyPhase;
  /** Index of the current question. */
  question: number;
  /** 1-based attempt at the current question. */
  attempt: number;
  /** The playback whose end moves the script on; other ends (stopped sounds) are ignored. */
  playing?: string;
  /** The running key timer. */
  timer?: string;
  /** Sequence for playback and timer ids. */
  seq: number;
  /** Question key → accepted key. */
  answers: Record<string, string>;
  /** Questions given up after their retries. */
  givenUp: string[];
  status?: SurveyStatus;
}

export type SurveyEvent =
  | { type: 'human' }
  | { type: 'machine' }
  | { type: 'played'; playbackId: string }
  | { type: 'key'; digit: string }
  | { type: 'timeout'; timerId: string }
  | { type: 'hangup' };

export type SurveyCommand =
  | { type: 'play'; media: string; playbackId: string }
  | { type: 'stop-playback' }
  | { type: 'start-timer'; timerId: string; ms: number }
  | { type: 'cancel-timer' }
  | { type: 'store'; question: string; digit: string | null; kind: AnswerKind; attempt: number }
  | { type: 'hangup' }
  | { type: 'finish'; status: SurveyStatus };

export interface SurveyStep {
  state: SurveyState;
  commands: SurveyCommand[];
}

export function initialSurveyState(): SurveyState {
  return { phase: 'idle', question: 0, attempt: 1, seq: 0, answers: {}, givenUp: [] };
}

/** One transition. Pure: the same state and event always give the same step. */
export function surveyStep(survey: Survey, state: SurveyState, event: SurveyEvent): SurveyStep {
  const b = new Builder(survey, state);
  if (state.phase === 'done') return b.result();
  switch (event.type) {
    case 'human':
      if (state.phase === 'idle') b.begin();
      break;
    case 'machine':
      if (state.phase === 'idle') b.machine();
      break;
    case 'played':
      if (event.playbackId === state.playing) b.played();
      break;
    case 'key':
      b.key(event.digit);
      break;
    case 'timeout':
      if (state.phase === 'waiting' && event.timerId === state.timer) b.silence();
      break;
    case 'hangup':
      b.hungUp();
      break;
  }
  return b.result();
}

/** Builds one step: a copy of the state plus the commands, by the rules above. */
class Builder {
  private readonly s: SurveyState;
  private readonly out: SurveyCommand[] = [];

  constructor(
    private readonly survey: Survey,
    state: SurveyState,
  ) {
    this.s = { ...state, answers: { ...state.answers }, givenUp: [...state.givenUp] };
  }

  result(): SurveyStep {
    return { state: this.s, commands: this.out };
  }

  begin(): void {
    if (this.survey.intro) this.play('intro', this.survey.intro);
    else this.ask(0);
  }

  machine(): void {
    if (this.survey.machine === 'message' && this.survey.machineMessage) {
      this.play('machine-message', this.survey.machineMessage);
    } else this.end('machine-hangup', true);
  }

  played(): void {
    delete this.s.playing;
    switch (this.s.phase) {
      case 'intro':
        return this.ask(0);
      case 'notice':
        return this.prompt();
      case 'prompt': {
        const q = this.current();
        if (!q) return this.close();
        this.s.phase = 'waiting';
        this.s.timer = this.id('t');
        this.out.push({ type: 'start-timer', timerId: this.s.timer, ms: q.timeoutSec * 1000 });
        return;
      }
      case 'closing':
        return this.end(this.s.givenUp.length > 0 ? 'incomplete' : 'completed', true);
      case 'machine-message':
        return this.end('machine-message', true);
      default:
        return;
    }
  }

  key(digit: string): void {
    const q = this.current();
    if (!q || !['prompt', 'notice', 'waiting'].includes(this.s.phase)) return;
    this.interrupt();
    const attempt = this.s.attempt;
    if (digit === this.survey.repeatKey) {
      this.store(q.key, digit, 'repeat', attempt);
      return this.retry(undefined);
    }
    if (!q.valid.includes(digit)) {
      this.store(q.key, digit, 'invalid', attempt);
      return this.retry(q.invalid);
    }
    this.store(q.key, digit, 'answer', attempt);
    this.s.answers[q.key] = digit;
    this.ask(nextQuestion(this.survey, this.s.question, digit));
  }

  silence(): void {
    const q = this.current();
    if (!q) return;
    delete this.s.timer;
    this.store(q.key, null, 'no-input', this.s.attempt);
    this.retry(q.noInput);
  }

  /** The far end hung up (our own hang-up comes after `finish`, when the state is done). */
  hungUp(): void {
    switch (this.s.phase) {
      case 'idle':
        // Gone before the AMD verdict (or AMD heard the hang-up).
        return this.end('hung-up', false);
      case 'machine-message':
        return this.end('machine-hangup', false);
      case 'closing':
        // Everything was asked; leaving during the goodbye does not undo the answers.
        return this.end(this.s.givenUp.length > 0 ? 'incomplete' : 'completed', false);
      default:
        return this.end('hung-up', false);
    }
  }

  private retry(notice: string | undefined): void {
    const q = this.current();
    if (!q) return;
    if (this.s.attempt > q.retries) {
      this.s.givenUp.push(q.key);
      return this.ask(this.s.question + 1);
    }
    this.s.attempt += 1;
    if (notice) this.play('notice', notice);
    else this.prompt();
  }

  private ask(index: number): void {
    this.s.question = index;
    this.s.attempt = 1;
    if (index >= this.survey.questions.length) return this.close();
    this.prompt();
  }

  private prompt(): void {
    const q = this.current();
    if (q) this.play('prompt', q.prompt);
  }

  private close(): void {
    this.s.question = this.survey.questions.length;
    if (this.survey.closing) this.play('closing', this.survey.closing);
    else this.end(this.s.givenUp.length > 0 ? 'incomplete' : 'completed', true);
  }

  /** Ends the script; `hangup` when the call is still up and ours to end. */
  private end(status: SurveyStatus, hangup: boolean): void {
    this.interrupt(false);
    this.s.phase = 'done';
    this.s.status = status;
    if (hangup) this.out.push({ type: 'hangup' });
    this.out.push({ type: 'finish', status });
  }

  /** Stops the sound or the timer that is running (a key cut in, or the script moves on). */
  private interrupt(stopSound = true): void {
    if (this.s.playing !== undefined) {
      if (stopSound) this.out.push({ type: 'stop-playback' });
      delete this.s.playing;
    }
    if (this.s.timer !== undefined) {
      this.out.push({ type: 'cancel-timer' });
      delete this.s.timer;
    }
  }

  private play(phase: SurveyPhase, media: string): void {
    this.s.phase = phase;
    this.s.playing = this.id('p');
    this.out.push({ type: 'play', media, playbackId: this.s.playing });
  }

  private store(question: string, digit: string | null, kind: AnswerKind, attempt: number): void {
    this.out.push({ type: 'store', question, digit, kind, attempt });
  }

  private current() {
    return this.survey.questions[this.s.question];
  }

  private id(prefix: string): string {
    this.s.seq += 1;
    return `${prefix}${this.s.seq}`;
  }
}
