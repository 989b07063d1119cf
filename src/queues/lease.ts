import type { Redis } from 'ioredis';
import type { LeasePort } from '../ports/hopper.js';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * A lease in Redis: exactly one process paces a campaign at a time. The holder renews it every
 * third of its time-to-live; when the holder dies, the key expires and another process takes
 * over within one TTL. A plain SET NX PX plus owner-checked renew/release — no home-made
 * consensus.
 */
export class Lease implements LeasePort {
  private timer?: NodeJS.Timeout;
  private held = false;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
    private readonly onChange: (held: boolean) => void = () => undefined,
  ) {}

  get isHeld(): boolean {
    return this.held;
  }

  /** Tries to take (or keep) the lease now and keeps trying every third of the TTL. */
  start(): void {
    if (this.timer) return;
    const tick = () => void this.tryTakeOrRenew();
    tick();
    this.timer = setInterval(tick, Math.max(100, Math.floor(this.ttlMs / 3)));
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.held) {
      await this.redis.eval(RELEASE, 1, this.key, this.owner);
      this.set(false);
    }
  }

  async tryTakeOrRenew(): Promise<boolean> {
    try {
      if (this.held) {
        const ok = (await this.redis.eval(RENEW, 1, this.key, this.owner, String(this.ttlMs))) as number;
        this.set(ok === 1);
      } else {
        const ok = await this.redis.set(this.key, this.owner, 'PX', this.ttlMs, 'NX');
        this.set(ok === 'OK');
      }
    } catch {
      // Redis unreachable: we cannot prove we hold it, so act as if we do not.
      this.set(false);
    }
    return this.held;
  }

  private set(held: boolean): void {
    if (held === this.held) return;
    this.held = held;
    this.onChange(held);
  }
}
