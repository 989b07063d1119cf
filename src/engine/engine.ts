import { hostname } from 'node:os';
import type { App } from '../app.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import { Hopper } from '../queues/hopper.js';
import { Lease } from '../queues/lease.js';
import { RecordingArchiver } from '../recordings/archiver.js';
import { AgentRepository } from '../store/repositories/agents.js';
import { CallRepository } from '../store/repositories/calls.js';
import { RecordingRepository } from '../store/repositories/recordings.js';
import { rulesOf } from '../store/repositories/campaigns.js';
import { SurveyRepository } from '../store/repositories/surveys.js';
import { previewSettings } from '../domain/campaign/engine-settings.js';
import { AgentPool } from './agent-pool.js';
import { agentlessPlan } from './agentless-flow.js';
import { campaignPlan, engineSettings, type CampaignRow } from './campaign-plan.js';
import { CampaignRunner } from './campaign-runner.js';
import { EventRouter } from './event-router.js';
import { PgLeadOutcomes } from './lead-outcomes.js';
import type { Metrics } from '../metrics.js';
import type { Pacer } from '../pacing/types.js';
import { pacerFor } from './pacer-for.js';
import type { GatePort } from './ports.js';
import type { PreviewDesk } from './preview-desk.js';
import { createPreviewDesk } from './preview-setup.js';
import { TrunkLimiter } from './trunk-limiter.js';

export interface CampaignEngine {
  runner: CampaignRunner;
  agents: AgentPool;
  router: EventRouter;
  /** Preview campaigns: the desk that offers leads to agents. */
  preview?: PreviewDesk;
  stop(drainMs: number): Promise<void>;
}

/** Assembles everything one campaign needs in this process and starts it. */
export async function startCampaignEngine(
  app: App,
  pbx: PbxDriver,
  campaignId: number,
  gate: GatePort,
  /** Overrides the pacer the dial mode picks (simulations and tests of the abandon path). */
  pacer?: Pacer,
  metrics?: Metrics,
): Promise<CampaignEngine> {
  const row = await app.db('campaigns').where({ id: campaignId }).first<CampaignRow | undefined>();
  if (!row) throw new Error(`campaign ${campaignId} does not exist`);
  const plan = campaignPlan(row, app.config);
  const rules = rulesOf(row);
  // Checked before anything connects, so a bad setting names its field and leaves nothing open.
  const previewConfig = row.dial_mode === 'preview' ? previewSettings(row.settings['engine']) : undefined;
  const trunkConfig = app.config.trunks.find((t) => t.name === plan.trunk);
  if (!trunkConfig) throw new Error(`trunk ${plan.trunk} is not configured`);
  const now = Date.now;
  const logger = app.logger.child({ campaign: row.code });
  if (row.dial_mode === 'agentless') {
    Object.assign(
      plan,
      agentlessPlan({ pbx, surveys: new SurveyRepository(app.db), logger, now }, row.id, row.settings),
    );
  }
  const router = new EventRouter(pbx);
  const agents = new AgentPool(pbx, router, new AgentRepository(app.db), logger, {
    campaignId,
    wrapUpSec: engineSettings(row).wrapUpSec,
    loginTimeoutSec: 20,
    now,
  });
  const redis = app.redis();
  const owner = `${app.config.instance.name}@${hostname()}:${process.pid}`;
  const lease = new Lease(
    redis,
    `${app.config.redis.prefix}:lease:campaign:${campaignId}`,
    owner,
    5_000,
    (held) => logger.info({ held }, held ? 'took the campaign lease' : 'lost the campaign lease'),
  );
  const hopper = new Hopper(redis, campaignId, app.config.redis.prefix);
  const trunk = new TrunkLimiter(trunkConfig.name, trunkConfig.maxChannels, trunkConfig.cps, now);
  const leadOutcomes = new PgLeadOutcomes(app.db, rules.maxAttempts, rules.retry);
  const runner = new CampaignRunner(
    {
      pbx,
      router,
      agents,
      calls: new CallRepository(app.db),
      recordings: new RecordingRepository(app.db),
      archiver: new RecordingArchiver(app.config.recordings.root, logger),
      logger,
      now,
      db: app.db,
      hopper,
      lease,
      trunk,
      pacer: pacer ?? pacerFor(row.dial_mode, Number(row.abandon_target)),
      wrapUpSec: engineSettings(row).wrapUpSec,
      metrics,
      gate,
      leadOutcomes,
    },
    plan,
  );
  const preview =
    previewConfig &&
    createPreviewDesk(app.db, previewConfig, {
      campaignId,
      hopper,
      gate,
      agents,
      trunk,
      lease,
      leadOutcomes,
      launcher: runner,
      logger,
      now,
    });
  if (preview) runner.attachDesk(preview);
  await runner.start();
  return {
    runner,
    agents,
    router,
    preview,
    async stop(drainMs) {
      await runner.stop(drainMs);
      await agents.close();
      await hopper.close();
      router.close();
    },
  };
}
