import type { Logger } from '../logger.js';
import {
  initialSurveyState,
  surveyStep,
  type SurveyCommand,
  type SurveyEvent,
  type SurveyState,
  type SurveyStatus,
} from '../domain/campaign/survey-machine.js';
import { surveySchema, type Survey } from '../domain/campaign/survey.js';
import type { DialAttempt } from '../domain/attempt.js';
import { PbxError, type PbxDriver } from '../pbx/pbx-driver.js';
import type { Clock } from '../ports/clock.js';
import type { SurveyCallRef, SurveyLog } from '../ports/surveys.js';
import type { AnswerHandler, AnswerResult } from './answer-handler.js';
import type { CampaignPlan } from './campaign-runner.js';
import type { CallEvent } from './event-router.js';

export interface AgentlessFlowDeps {
  pbx: PbxDriver;
  surveys: SurveyLog;
  logger: Logger;
  clock: Clock;
}

/** What the script's end means for the lead (the retry rules, src/domain/campaign/retry.ts). */
export function answerResultOf(status: SurveyStatus | undefined): AnswerResult {
  return {
    contacted: status === 'completed',
    partial: status === 'incomplete' || status === 'hung-up',
  };
}

/**
 * One agentless call's survey (or notification) against the PBX: feeds the call's events to the
 * pure survey machine (src/domain/campaign/survey-machine.ts) and carries out its commands —
 * sounds and stops in order on one chain, answers written to Postgres on another as they come,
 * key timers, the hang-up. CallFlow keeps the rest of the call (row, recording, outcome).
 */
export class AgentlessFlow implements AnswerHandler {
  private state: SurveyState = initialSurveyState();
  private status?: SurveyStatus;
  private began = false;
  private keyTimer?: { id: string; handle: unknown };
  private maxTimer?: unknown;
  /** PBX commands run one after another: a stop must be done before the next sound starts. */
  private pbxChain: Promise<void> = Promise.resolve();
  /** Writes, in order; `ended` waits for them. */
  private dbChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: AgentlessFlowDeps,
    private readonly survey: Survey,
    private readonly ref: SurveyCallRef,
  ) {}

  human(at: number): void {
    this.begin(at);
    this.apply({ type: 'human' });
  }

  machine(at: number): void {
    this.begin(at);
    this.apply({ type: 'machine' });
  }

  event(e: Extract<CallEvent, { type: 'dtmf' | 'playback-finished' }>): void {
    if (e.type === 'dtmf') return this.apply({ type: 'key', digit: e.digit });
    const prefix = `${this.ref.callId}.`;
    if (e.playbackId.startsWith(prefix)) {
      this.apply({ type: 'played', playbackId: e.playbackId.slice(prefix.length) });
    }
  }

  async ended(at: number): Promise<AnswerResult> {
    this.begin(at);
    this.apply({ type: 'hangup' });
    this.deps.clock.clearTimeout(this.maxTimer);
    this.clearKeyTimer();
    await this.dbChain;
    return answerResultOf(this.status);
  }

  /** The survey row, and a deadline for the whole call whatever the PBX or the customer do. */
  private begin(at: number): void {
    if (this.began) return;
    this.began = true;
    this.write(() => this.deps.surveys.started(this.ref, new Date(at)));
    this.maxTimer = this.deps.clock.setTimeout(() => {
      this.deps.logger.warn({ callId: this.ref.callId }, 'survey call reached maxCallSec; hanging up');
      void this.deps.pbx.hangup(this.ref.callId).catch(() => undefined);
    }, this.survey.maxCallSec * 1000);
  }

  private apply(event: SurveyEvent): void {
    const step = surveyStep(this.survey, this.state, event);
    this.state = step.state;
    for (const c of step.commands) this.execute(c);
  }

  private execute(c: SurveyCommand): void {
    const { pbx } = this.deps;
    const callId = this.ref.callId;
    switch (c.type) {
      case 'play':
        return this.onPbx(async () => {
          try {
            await pbx.play(callId, c.media, { playbackId: `${callId}.${c.playbackId}` });
          } catch (err) {
            // The customer hung up as the previous sound ended: the hang-up ends the survey.
            if (err instanceof PbxError && err.code === 'not-found') return;
            // A sound the PBX refused must not stall the script: go on as if it had played.
            this.deps.logger.error({ err, callId, media: c.media }, 'could not play a survey sound');
            this.apply({ type: 'played', playbackId: c.playbackId });
          }
        });
      case 'stop-playback':
        return this.onPbx(() => pbx.stopPlayback(callId));
      case 'hangup':
        return this.onPbx(() => pbx.hangup(callId));
      case 'start-timer':
        this.clearKeyTimer();
        this.keyTimer = {
          id: c.timerId,
          handle: this.deps.clock.setTimeout(() => this.apply({ type: 'timeout', timerId: c.timerId }), c.ms),
        };
        return;
      case 'cancel-timer':
        return this.clearKeyTimer();
      case 'store': {
        const at = new Date(this.deps.clock.now());
        const { question, digit, kind, attempt } = c;
        return this.write(() => this.deps.surveys.answer(this.ref, { question, digit, kind, attempt, at }));
      }
      case 'finish': {
        this.status = c.status;
        this.deps.clock.clearTimeout(this.maxTimer);
        const at = new Date(this.deps.clock.now());
        return this.write(() => this.deps.surveys.finished(callId, c.status, at));
      }
    }
  }

  private onPbx(fn: () => Promise<unknown>): void {
    this.pbxChain = this.pbxChain
      .then(fn)
      .then(() => undefined)
      .catch((err: unknown) =>
        this.deps.logger.warn({ err, callId: this.ref.callId }, 'survey PBX step failed'),
      );
  }

  private write(fn: () => Promise<void>): void {
    this.dbChain = this.dbChain
      .then(fn)
      .catch((err: unknown) =>
        this.deps.logger.error({ err, callId: this.ref.callId }, 'survey answer not stored'),
      );
  }

  private clearKeyTimer(): void {
    if (this.keyTimer) this.deps.clock.clearTimeout(this.keyTimer.handle);
    this.keyTimer = undefined;
  }
}

/**
 * The agentless part of a campaign's plan: its survey (validated when the campaign was created;
 * read again here so a hand-edited row fails at start, not mid-call), a flow per answered call,
 * and AMD that waits for the beep when a machine is to get the message.
 */
export function agentlessPlan(
  deps: AgentlessFlowDeps,
  campaignId: number,
  settings: Record<string, unknown>,
): Pick<CampaignPlan, 'answerHandlerFor' | 'amdWaitForBeep'> {
  const parsed = surveySchema.safeParse(settings['survey']);
  if (!parsed.success) {
    throw new Error(
      `campaign ${campaignId} is agentless but its settings.survey is not valid: ${parsed.error.message}`,
    );
  }
  const survey = parsed.data;
  return {
    amdWaitForBeep: survey.machine === 'message',
    answerHandlerFor: (attempt: DialAttempt) =>
      new AgentlessFlow(deps, survey, { callId: attempt.callId, campaignId, leadId: attempt.leadId }),
  };
}
