/**
 * The lab's number plan: the last four digits of a dialled number, T T B N, say how the far end
 * behaves. The SIPp carrier (scripts/lab/sipp/carrier.xml), the fake PBX and the ESL wire
 * server all follow it, so one contract suite can run against each of them.
 *   B — behaviour (below); TT — seconds an answering party talks before hanging up (00 = until
 *   we hang up); N — free, to make numbers unique.
 * A number whose last seven digits are `8 D D T T B N` is a customer who presses keys: the first
 * D 3 s after answering, the second 3 s later (SIP INFO on the lab), then talks for TT s.
 */
export const LAB_BEHAVIOURS = {
  0: { kind: 'human', ringMs: 1000 },
  1: { kind: 'busy', sipStatus: 486 },
  2: { kind: 'no-answer' },
  3: { kind: 'congestion', sipStatus: 503 },
  4: { kind: 'invalid', sipStatus: 404 },
  5: { kind: 'machine', ringMs: 1000 },
  6: { kind: 'rejected', sipStatus: 603 },
  7: { kind: 'human', ringMs: 6000 },
  8: { kind: 'unavailable', sipStatus: 480 },
  9: { kind: 'human', ringMs: 0 },
} as const;

export type LabBehaviourDigit = keyof typeof LAB_BEHAVIOURS;
export type LabBehaviour = (typeof LAB_BEHAVIOURS)[LabBehaviourDigit];

export interface LabNumber {
  behaviour: LabBehaviour;
  /** Seconds the far end talks after answering before it hangs up; 0 = until we hang up. */
  talkSec: number;
  /** Keys the far end presses after answering, in order (empty: none). */
  keys: string;
}

/** When an answering far end presses its keys: this long after answer, then between keys. */
export const LAB_KEY_PRESS_MS = 3_000;

/** Reads the behaviour of a lab number (any string ending in four digits). */
export function parseLabNumber(number: string): LabNumber {
  const m = /(\d)(\d)(\d)(\d)$/.exec(number);
  if (!m) throw new Error(`"${number}" is not a lab number: it must end in four digits TTBN`);
  const digit = Number(m[3]) as LabBehaviourDigit;
  const keys = /8(\d\d)\d{4}$/.exec(number)?.[1] ?? '';
  return { behaviour: LAB_BEHAVIOURS[digit], talkSec: Number(m[1]) * 10 + Number(m[2]), keys };
}

/**
 * Builds a lab number in the fictional +1-555 range: area code `area`, then 555, then TTBN.
 * `index` (0–9) makes otherwise equal numbers distinct. With `keys` (two digits) the exchange
 * is `8DD`: the customer presses those keys after answering.
 */
export function labNumber(
  behaviour: LabBehaviourDigit,
  talkSec = 0,
  index = 0,
  area = 555,
  keys?: string,
): string {
  if (talkSec < 0 || talkSec > 99 || !Number.isInteger(talkSec)) throw new Error('talkSec must be 0–99');
  if (index < 0 || index > 9 || !Number.isInteger(index)) throw new Error('index must be 0–9');
  if (keys !== undefined && !/^\d\d$/.test(keys)) throw new Error('keys must be two digits');
  const tt = String(talkSec).padStart(2, '0');
  return `+1${area}${keys === undefined ? '555' : `8${keys}`}${tt}${behaviour}${index}`;
}
