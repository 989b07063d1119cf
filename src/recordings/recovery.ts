import type { Knex } from 'knex';
import type { Logger } from '../logger.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import type { RecordingArchive, RecordingRecovery } from '../ports/recordings.js';
import { NOT_STARTED, RecordingRepository } from '../store/repositories/recordings.js';
import { ArchiveFullError } from '../domain/archive-full.js';

/** Tries per recording before it is given up (and reported) as lost. */
export const MAX_RECOVER_ATTEMPTS = 6;
/** A call must have ended this long ago: its own process archives within a second or two. */
const SETTLE_MS = 20_000;

interface Candidate {
  pbx_name: string;
  call_id: string;
  recover_attempts: number;
  answered_at: Date | null;
  reserved_at: Date;
}

/** Seconds to wait before try `n + 1` after `n` failed tries: 1 min, doubling, at most 1 h. */
export function recoverBackoffSec(failedTries: number): number {
  return Math.min(3600, 60 * 2 ** Math.max(0, failedTries - 1));
}

export interface RecoveryResult {
  archived: number;
  retryLater: number;
  givenUp: number;
}

/**
 * Archives the recordings of a campaign's ended calls that never reached the archive: their
 * dialer process died mid-call (the orphan finisher hung the call up), or fetching from the PBX
 * failed. Run by the campaign's lease holder. The PBX keeps its copy until the archived one
 * verifies, so trying again is always safe; after MAX_RECOVER_ATTEMPTS a recording is marked
 * failed for good and logged as an error for the admin.
 */
export async function recoverRecordings(
  db: Knex,
  pbx: PbxDriver,
  archiver: RecordingArchive,
  logger: Logger,
  campaign: { id: number; code: string; purpose: string },
  inFlight: ReadonlySet<string>,
  now: Date,
): Promise<RecoveryResult> {
  const rows = await db('recordings as r')
    .join('calls as c', 'c.id', 'r.call_id')
    .where('c.campaign_id', campaign.id)
    .whereNot('r.status', 'archived')
    .whereNotNull('c.ended_at')
    .andWhere('c.ended_at', '<', new Date(now.getTime() - SETTLE_MS))
    .andWhere('r.recover_attempts', '<', MAX_RECOVER_ATTEMPTS)
    // A recording that never started has nothing in the spool to fetch.
    .andWhere((q) => void q.whereNull('r.failure').orWhereNot('r.failure', 'like', `${NOT_STARTED}%`))
    .andWhere((q) => void q.whereNull('r.recover_after').orWhere('r.recover_after', '<=', now))
    .orderBy('r.id')
    .limit(50)
    .select<Candidate[]>('r.pbx_name', 'r.call_id', 'r.recover_attempts', 'c.answered_at', 'c.reserved_at');
  const repo = new RecordingRepository(db);
  const result: RecoveryResult = { archived: 0, retryLater: 0, givenUp: 0 };
  for (const r of rows) {
    if (inFlight.has(r.call_id)) continue;
    try {
      await archiver.archive(
        pbx,
        {
          pbxName: r.pbx_name,
          callId: r.call_id,
          campaignCode: campaign.code,
          purpose: campaign.purpose,
          at: r.answered_at ?? r.reserved_at,
        },
        (a) => repo.archived(r.pbx_name, a),
      );
      await repo.spoolDeleted(r.pbx_name);
      result.archived += 1;
    } catch (err) {
      // Archive full: nothing more can be archived now, and it is not the recording's fault.
      if (err instanceof ArchiveFullError) break;
      const tries = r.recover_attempts + 1;
      const givingUp = tries >= MAX_RECOVER_ATTEMPTS;
      await db('recordings')
        .where({ pbx_name: r.pbx_name })
        .update({
          status: 'failed',
          recover_attempts: tries,
          recover_after: new Date(now.getTime() + recoverBackoffSec(tries) * 1000),
          failure: `${givingUp ? 'gave up after' : 'recovery try'} ${tries}: ${String(err)}`,
        });
      if (givingUp) {
        result.givenUp += 1;
        logger.error({ err, recording: r.pbx_name, callId: r.call_id }, 'recording lost: not recoverable');
      } else result.retryLater += 1;
    }
  }
  if (result.archived + result.givenUp > 0) logger.warn(result, 'recovered recordings left unarchived');
  return result;
}

/** Recovery of a campaign's unarchived recordings, as the runner asks for it each sweep. */
export class PgRecordingRecovery implements RecordingRecovery {
  constructor(
    private readonly db: Knex,
    private readonly archiver: RecordingArchive,
    private readonly logger: Logger,
  ) {}

  recover(
    pbx: PbxDriver,
    campaign: { id: number; code: string; purpose: string },
    inFlight: ReadonlySet<string>,
    now: Date,
  ): Promise<RecoveryResult> {
    return recoverRecordings(this.db, pbx, this.archiver, this.logger, campaign, inFlight, now);
  }
}
