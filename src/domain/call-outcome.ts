/**
 * What happened to one dial attempt, normalised across PBXs.
 * `answered` means a person or machine picked up; AMD refines it to `machine` where known.
 */
export const CALL_OUTCOMES = [
  'answered',
  'machine',
  'busy',
  'no-answer',
  'congestion',
  'rejected',
  'invalid-number',
  'failed',
] as const;
export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/** Outcomes after which the number must not be tried again in this campaign. */
export const FINAL_OUTCOMES: ReadonlySet<CallOutcome> = new Set(['invalid-number']);

/** Q.850 cause codes we name in code; see ITU-T Q.850 table 1. */
export const Q850 = {
  UNALLOCATED_NUMBER: 1,
  NO_ROUTE_TRANSIT_NET: 2,
  NO_ROUTE_DESTINATION: 3,
  NORMAL_CLEARING: 16,
  USER_BUSY: 17,
  NO_USER_RESPONSE: 18,
  NO_ANSWER: 19,
  SUBSCRIBER_ABSENT: 20,
  CALL_REJECTED: 21,
  NUMBER_CHANGED: 22,
  DESTINATION_OUT_OF_ORDER: 27,
  INVALID_NUMBER_FORMAT: 28,
  NORMAL_UNSPECIFIED: 31,
  NORMAL_CIRCUIT_CONGESTION: 34,
  NETWORK_OUT_OF_ORDER: 38,
  NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42,
  REQUESTED_CHAN_UNAVAIL: 44,
  RECOVERY_ON_TIMER_EXPIRE: 102,
  INTERWORKING: 127,
} as const;

/**
 * Maps a Q.850 hangup cause to an outcome. `answered` tells whether the far end ever answered:
 * after an answer every cause is an answered call that ended (who hung up is not an outcome).
 */
export function outcomeFromQ850(cause: number, answered: boolean): CallOutcome {
  if (answered) return 'answered';
  switch (cause) {
    case Q850.USER_BUSY:
      return 'busy';
    case Q850.NO_USER_RESPONSE:
    case Q850.NO_ANSWER:
    case Q850.SUBSCRIBER_ABSENT:
    case Q850.RECOVERY_ON_TIMER_EXPIRE:
      return 'no-answer';
    case Q850.CALL_REJECTED:
      return 'rejected';
    case Q850.UNALLOCATED_NUMBER:
    case Q850.NO_ROUTE_TRANSIT_NET:
    case Q850.NO_ROUTE_DESTINATION:
    case Q850.NUMBER_CHANGED:
    case Q850.INVALID_NUMBER_FORMAT:
      return 'invalid-number';
    case Q850.NORMAL_CIRCUIT_CONGESTION:
    case Q850.SWITCH_CONGESTION:
    case Q850.REQUESTED_CHAN_UNAVAIL:
      return 'congestion';
    default:
      return 'failed';
  }
}

/**
 * SIP final response → Q.850 cause, per RFC 3398 §8.2.6.1 and Asterisk's
 * "Hangup Cause Mappings" (docs.asterisk.org). Unknown 4xx/5xx/6xx fall back by class.
 */
export function q850FromSip(status: number): number {
  const table: Record<number, number> = {
    400: Q850.INTERWORKING,
    401: Q850.CALL_REJECTED,
    402: Q850.CALL_REJECTED,
    403: Q850.CALL_REJECTED,
    404: Q850.UNALLOCATED_NUMBER,
    405: Q850.INTERWORKING,
    406: Q850.INTERWORKING,
    407: Q850.CALL_REJECTED,
    408: Q850.NO_USER_RESPONSE,
    410: Q850.NUMBER_CHANGED,
    413: Q850.INTERWORKING,
    414: Q850.INTERWORKING,
    415: Q850.INTERWORKING,
    416: Q850.INTERWORKING,
    420: Q850.INTERWORKING,
    421: Q850.INTERWORKING,
    423: Q850.INTERWORKING,
    429: Q850.INTERWORKING,
    480: Q850.NO_ANSWER,
    481: Q850.INTERWORKING,
    482: Q850.INTERWORKING,
    483: Q850.INTERWORKING,
    484: Q850.INVALID_NUMBER_FORMAT,
    485: Q850.UNALLOCATED_NUMBER,
    486: Q850.USER_BUSY,
    487: Q850.NORMAL_CLEARING,
    488: Q850.INTERWORKING,
    500: Q850.NORMAL_TEMPORARY_FAILURE,
    501: Q850.INTERWORKING,
    502: Q850.NETWORK_OUT_OF_ORDER,
    503: Q850.NORMAL_CIRCUIT_CONGESTION,
    504: Q850.RECOVERY_ON_TIMER_EXPIRE,
    505: Q850.INTERWORKING,
    580: Q850.INTERWORKING,
    600: Q850.USER_BUSY,
    603: Q850.CALL_REJECTED,
    604: Q850.UNALLOCATED_NUMBER,
    606: Q850.INTERWORKING,
  };
  const mapped = table[status];
  if (mapped !== undefined) return mapped;
  if (status >= 600) return Q850.CALL_REJECTED;
  if (status >= 500) return Q850.NORMAL_TEMPORARY_FAILURE;
  return Q850.INTERWORKING;
}

/** FreeSWITCH and others name causes; this maps the Q.850 names to their numbers. */
export const Q850_BY_NAME: Readonly<Record<string, number>> = {
  ...Q850,
  ORIGINATOR_CANCEL: 487,
  ALLOTTED_TIMEOUT: 602,
  MEDIA_TIMEOUT: 604,
  PROGRESS_TIMEOUT: 607,
};
