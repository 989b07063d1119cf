export interface LoginLimits {
  /** Tries per username and address in any window. */
  max: number;
  /** Tries per address in any window, whatever the usernames (password spraying). */
  perAddress: number;
  windowMs: number;
}

/**
 * Sign-in attempts allowed: at most `max` tries per username and client address, and at most
 * `perAddress` tries from one address over all usernames, in any `windowMs` (a sliding window);
 * the next is refused until the oldest try leaves the window. In memory, per process (the
 * service is one process per host; a restart forgets the counts). Per pair, so a user is not
 * locked out by someone else's guesses from another address; per address too, so one address
 * cannot try one password against every username.
 */
export class LoginLimiter {
  private readonly tries = new Map<string, number[]>();

  constructor(private readonly limits: LoginLimits = { max: 10, perAddress: 100, windowMs: 60_000 }) {}

  /** Counts a try; returns how many seconds to wait when it is over a limit, else 0. */
  attempt(username: string, ip: string, now: number): number {
    const since = now - this.limits.windowMs;
    const pair = `u\u0000${username.toLowerCase()}\u0000${ip}`;
    const address = `a\u0000${ip}`;
    const wait = Math.max(
      this.waitFor(pair, this.limits.max, since),
      this.waitFor(address, this.limits.perAddress, since),
    );
    if (wait > 0) return wait;
    for (const key of [pair, address]) this.tries.set(key, [...(this.tries.get(key) ?? []), now]);
    if (this.tries.size > 20_000) this.prune(since);
    return 0;
  }

  private waitFor(key: string, max: number, since: number): number {
    const recent = (this.tries.get(key) ?? []).filter((t) => t > since);
    this.tries.set(key, recent);
    if (recent.length < max) return 0;
    return Math.max(1, Math.ceil(((recent[recent.length - max] ?? since) - since) / 1000));
  }

  private prune(since: number): void {
    for (const [key, times] of this.tries) if (!times.some((t) => t > since)) this.tries.delete(key);
  }
}
