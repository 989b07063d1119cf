/**
 * What the service needs before it can work (Postgres, Redis, each PBX node, the recording
 * archive), checked the same way at start-up (a bounded wait) and by `GET /ready`.
 */
export interface Dependency {
  /** Short name: `postgres`, `redis`, `pbx lab`, `archive`. */
  readonly name: string;
  /** Where it is, without secrets (host:port, a path). */
  readonly where: string;
  /** What an admin should look at when it stays down. */
  readonly hint: string;
  /** Resolves when usable; rejects with the reason. */
  check(): Promise<void>;
}

export interface CheckResult {
  readonly name: string;
  readonly where: string;
  readonly ok: boolean;
  /** `up`, or the reason it is not usable. */
  readonly detail: string;
}

/** Exit code when a dependency stays down (sysexits EX_UNAVAILABLE). */
export const EX_UNAVAILABLE = 69;

export class DependencyUnavailableError extends Error {
  override readonly name = 'DependencyUnavailableError';
  constructor(
    readonly down: readonly (CheckResult & { hint: string })[],
    waitedMs: number,
  ) {
    super(
      [
        `cannot start: ${down.length === 1 ? 'a dependency' : `${down.length} dependencies`} still down after ${Math.round(waitedMs / 1000)} s`,
        ...down.map((d) => `  - ${d.name} (${d.where}): ${d.detail}\n      ${d.hint}`),
      ].join('\n'),
    );
  }
}

/** Runs every check at once, each bounded by `timeoutMs`. */
export async function checkAll(deps: readonly Dependency[], timeoutMs = 3_000): Promise<CheckResult[]> {
  return Promise.all(
    deps.map(async (d) => {
      try {
        await withTimeout(d.check(), timeoutMs);
        return { name: d.name, where: d.where, ok: true, detail: 'up' };
      } catch (err) {
        return { name: d.name, where: d.where, ok: false, detail: reason(err) };
      }
    }),
  );
}

export interface WaitOptions {
  /** How long to keep trying before giving up. */
  waitMs: number;
  /** Pause between rounds. */
  retryMs?: number;
  /** Each check's own bound. */
  checkTimeoutMs?: number;
  /** Where plain progress lines go (stderr in the CLI). */
  say: (line: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Checks every dependency until all are up or `waitMs` has passed; says what it waits for
 * whenever that changes. Throws DependencyUnavailableError naming each one still down.
 */
export async function waitForDependencies(deps: readonly Dependency[], options: WaitOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  let lastSaid = '';
  for (;;) {
    const results = await checkAll(deps, options.checkTimeoutMs);
    const down = results.filter((r) => !r.ok);
    const waited = now() - started;
    if (down.length === 0) {
      if (lastSaid) options.say(`all dependencies up after ${Math.round(waited / 1000)} s`);
      return;
    }
    if (waited >= options.waitMs) {
      throw new DependencyUnavailableError(
        down.map((d) => ({ ...d, hint: deps.find((x) => x.name === d.name)?.hint ?? '' })),
        waited,
      );
    }
    const line = down.map((d) => `${d.name} (${d.where}): ${d.detail}`).join('; ');
    if (line !== lastSaid) {
      const left = Math.max(0, Math.round((options.waitMs - waited) / 1000));
      options.say(`waiting for ${line} — retrying for up to ${left} s more`);
      lastSaid = line;
    }
    await sleep(options.retryMs ?? 1_000);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The useful part of an error: its code or first line, never a stack. */
function reason(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length > 0) return reason(err.errors[0]);
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    const first = err.message.split('\n')[0] ?? '';
    if (code && !first.includes(code)) return `${code}${first ? `: ${first}` : ''}`;
    return first || err.name;
  }
  return String(err);
}
