import type { Command } from 'commander';
import type { App } from '../../app.js';
import { formatSurveyResults, surveyResults } from '../../reports/survey-results.js';

/** `dialer survey results <campaign>` — answers of an agentless campaign's survey. */
export function registerSurveyCommand(program: Command, getApp: () => Promise<App>): void {
  const cmd = program.command('survey').description("agentless campaigns' surveys");
  cmd
    .command('results')
    .description('counts per question and answer, and how the answered calls ended')
    .argument('<campaign>', 'campaign id or code')
    .option('--json', 'print JSON')
    .action(async (campaign: string, o: { json?: boolean }) => {
      const app = await getApp();
      const r = await surveyResults(app.db, campaign);
      console.log(o.json ? JSON.stringify(r, null, 2) : formatSurveyResults(r));
    });
}
