import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { PbxError, type PbxDriver } from '../pbx/pbx-driver.js';
import type { Clock } from '../ports/clock.js';
import { NOT_STARTED, type RecordingArchive, type RecordingLog } from '../ports/recordings.js';
import type { EventRouter } from './event-router.js';
import { ArchiveFullError } from '../domain/archive-full.js';

export interface CallRecordingDeps {
  pbx: PbxDriver;
  router: EventRouter;
  recordings: RecordingLog;
  archive: RecordingArchive;
  clock: Clock;
  metrics?: Metrics;
}

/**
 * Records one answered call from answer to hang-up (both directions) and archives it when the
 * PBX says it is finished. The PBX is asked at once — every millisecond before it is unrecorded
 * call — and the recording's row is written beside the request; everything that touches the
 * row waits for it. A recording whose archiving fails stays in the PBX spool for recovery
 * (src/recordings/recovery.ts); one that never started because the customer had already hung
 * up is marked so, and is not retried.
 */
export async function startCallRecording(
  deps: CallRecordingDeps,
  log: Logger,
  call: { callId: string; campaignCode: string; purpose: string; answeredAt: number },
): Promise<void> {
  const name = `rec-${call.callId}`;
  const { recordings, router, pbx } = deps;
  const row = recordings.started(call.callId, name);
  const afterRow = async (fn: () => Promise<void>): Promise<void> => {
    try {
      await row;
      await fn();
    } catch (err) {
      log.error({ err, recording: name }, 'recording row not written');
    }
  };
  router.onRecording(name, (e) => {
    if (e.type === 'recording-finished') void afterRow(() => archive(deps, log, name, call));
    if (e.type === 'recording-failed') {
      deps.metrics?.recordings.inc({ campaign: call.campaignCode, result: 'failed' });
      void afterRow(() => recordings.failed(name, e.detail));
    }
  });
  try {
    await pbx.startRecording({ name, target: { callId: call.callId }, format: 'wav' });
  } catch (err) {
    const gone = err instanceof PbxError && err.code === 'not-found';
    const ms = deps.clock.now() - call.answeredAt;
    if (gone) log.warn({ err }, 'call ended before its recording could start');
    else log.error({ err }, 'recording did not start');
    await afterRow(() =>
      recordings.failed(name, gone ? `${NOT_STARTED} the call ended ${ms} ms after answer` : String(err)),
    );
    return;
  }
  await afterRow(() => Promise.resolve());
}

async function archive(
  deps: CallRecordingDeps,
  log: Logger,
  name: string,
  call: { callId: string; campaignCode: string; purpose: string; answeredAt: number },
): Promise<void> {
  const { recordings, archive: archiver, pbx } = deps;
  try {
    await recordings.finished(name);
    await archiver.archive(
      pbx,
      {
        pbxName: name,
        callId: call.callId,
        campaignCode: call.campaignCode,
        purpose: call.purpose,
        at: new Date(call.answeredAt),
      },
      (a) => recordings.archived(name, a),
    );
    await recordings.spoolDeleted(name);
    deps.metrics?.recordings.inc({ campaign: call.campaignCode, result: 'archived' });
  } catch (err) {
    // Archive full: it waits in the spool, not a failed try (archived once there is space).
    if (err instanceof ArchiveFullError) return log.warn({ recording: name }, err.message);
    deps.metrics?.recordings.inc({ campaign: call.campaignCode, result: 'failed' });
    log.error({ err, recording: name }, 'recording not archived; it stays in the PBX spool');
    await recordings.failed(name, String(err)).catch(() => undefined);
  }
}
