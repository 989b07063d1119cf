import type { Logger } from '../logger.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import type { AttemptLedger } from '../ports/attempt-ledger.js';
import type { CallLog } from '../ports/call-log.js';

/** Why an orphaned call row was ended, as stored in `calls.failure`. */
export const ORPHAN_FAILURE = 'its dialer process was lost; finished by the next lease holder';

/** While rows of a process still alive remain, the lease holder looks again this often. */
export const ORPHAN_RECHECK_MS = 3_000;

export interface OrphanDeps {
  calls: CallLog;
  ledger: AttemptLedger;
  pbx: PbxDriver;
  logger: Logger;
  now: () => number;
}

/**
 * Finishes the call rows of a campaign that a dead dialer process left open, when this process
 * takes the campaign's lease. The call is hung up if it is still on the PBX (nobody owns it any
 * more), the row gets an end and an outcome, and the lead its next step (`orphaned`) — the attempt
 * itself is never dialled again, because its row exists. Rows of a process that is still alive
 * (it lost the lease, e.g. to a Redis outage, not its life) are left to it: `deferred` counts them.
 */
export async function finishOrphans(
  deps: OrphanDeps,
  campaignId: number,
  own: ReadonlySet<string>,
): Promise<{ finished: number; deferred: number }> {
  let finished = 0;
  let deferred = 0;
  for (const r of await deps.calls.open(campaignId)) {
    if (own.has(r.id)) continue;
    if (r.liveOwner !== undefined) {
      deferred += 1;
      continue;
    }
    await deps.pbx.hangup(r.id);
    const at = new Date(deps.now());
    const outcome = r.answeredAt ? 'answered' : 'failed';
    if (!(await deps.calls.endLost(r.id, outcome, at, ORPHAN_FAILURE))) continue;
    const result = {
      callId: r.id,
      leadId: r.leadId,
      attempt: r.attempt,
      outcome,
      abandoned: false,
      liveAnswer: r.answeredAt !== null,
      agentId: r.bridgedAt ? (r.agentId ?? undefined) : undefined,
    } as const;
    await deps.ledger.ended(result, at, 'orphaned');
    finished += 1;
  }
  if (finished > 0) deps.logger.warn({ finished }, 'finished call rows left open by a lost dialer process');
  return { finished, deferred };
}

/**
 * When the lease holder runs finishOrphans: at takeover, then again every ORPHAN_RECHECK_MS while
 * the last pass left rows of a live owner (that owner may die, or end them itself).
 */
export class OrphanWatch {
  private recheckAt: number | undefined;

  constructor(
    private readonly deps: OrphanDeps,
    private readonly campaignId: number,
  ) {}

  async run(takeover: boolean, own: ReadonlySet<string>): Promise<void> {
    const now = this.deps.now();
    if (!takeover && (this.recheckAt === undefined || now < this.recheckAt)) return;
    const { deferred } = await finishOrphans(this.deps, this.campaignId, own);
    this.recheckAt = deferred > 0 ? now + ORPHAN_RECHECK_MS : undefined;
    if (deferred > 0 && takeover)
      this.deps.logger.info({ deferred }, 'open call rows of another live dialer process left to it');
  }
}
