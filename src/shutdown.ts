import type { Logger } from './logger.js';

export interface ShutdownStep {
  name: string;
  run(): Promise<void>;
}

/**
 * The one owner of shutdown. Steps run in the order added (stop taking leads → drain live calls
 * → close workers → close Redis → destroy knex); each runs once even if shutdown is requested
 * again, and a failing step does not stop the ones after it.
 */
export class Shutdown {
  private readonly steps: ShutdownStep[] = [];
  private readonly hurryHooks: (() => void)[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly logger: Logger) {}

  add(step: ShutdownStep): void {
    this.steps.push(step);
  }

  /** Adds steps that must run before those already added (the app adds Redis and Postgres first). */
  prepend(steps: ShutdownStep[]): void {
    this.steps.unshift(...steps);
  }

  run(reason: string): Promise<void> {
    this.running ??= this.runSteps(reason);
    return this.running;
  }

  /** Called on a second SIGINT/SIGTERM during shutdown (the app: hang up live calls now). */
  onHurry(hook: () => void): void {
    this.hurryHooks.push(hook);
  }

  /**
   * SIGINT/SIGTERM start shutdown; the process exits only after every step has finished. A
   * second signal hurries it: the hurry hooks run (live calls are hung up instead of waited
   * for; their ends are still written) and the steps go on. A third exits at once with code 1,
   * without waiting for any write.
   */
  handleSignals(
    onDone: (code: number) => void,
    exitNow: (code: number) => void = (c) => process.exit(c),
  ): void {
    let signals = 0;
    const handler = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals === 1) {
        this.run(signal).then(
          () => onDone(0),
          () => onDone(1),
        );
      } else if (signals === 2) {
        this.logger.warn({ signal }, 'second signal: hanging up live calls now, then finishing shutdown');
        for (const hook of this.hurryHooks) hook();
      } else {
        this.logger.error({ signal }, 'third signal: exiting now, without waiting for writes');
        exitNow(1);
      }
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }

  private async runSteps(reason: string): Promise<void> {
    this.logger[reason === 'close' ? 'debug' : 'info']({ reason }, 'shutting down');
    for (const step of this.steps) {
      try {
        await step.run();
        this.logger.debug({ step: step.name }, 'shutdown step done');
      } catch (err) {
        this.logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
  }
}

/**
 * SIGHUP would end the process at once (Node's default), cutting live calls without the drain.
 * Nothing is reloaded on it yet, so it is logged and ignored; returns the remover.
 */
export function ignoreHangup(logger: Logger): () => void {
  const onHup = () =>
    logger.warn(
      'SIGHUP ignored: nothing is reloaded on it; restart the service (SIGTERM drains live calls) to apply dialer.yaml or campaign settings',
    );
  process.on('SIGHUP', onHup);
  return () => process.off('SIGHUP', onHup);
}
