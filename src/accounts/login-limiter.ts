/**
 * Login attempts allowed per username and client address: at most `max` tries in any
 * `windowMs` (a sliding window); the next is refused until the oldest try leaves the window.
 * In memory, per process (the service is one process per host; a restart forgets the counts).
 * The key is the pair, so one address guessing many names and many addresses guessing one name
 * are each limited per pair, and a user locked out by someone else's guesses can still sign in
 * from their own address.
 */
export class LoginLimiter {
  private readonly tries = new Map<string, number[]>();

  constructor(private readonly options: { max: number; windowMs: number } = { max: 10, windowMs: 60_000 }) {}

  /** Counts a try; returns how many seconds to wait when it is over the limit, else 0. */
  attempt(username: string, ip: string, now: number): number {
    const key = `${username.toLowerCase()}\u0000${ip}`;
    const since = now - this.options.windowMs;
    const recent = (this.tries.get(key) ?? []).filter((t) => t > since);
    if (recent.length >= this.options.max) {
      this.tries.set(key, recent);
      return Math.max(1, Math.ceil(((recent[0] ?? now) - since) / 1000));
    }
    recent.push(now);
    this.tries.set(key, recent);
    if (this.tries.size > 10_000) this.prune(since);
    return 0;
  }

  private prune(since: number): void {
    for (const [key, times] of this.tries) if (!times.some((t) => t > since)) this.tries.delete(key);
  }
}
