/**
 * The deterministic id of one dial attempt. It is the call row's primary key, the BullMQ job
 * id and the PBX channel id, so a retried or duplicated hand-off of the same attempt is
 * refused at each of the three instead of dialling the customer twice.
 */
export function attemptId(campaignId: number, leadId: number, attempt: number): string {
  for (const [name, v] of [
    ['campaignId', campaignId],
    ['leadId', leadId],
    ['attempt', attempt],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new RangeError(`${name} must be a positive integer, got ${v}`);
  }
  return `c${campaignId}-l${leadId}-a${attempt}`;
}

export function parseAttemptId(
  id: string,
): { campaignId: number; leadId: number; attempt: number } | undefined {
  const m = /^c(\d+)-l(\d+)-a(\d+)$/.exec(id);
  if (!m) return undefined;
  return { campaignId: Number(m[1]), leadId: Number(m[2]), attempt: Number(m[3]) };
}
