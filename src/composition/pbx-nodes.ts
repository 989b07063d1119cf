import type { PbxNodeConfig } from '../config/load.js';
import type { Logger } from '../logger.js';
import { createPbxDriver } from '../pbx/create-driver.js';
import type { PbxDriver, PbxHealth } from '../pbx/pbx-driver.js';
import { PbxUnavailableError } from '../engine/errors.js';

/** Builds the driver of one configured node; tests and benchmarks pass their own. */
export type DriverFactory = (node: PbxNodeConfig, logger: Logger) => PbxDriver;

/**
 * One PBX driver per configured node, built on first use (a command that never dials never
 * connects), connected once, closed with the app. Campaigns use the node their trunk names.
 */
export class PbxNodes {
  private readonly drivers = new Map<string, PbxDriver>();
  private readonly connecting = new Map<string, Promise<void>>();

  constructor(
    private readonly nodes: readonly PbxNodeConfig[],
    private readonly logger: Logger,
    private readonly factory: DriverFactory = createPbxDriver,
  ) {}

  get names(): string[] {
    return this.nodes.map((n) => n.name);
  }

  /** The driver of a node (built, not yet connected). */
  driver(name: string): PbxDriver {
    const built = this.drivers.get(name);
    if (built) return built;
    const node = this.nodes.find((n) => n.name === name);
    if (!node) throw new Error(`no PBX node "${name}" is configured (known: ${this.names.join(', ')})`);
    const driver = this.factory(node, this.logger);
    this.drivers.set(name, driver);
    return driver;
  }

  /** The node's driver, connected. */
  async connected(name: string): Promise<PbxDriver> {
    const driver = this.driver(name);
    let connecting = this.connecting.get(name);
    if (!connecting) {
      connecting = driver.connect();
      this.connecting.set(name, connecting);
      connecting.catch(() => this.connecting.delete(name));
    }
    try {
      await connecting;
    } catch (err) {
      throw new PbxUnavailableError(
        `PBX node ${name} is not reachable now (${String(err)}); try again when it is up`,
        {
          cause: err,
        },
      );
    }
    return driver;
  }

  /** Connects every configured node. */
  async connectAll(): Promise<void> {
    await Promise.all(this.names.map((n) => this.connected(n)));
  }

  /** Healthy when every node built so far answers. */
  async health(): Promise<PbxHealth> {
    const built = [...this.drivers.entries()];
    if (built.length === 0) return { ok: false, detail: 'no PBX node connected' };
    const checks = await Promise.all(
      built.map(async ([name, d]) => {
        const h = await d.health().catch((err: unknown) => ({ ok: false, detail: String(err) }));
        return { name, ...h };
      }),
    );
    return {
      ok: checks.every((c) => c.ok),
      latencyMs: Math.max(0, ...checks.map((c) => ('latencyMs' in c ? (c.latencyMs ?? 0) : 0))),
      detail: checks.map((c) => `${c.name}: ${c.detail}`).join('; '),
    };
  }

  /** Each configured node: connected now (a node no campaign has used yet is not). */
  async states(): Promise<{ node: string; up: boolean }[]> {
    return Promise.all(
      this.names.map(async (node) => {
        const d = this.drivers.get(node);
        const h = d ? await d.health().catch(() => ({ ok: false })) : { ok: false };
        return { node, up: h.ok };
      }),
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.drivers.values()].map((d) => d.close()));
  }
}
