/** How a campaign dials (docs/campaigns.md). */
export const DIAL_MODES = ['preview', 'progressive', 'predictive', 'agentless'] as const;
export type DialMode = (typeof DIAL_MODES)[number];

/**
 * Preview and progressive reserve a ready agent before dialling, so a live agent is guaranteed
 * for every answer: no abandon is possible, which lifts the abandon block (Ofcom's exception).
 */
export function agentReservedBeforeDial(mode: string): boolean {
  return mode === 'preview' || mode === 'progressive';
}

/** Every mode but agentless puts a person on the line. */
export function needsAgents(mode: string): boolean {
  return mode !== 'agentless';
}
