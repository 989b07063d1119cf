import type { Pacer } from '../pacing/types.js';
import type { AgentAccount, AgentDirectory } from '../ports/agents.js';
import type { CampaignCatalog } from '../ports/campaigns.js';
import type { CampaignDiagnosis, CampaignDoctor, EngineFacts } from '../ports/diagnosis.js';
import type { DispositionLog } from '../ports/dispositions.js';
import type { ArchiveSpacePort } from '../ports/recordings.js';
import type { CampaignEngine } from './campaign-engine.js';
import { agentLoginRefusal } from '../domain/accounts/agent-login.js';
import { AgentLoginError, NotFoundError, PreviewError } from './errors.js';
import type { PreviewDesk } from './preview-desk.js';

export { NotFoundError } from './errors.js';

export interface RegistryDeps {
  /** Builds and starts one campaign's engine (the composition root's campaign factory). */
  startEngine(campaignId: number, options: { pacer?: Pacer }): Promise<CampaignEngine>;
  campaigns: CampaignCatalog;
  agents: AgentDirectory;
  dispositions: DispositionLog;
  doctor: CampaignDoctor;
  /** Whether the PBX node(s) answer. */
  pbxHealth(): Promise<{ ok: boolean }>;
  now(): number;
  /** The recording archive's free space (a full one is a doctor's problem). */
  archiveSpace?: ArchiveSpacePort;
}

/** The campaigns this process runs, and agent actions routed to the right campaign. */
export class EngineRegistry {
  private readonly engines = new Map<number, CampaignEngine>();
  private readonly starting = new Map<number, Promise<CampaignEngine>>();
  private readonly agentCampaign = new Map<string, number>();

  constructor(private readonly deps: RegistryDeps) {}

  /** Starts a campaign here (once); `pacer` replaces the one its dial mode picks. */
  async start(campaignId: number, options: { pacer?: Pacer } = {}): Promise<CampaignEngine> {
    const running = this.engines.get(campaignId) ?? (await this.starting.get(campaignId));
    if (running) return running;
    const row = await this.deps.campaigns.find(campaignId);
    if (!row) throw new NotFoundError(`campaign ${campaignId} does not exist`);
    const start = this.deps.startEngine(campaignId, options);
    this.starting.set(campaignId, start);
    try {
      const engine = await start;
      this.engines.set(campaignId, engine);
      return engine;
    } finally {
      this.starting.delete(campaignId);
    }
  }

  /** A stored campaign by id or code (undefined when there is none). */
  async findCampaign(idOrCode: string | number): Promise<{ id: number } | undefined> {
    return this.deps.campaigns.find(idOrCode);
  }

  get(campaignId: number): CampaignEngine | undefined {
    return this.engines.get(campaignId);
  }

  /**
   * Logs an agent in to a campaign (by id or code), by the rules of `agentLoginRefusal`: an
   * active agent, assigned to it, a campaign that dials, one campaign at a time. Returns the
   * campaign's id.
   */
  async login(username: string, campaignRef: number | string): Promise<number> {
    const agent = await this.agent(username);
    const campaign = await this.deps.campaigns.find(campaignRef);
    if (!campaign) throw new NotFoundError(`campaign ${campaignRef} does not exist`);
    const currentId = this.agentCampaign.get(username);
    const current = currentId === undefined ? undefined : await this.deps.campaigns.find(currentId);
    const refusal = agentLoginRefusal({ agent, campaign, current });
    if (refusal) throw new AgentLoginError(refusal.error, refusal.status);
    if (!agent.sip_endpoint) throw new NotFoundError(`agent ${username} has no SIP endpoint`);
    const engine = await this.start(campaign.id);
    // Claimed before the phone rings, so a second login elsewhere meanwhile is refused.
    this.agentCampaign.set(username, campaign.id);
    try {
      await engine.agents.login({ id: agent.id, username, endpoint: agent.sip_endpoint });
    } catch (err) {
      if (currentId === undefined) this.agentCampaign.delete(username);
      throw err;
    }
    return campaign.id;
  }

