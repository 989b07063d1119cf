import { PredictivePacer } from '../pacing/predictive.js';
import { AgentlessPacer, ProgressivePacer } from '../pacing/simple-pacers.js';
import type { Pacer } from '../pacing/types.js';

/**
 * The pacer a campaign's dial mode asks for; the abandon target is the campaign's own. Preview
 * campaigns are not paced: the preview desk (preview-desk.ts) offers a lead to each ready agent
 * and dials when the agent says so, and the pacer only hears how those calls went.
 */
export function pacerFor(
  mode: string,
  abandonTarget: number,
  opts: { hourlyAbandonCap?: boolean } = {},
): Pacer {
  switch (mode) {
    case 'predictive':
      // The optional hourly cap is the target + 1 point (e.g. 4% in any rolling hour at 3%).
      return new PredictivePacer({
        abandonTarget,
        ...(opts.hourlyAbandonCap === true ? { hourlyCap: abandonTarget + 0.01 } : {}),
      });
    case 'agentless':
      // Agentless: as many lines as the trunk allows, a few at a time so CPS shaping spreads them.
      return new AgentlessPacer(5);
    default:
      return new ProgressivePacer();
  }
}
