import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from '../config/load.js';
import { campaignPlan } from '../engine/campaign-plan.js';
import { startCampaignEngine, type CampaignEngine } from '../engine/campaign-engine.js';
import { TrunkLimiter } from '../engine/trunk-limiter.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Pacer } from '../pacing/types.js';
import type { CampaignCatalog } from '../ports/campaigns.js';
import type { Clock } from '../ports/clock.js';
import type { GatePort } from '../ports/gate.js';
import { Hopper } from '../queues/hopper.js';
import { Lease } from '../queues/lease.js';
import type { ArchiveSpace } from '../recordings/archive-space.js';
import { RecordingArchiver } from '../recordings/archiver.js';
import { PgRecordingRecovery } from '../recordings/recovery.js';
import type { ProcessHeartbeat } from '../store/process-heartbeat.js';
import { PgAttemptLedger } from '../store/lead-ledger/index.js';
import { PgOfferViews } from '../store/offer-view.js';
import { PgOfferStore } from '../store/preview-offers.js';
import { AgentRepository } from '../store/repositories/agents.js';
import { CallRepository } from '../store/repositories/calls.js';
import { rulesOf } from '../store/repositories/campaigns.js';
import { RecordingRepository } from '../store/repositories/recordings.js';
import { SurveyRepository } from '../store/repositories/surveys.js';
import type { PgWebhookOutbox } from '../store/webhook-outbox.js';
import type { PbxNodes } from './pbx-nodes.js';

/** What the campaign factory builds from: the app's shared parts. */
export interface CampaignFactoryDeps {
  config: Config;
  logger: Logger;
  db: Knex;
  redis(): Redis;
  pbx: PbxNodes;
  gate: GatePort;
  campaigns: CampaignCatalog;
  clock: Clock;
  metrics?: Metrics;
  /** This process's heartbeat; its owner string marks the lease and every call row dialled here. */
  heartbeat: ProcessHeartbeat;
  /** Webhook events (`call-ended`). */
  outbox?: PgWebhookOutbox;
  archiveSpace: ArchiveSpace;
}

/** Builds every adapter one campaign needs in this process, then its engine, and starts it. */
export function campaignEngineFactory(
  d: CampaignFactoryDeps,
): (campaignId: number, options: { pacer?: Pacer }) => Promise<CampaignEngine> {
  // One limiter per trunk in this process: its channels, calls per second and back-off are the
  // trunk's, whichever of the process's campaigns dial on it.
  const trunks = new Map<string, TrunkLimiter>();
  const limiter = (t: Config['trunks'][number]): TrunkLimiter => {
    const made =
      trunks.get(t.name) ??
      new TrunkLimiter(
        t.name,
        t.maxChannels,
        t.cps,
        () => d.clock.now(),
        t.backoff,
        (b) => {
          d.metrics?.trunkPaused.set({ trunk: t.name }, b ? 1 : 0);
          if (b) d.logger.warn({ trunk: t.name, ...b }, 'trunk paused: its calls keep failing');
          else d.logger.info({ trunk: t.name }, 'trunk routes calls again; back-off ended');
        },
      );
    trunks.set(t.name, made);
    return made;
  };
  return async (campaignId, options) => {
    const row = await d.campaigns.find(campaignId);
    if (!row) throw new Error(`campaign ${campaignId} does not exist`);
    const plan = campaignPlan(row, d.config);
    const trunk = d.config.trunks.find((t) => t.name === plan.trunk);
    if (!trunk) throw new Error(`trunk ${plan.trunk} is not configured`);
    const rules = rulesOf(row);
    const logger = d.logger.child({ campaign: row.code });
    const pbx = await d.pbx.connected(trunk.node);
    const redis = d.redis();
    const prefix = d.config.redis.prefix;
    const owner = d.heartbeat.owner;
    d.heartbeat.start();
    const lease = new Lease(redis, `${prefix}:lease:campaign:${campaignId}`, owner, 5_000, (held, at) =>
      logger.info({ held, at }, held ? 'took the campaign lease' : 'lost the campaign lease'),
    );
    d.archiveSpace.start();
    const archive = new RecordingArchiver(
      d.config.recordings.root,
      logger,
      d.config.recordings.layout,
      d.archiveSpace,
    );
    const calls = new CallRepository(d.db, logger, owner, d.outbox);
    return startCampaignEngine(row, plan, {
      pbx,
      calls,
      history: calls,
      recordings: new RecordingRepository(d.db),
      archive,
      recovery: new PgRecordingRecovery(d.db, archive, logger),
      agentStates: new AgentRepository(d.db, owner),
      surveys: new SurveyRepository(d.db),
      hopper: new Hopper(redis, campaignId, prefix),
      lease,
      trunk: limiter(trunk),
      gate: d.gate,
      ledger: new PgAttemptLedger(d.db, campaignId, rules, logger),
      offers: row.dial_mode === 'preview' ? new PgOfferStore(d.db) : undefined,
      views: row.dial_mode === 'preview' ? new PgOfferViews(d.db) : undefined,
      logger,
      clock: d.clock,
      metrics: d.metrics,
      archiveSpace: d.archiveSpace,
      pacer: options.pacer,
    });
  };
}
