import type { Logger } from '../logger.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import type { AttemptLedger } from '../ports/attempt-ledger.js';
import type { CallLog } from '../ports/call-log.js';

/** Why an orphaned call row was ended, as stored in `calls.failure`. */
export const ORPHAN_FAILURE = 'its dialer process was lost; finished by the next lease holder';

/**
 * Finishes the call rows of a campaign that a dead dialer process left open, when this process
 * takes the campaign's lease. The call is hung up if it is still on the PBX (nobody owns it any
 * more), the row gets an end and an outcome, and the lead its next step (`orphaned`) — the attempt
 * itself is never dialled again, because its row exists.
 */
export async function finishOrphans(
  deps: { calls: CallLog; ledger: AttemptLedger; pbx: PbxDriver; logger: Logger; now: () => number },
  campaignId: number,
  own: ReadonlySet<string>,
): Promise<number> {
  let finished = 0;
  for (const r of await deps.calls.open(campaignId)) {
    if (own.has(r.id)) continue;
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
  return finished;
}
