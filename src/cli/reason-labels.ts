/** The compliance gate's reasons (domain/compliance/gate.ts) and the lifecycle's, for people. */
const LABELS: Record<string, string> = {
  completed: 'finished (done, DNC, invalid, blocked)',
  'in-progress': 'being dialled now',
  blacklist: 'blacklisted',
  'max-attempts': 'out of attempts',
  'campaign-not-dialling': 'the campaign was not dialling',
  'not-in-trial-sample': 'waiting for the trial to end',
  'frequency-cap': 'contacted recently by a same-purpose campaign (frequency cap)',
  'scheduled-later': 'retry scheduled later',
  'callback-later': 'callback or second confirmation scheduled later',
  'abandon-block': 'abandoned recently (no repeat without a live agent)',
  'max-attempts-day': 'out of attempts for today',
  'callee-limit': 'called too often recently (per-callee limit)',
  'outside-window': 'outside the calling window',
  'window-never-opens': 'the calling window never opens',
  'lead-not-found': 'the lead no longer exists',
};

export function reasonLabel(reason: string): string {
  if (reason.startsWith('dnc:')) return `on the DNC list (${reason.slice(4)})`;
  return LABELS[reason] ?? reason;
}