  /** The campaign an agent is logged in to in this process, if any. */
  campaignOf(username: string): number | undefined {
    return this.agentCampaign.get(username);
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

  /** Logs an agent out; always succeeds (an agent who is not logged in here is already out). */
  async logout(username: string): Promise<{ campaignId: number | undefined }> {
    const campaignId = this.agentCampaign.get(username);
    const engine = campaignId === undefined ? undefined : this.engines.get(campaignId);
    try {
      if (!engine) return { campaignId };
      const agent = await this.agent(username);
      if (engine.preview) await engine.preview.logout(agent.id);
      else await engine.agents.logout(agent.id);
      return { campaignId };
    } finally {
      this.agentCampaign.delete(username);
    }
  }

  /** Saves a disposition of the agent's call; `actor` is who submitted it (default: the agent). */
  async dispose(
    username: string,
    callId: string,
    body: unknown,
    actor = `user:${username}`,
  ): Promise<{ id: number }> {
    const agent = await this.agent(username);
    const now = new Date(this.deps.now());
    const result = await this.deps.dispositions.submit(callId, agent.id, body, now, actor);
    const campaignId = this.agentCampaign.get(username);
    if (campaignId !== undefined) this.engines.get(campaignId)?.agents.disposed(agent.id);
    return result;
  }

  /**
   * "Why isn't campaign X dialling?": the diagnosis from stored facts plus what only a running
   * engine knows (ready agents, free trunk lines, PBX health) when it runs here.
   */
  async diagnose(idOrCode: string | number, now = new Date(this.deps.now())): Promise<CampaignDiagnosis> {
    const c = await this.deps.campaigns.find(idOrCode);
    if (!c) throw new NotFoundError(`campaign ${idOrCode} does not exist`);
    const engine = this.engines.get(c.id);
    const health = engine
      ? await engine.pbx.health().catch(() => ({ ok: false }))
      : await this.deps.pbxHealth().catch(() => ({ ok: false }));
    const facts: EngineFacts = { pbxHealthy: health.ok };
    if (this.deps.archiveSpace?.full) facts.archiveFull = this.deps.archiveSpace.describe();
    if (engine) {
      facts.readyAgents = engine.agents.count('ready');
      facts.trunkFreeChannels = engine.trunk.freeChannels();
      facts.trunkMaxChannels = engine.trunk.maxChannels;
      facts.trunkStartsNow = engine.trunk.available();
      facts.trunkName = engine.trunk.name;
      facts.trunkBackoff = engine.trunk.backoff();
    }
    return this.deps.doctor.diagnose(c.id, now, facts);
  }

  /** The preview desk of the campaign the agent is logged in to, and the agent's id. */
  async previewDesk(username: string): Promise<{ desk: PreviewDesk; agentId: number }> {
    const { engine, agent } = await this.session(username);
    if (!engine.preview)
      throw new PreviewError(`agent ${username}'s campaign is not a preview campaign`, 409);
    return { desk: engine.preview, agentId: agent.id };
  }

  /** A second SIGTERM: every campaign hangs up its live calls now (CampaignRunner.hurry). */
  hurryAll(): void {
    for (const e of this.engines.values()) e.runner.hurry();
  }

  async stopAll(drainMs: number): Promise<void> {
    await Promise.allSettled([...this.engines.values()].map((e) => e.stop(drainMs)));
    this.engines.clear();
  }

  private async agent(username: string): Promise<AgentAccount> {
    const agent = await this.deps.agents.byUsername(username);
    if (!agent) throw new NotFoundError(`agent ${username} does not exist`);
    return agent;
  }

  private async session(username: string): Promise<{ engine: CampaignEngine; agent: AgentAccount }> {
    const campaignId = this.agentCampaign.get(username);
    const engine = campaignId === undefined ? undefined : this.engines.get(campaignId);
    if (!engine) throw new NotFoundError(`agent ${username} is not logged in here`);
    return { engine, agent: await this.agent(username) };
  }
}
