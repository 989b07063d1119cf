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

  /** SIGINT/SIGTERM start shutdown; the process exits only after every step has finished. */
  handleSignals(onDone: (code: number) => void): void {
    const handler = (signal: NodeJS.Signals) => {
      this.run(signal).then(
        () => onDone(0),
        () => onDone(1),
      );
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
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
