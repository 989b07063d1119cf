import { engineSettings } from '../domain/campaign/engine-settings.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import type { Pacer } from '../pacing/types.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import type { AgentStateSink } from '../ports/agents.js';
import type { AttemptLedger } from '../ports/attempt-ledger.js';
import type { CallHistory, CallLog } from '../ports/call-log.js';
import type { CampaignRow } from '../ports/campaigns.js';
import type { Clock } from '../ports/clock.js';
import type { GatePort } from '../ports/gate.js';
import type { HopperPort, LeasePort, TrunkSlots } from '../ports/hopper.js';
import type { OfferStore, OfferViews } from '../ports/preview.js';
import type {
  ArchiveSpacePort,
  RecordingArchive,
  RecordingLog,
  RecordingRecovery,
} from '../ports/recordings.js';
import type { SurveyLog } from '../ports/surveys.js';
import { AgentPool } from './agent-pool.js';
import { agentlessPlan } from './agentless-flow.js';
import { CampaignRunner, type CampaignPlan } from './campaign-runner.js';
import { EventRouter } from './event-router.js';
import { pacerFor } from './pacer-for.js';
import { PreviewDesk } from './preview-desk.js';

/** The adapters one campaign's engine talks to, built by the composition root (src/composition). */
export interface CampaignPorts {
  /** The driver of the PBX node the campaign's trunk is on. */
  pbx: PbxDriver;
  calls: CallLog;
  history: CallHistory;
  recordings: RecordingLog;
  archive: RecordingArchive;
  recovery: RecordingRecovery;
  agentStates: AgentStateSink;
  surveys: SurveyLog;
  hopper: HopperPort;
  lease: LeasePort;
  trunk: TrunkSlots;
  gate: GatePort;
  ledger: AttemptLedger;
  /** Preview campaigns: where offers are kept and what the agent's screen reads. */
  offers?: OfferStore;
  views?: OfferViews;
  logger: Logger;
  clock: Clock;
  metrics?: Metrics;
  /** The recording archive's free space (a full one may pause dialling). */
  archiveSpace?: ArchiveSpacePort;
  /** Replaces the pacer the dial mode picks (simulations, benchmarks, tests of the abandon path). */
  pacer?: Pacer;
}

export interface CampaignEngine {
  readonly campaignId: number;
  readonly pbx: PbxDriver;
  runner: CampaignRunner;
  agents: AgentPool;
  router: EventRouter;
  /** The campaign's trunk capacity (channels and calls per second). */
  readonly trunk: TrunkSlots;
  /** Preview campaigns: the desk that offers leads to agents. */
  preview?: PreviewDesk;
  stop(drainMs: number): Promise<void>;
}

/**
 * Assembles one campaign's engine from its ports — event router, agent pool, runner, the preview
 * desk or the agentless flow — and starts it. Constructs no adapter: they all come in `ports`.
 */
export async function startCampaignEngine(
  row: CampaignRow,
  plan: CampaignPlan,
  ports: CampaignPorts,
): Promise<CampaignEngine> {
  // Checked before anything starts, so a bad setting names its field and leaves nothing open.
  const settings = engineSettings(row.dial_mode, row.settings['engine']);
  const { pbx, logger, clock } = ports;
  if (row.dial_mode === 'agentless') {
    Object.assign(plan, agentlessPlan({ pbx, surveys: ports.surveys, logger, clock }, row.id, row.settings));
  }
  const router = new EventRouter(pbx);
  const agents = new AgentPool(pbx, router, ports.agentStates, logger, {
    campaignId: row.id,
    wrapUpSec: settings.wrapUpSec,
    loginTimeoutSec: 20,
    clock,
  });
  const runner = new CampaignRunner(
    {
      ...ports,
      router,
      agents,
      pacer:
        ports.pacer ??
        pacerFor(row.dial_mode, Number(row.abandon_target), { hourlyAbandonCap: settings.hourlyAbandonCap }),
      wrapUpSec: settings.wrapUpSec,
    },
    plan,
  );
  let preview: PreviewDesk | undefined;
  if (row.dial_mode === 'preview') {
    if (!ports.offers || !ports.views) throw new Error(`preview campaign ${row.code} needs an offer store`);
    preview = new PreviewDesk(
      {
        ...ports,
        pbx,
        store: ports.offers,
        views: ports.views,
        campaignId: row.id,
        agents,
        launcher: runner,
      },
      settings,
    );
    runner.attachDesk(preview);
  }
  await runner.start();
  return {
    campaignId: row.id,
    pbx,
    runner,
    agents,
    router,
    trunk: ports.trunk,
    preview,
    async stop(drainMs) {
      await runner.stop(drainMs);
      await agents.close();
      await ports.hopper.close();
      router.close();
    },
  };
}
