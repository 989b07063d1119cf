import type { Redis } from 'ioredis';
import type { LeasePort } from '../ports/hopper.js';

/** Takes the lease when it is free, renews it when it is ours; 1 when we hold it afterwards. */
const TAKE_OR_RENEW = `local v = redis.call('get', KEYS[1])
if v == ARGV[1] then redis.call('pexpire', KEYS[1], ARGV[2]) return 1 end
if not v then redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Part of the TTL the holder gives up early, so its belief ends before the key can expire. */
const SAFETY = 0.2;

/**
 * A lease in Redis: exactly one process paces a campaign at a time. The holder renews it every
 * third of its time-to-live; when the holder dies, the key expires and another process takes
 * over within one TTL. A plain owner-checked take/renew/release — no home-made consensus.
 *
 * Held means *proved held*: each answer counts from when its request was sent, so the lease is
 * believed only until that send time + 80 % of the TTL — always before the key can expire in
 * Redis and another process take it. While Redis does not answer (down, or cut off from this
 * process) the belief runs out by itself: `isHeld` turns false within one TTL and nothing more
 * is dialled; requests are not piled up behind an unanswered one.
 */
export class Lease implements LeasePort {
  private timer?: NodeJS.Timeout;
  private held = false;
  private validUntil = 0;
  private asking = false;

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly owner: string,
    private readonly ttlMs: number,
    /** Told when the lease is taken or lost, with the time (ms) the belief began or ended. */
    private readonly onChange: (held: boolean, at: number) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {}

  get isHeld(): boolean {
    return this.held && this.now() < this.validUntil;
  }

  /** Tries to take (or keep) the lease now and keeps trying every third of the TTL. */
  start(): void {
    if (this.timer) return;
    const tick = () => void this.tryTakeOrRenew();
    tick();
    this.timer = setInterval(tick, Math.max(100, Math.floor(this.ttlMs / 3)));
  }

  /** Gives the lease back (when Redis answers within a third of the TTL; else it expires). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.held) this.set(false, Math.min(this.now(), this.validUntil));
    // Released even when not believed held: a take sent while Redis did not answer may still sit
    // in the client's queue, and would take the lease for a stopped process when it reconnects.
    // One connection keeps order, so this release runs after it.
    await this.answer(this.redis.eval(RELEASE, 1, this.key, this.owner)).catch(() => undefined);
  }

  async tryTakeOrRenew(): Promise<boolean> {
    this.lapse(this.validUntil);
    if (this.asking) return this.isHeld;
    this.asking = true;
    const sentAt = this.now();
    try {
      const ok = await this.answer(
        this.redis.eval(TAKE_OR_RENEW, 1, this.key, this.owner, String(this.ttlMs)),
      );
      const until = sentAt + Math.floor(this.ttlMs * (1 - SAFETY));
      if (ok === 1 && until > this.now()) {
        this.validUntil = until;
        this.set(true, sentAt);
      } else this.set(false, this.now());
    } catch {
      // Redis unreachable: we cannot prove we hold it; the belief runs out at validUntil.
      this.lapse(this.validUntil);
    } finally {
      this.asking = false;
    }
    return this.isHeld;
  }

  /** The belief ran out (no answer in time): the lease counts as lost from `at`. */
  private lapse(at: number): void {
    if (this.held && this.now() >= this.validUntil) this.set(false, at);
  }

  /** Redis's answer, or an error after a third of the TTL (ioredis would wait for a reconnect). */
  private answer(p: Promise<unknown>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('Redis did not answer')), Math.max(100, this.ttlMs / 3));
    });
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  private set(held: boolean, at: number): void {
    if (held === this.held) return;
    this.held = held;
    if (!held) this.validUntil = 0;
    this.onChange(held, at);
  }
}
