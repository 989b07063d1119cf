import { LAB_KEY_PRESS_MS, parseLabNumber } from '../../lab/number-plan.js';
import { PbxError, type AmdResult } from '../pbx-driver.js';

/** Delays measured on the lab (docs/pbx-notes.md) so the fake's timing resembles Asterisk's. */
export const FAR_END_TIMING = {
  /** 100 Trying → 180 Ringing on the lab carrier. */
  ringingMs: 20,
  /** A failure response (486, 503…) arrives this long after the INVITE. */
  rejectMs: 20,
  /** AMD() needs this long to call a human / a machine. */
  amdHumanMs: 1_600,
  amdMachineMs: 1_900,
  /**
   * The lab machine's greeting (4.8 s) and beep (0.5 s) are over, plus the 1 s of quiet that
   * WaitForSilence() needs: when an `amdWaitForBeep` verdict arrives.
   */
  machineQuietMs: 6_300,
  /** A customer who presses keys presses the first this long after answering, then one per interval. */
  keyPressMs: LAB_KEY_PRESS_MS,
} as const;

/** How the far end of one call behaves, derived from the dialled endpoint. */
export type FarEndPlan =
  | {
      kind: 'answer';
      party: 'customer' | 'agent';
      ringMs: number;
      /** Seconds the far end talks (after its key presses) before hanging up; 0 = until we hang up. */
      talkSec: number;
      amd: AmdResult;
      /** Keys pressed after answering, in order, `keyPressMs` apart (the lab's `8DD` exchange). */
      keys: string;
    }
  | { kind: 'reject'; sipStatus: number }
  | { kind: 'ring' };

/**
 * The fake's dial strings: `lab/<number>` follows the lab number plan (src/lab/number-plan.ts),
 * `agent/<n>` and `supervisor/<n>` are softphones that answer at once.
 */
export function farEndPlan(endpoint: string): FarEndPlan {
  if (/^(agent|supervisor)\/\d+$/.test(endpoint)) {
    return { kind: 'answer', party: 'agent', ringMs: 0, talkSec: 0, amd: 'human', keys: '' };
  }
  const m = /^lab\/(.+)$/.exec(endpoint);
  if (!m?.[1]) throw new PbxError('rejected', `fake PBX cannot dial "${endpoint}" (use lab/<number>)`);
  const { behaviour, talkSec, keys } = parseLabNumber(m[1]);
  switch (behaviour.kind) {
    case 'human':
      return { kind: 'answer', party: 'customer', ringMs: behaviour.ringMs, talkSec, amd: 'human', keys };
    case 'machine':
      return { kind: 'answer', party: 'customer', ringMs: behaviour.ringMs, talkSec, amd: 'machine', keys };
    case 'no-answer':
      return { kind: 'ring' };
    default:
      return { kind: 'reject', sipStatus: behaviour.sipStatus };
  }
}
