import { PredictivePacer } from '../pacing/predictive.js';
import { AgentlessPacer, ProgressivePacer } from '../pacing/simple-pacers.js';
import type { Pacer } from '../pacing/types.js';

/**
 * The pacer a campaign's dial mode asks for. Preview dials one line per ready agent as
 * progressive does (the agent-facing preview step — see the record, then dial or skip — is
 * not built yet); the abandon target is the campaign's own.
 */
export function pacerFor(mode: string, abandonTarget: number): Pacer {
  switch (mode) {
    case 'predictive':
      return new PredictivePacer({ abandonTarget });
    case 'agentless':
      // Agentless: as many lines as the trunk allows, a few at a time so CPS shaping spreads them.
      return new AgentlessPacer(5);
    default:
      return new ProgressivePacer();
  }
}
