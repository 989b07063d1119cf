import type { App } from '../app.js';
import type { Metrics } from '../metrics.js';
import type { PbxDriver } from '../pbx/pbx-driver.js';
import { explainCampaign, type CampaignDiagnosis, type EngineFacts } from '../reports/doctor.js';
import { AgentRepository, type AgentRow } from '../store/repositories/agents.js';
import { findCampaign } from '../store/repositories/campaigns.js';
import { submitDisposition } from './dispositions.js';
import { startCampaignEngine, type CampaignEngine } from './engine.js';
import type { GatePort } from './ports.js';
import type { PreviewDesk } from './preview-desk.js';
import { PreviewError } from './preview-ports.js';

export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The campaigns this process runs, and agent actions routed to the right campaign. */
export class EngineRegistry {
  private readonly engines = new Map<number, CampaignEngine>();
  private readonly agentCampaign = new Map<string, number>();
  private readonly agents: AgentRepository;

  constructor(
    private readonly app: App,
    private readonly pbx: PbxDriver,
    private readonly gate: GatePort,
    private readonly metrics?: Metrics,
  ) {
    this.agents = new AgentRepository(app.db);
  }

  async start(campaignId: number): Promise<CampaignEngine> {
    const running = this.engines.get(campaignId);
    if (running) return running;
    const row = await this.app
      .db('campaigns')
      .where({ id: campaignId })
      .first<{ dial_mode: string } | undefined>('dial_mode');
    if (!row) throw new NotFoundError(`campaign ${campaignId} does not exist`);
    const engine = await startCampaignEngine(
      this.app,
      this.pbx,
      campaignId,
      this.gate,
      undefined,
      this.metrics,
    );
    this.engines.set(campaignId, engine);
    return engine;
  }

  get(campaignId: number): CampaignEngine | undefined {
    return this.engines.get(campaignId);
  }

  async login(username: string, campaignId: number): Promise<void> {
    const agent = await this.agent(username);
    if (!agent.sip_endpoint) throw new NotFoundError(`agent ${username} has no SIP endpoint`);
    const engine = await this.start(campaignId);
    await engine.agents.login({ id: agent.id, username, endpoint: agent.sip_endpoint });
    this.agentCampaign.set(username, campaignId);
  }

  async pause(username: string, code: string): Promise<void> {
    const { engine, agent } = await this.session(username);
    // Preview: an offer the agent holds goes back to the list first.
    if (engine.preview) await engine.preview.pause(agent.id, code);
    else await engine.agents.pause(agent.id, code);
  }

  async resume(username: string): Promise<void> {
    const { engine, agent } = await this.session(username);
    await engine.agents.resume(agent.id);
  }

  async logout(username: string): Promise<void> {
    const { engine, agent } = await this.session(username);
    if (engine.preview) await engine.preview.logout(agent.id);
    else await engine.agents.logout(agent.id);
    this.agentCampaign.delete(username);
  }

  async dispose(username: string, callId: string, body: unknown): Promise<{ id: number }> {
    const agent = await this.agent(username);
    const result = await submitDisposition(this.app.db, callId, agent.id, body, new Date());
    const campaignId = this.agentCampaign.get(username);
    if (campaignId !== undefined) this.engines.get(campaignId)?.agents.disposed(agent.id);
    return result;
  }

  /**
   * "Why isn't campaign X dialling?": the doctor's lead buckets from Postgres plus what only a
   * running engine knows (ready agents, free trunk lines, PBX health) when it runs here.
   */
  async diagnose(idOrCode: string | number, now = new Date()): Promise<CampaignDiagnosis> {
    const c = await findCampaign(this.app.db, idOrCode);
    if (!c) throw new NotFoundError(`campaign ${idOrCode} does not exist`);
    const engine = this.engines.get(c.id);
    const health = await this.pbx.health().catch(() => ({ ok: false }));
    const facts: EngineFacts = { pbxHealthy: health.ok };
    if (engine) {
      facts.readyAgents = engine.agents.count('ready');
      facts.trunkFreeChannels = engine.runner.pacerState().trunkFreeLines;
    }
    return explainCampaign(this.app.db, c.id, now, facts);
  }

  /** The preview desk of the campaign the agent is logged in to, and the agent's id. */
  async previewDesk(username: string): Promise<{ desk: PreviewDesk; agentId: number }> {
    const { engine, agent } = await this.session(username);
    if (!engine.preview)
      throw new PreviewError(`agent ${username}'s campaign is not a preview campaign`, 409);
    return { desk: engine.preview, agentId: agent.id };
  }

  async stopAll(drainMs: number): Promise<void> {
    await Promise.allSettled([...this.engines.values()].map((e) => e.stop(drainMs)));
    this.engines.clear();
  }

  private async agent(username: string): Promise<AgentRow> {
    const agent = await this.agents.byUsername(username);
    if (!agent) throw new NotFoundError(`agent ${username} does not exist`);
    return agent;
  }

  private async session(username: string): Promise<{ engine: CampaignEngine; agent: AgentRow }> {
    const campaignId = this.agentCampaign.get(username);
    const engine = campaignId === undefined ? undefined : this.engines.get(campaignId);
    if (!engine) throw new NotFoundError(`agent ${username} is not logged in here`);
    return { engine, agent: await this.agent(username) };
  }
}
