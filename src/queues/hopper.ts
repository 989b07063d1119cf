import { randomUUID } from 'node:crypto';
import { Queue, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ClaimedAttempt, DialAttempt } from '../domain/attempt.js';
import type { HopperPort } from '../ports/hopper.js';

/**
 * A campaign's hopper: dial attempts queued in BullMQ, in priority order (callbacks due, then
 * retries due, then fresh leads), with the attempt id as the job id so the same attempt cannot
 * be queued twice. The pacer *pulls* exactly as many attempts as it has decided to dial.
 */
export class Hopper implements HopperPort {
  private readonly queue: Queue<DialAttempt>;
  private readonly worker: Worker<DialAttempt>;
  private readonly token = randomUUID();
  /** The Worker's own connection: BullMQ does not close a connection it was given. */
  private readonly workerConnection: Redis;

  constructor(
    connection: Redis,
    readonly campaignId: number,
    prefix: string,
  ) {
    const name = `hopper-c${campaignId}`;
    this.queue = new Queue<DialAttempt>(name, { connection, prefix });
    // No processor: jobs are fetched by hand when the pacer wants a line.
    this.workerConnection = connection.duplicate();
    this.worker = new Worker<DialAttempt>(name, null, {
      connection: this.workerConnection,
      prefix,
      autorun: false,
      lockDuration: 30_000,
    });
    // While Redis is unreachable BullMQ emits an error per reconnect attempt (and prints it when
    // nobody listens); the app's Redis watcher already logs the outage once, and callers see
    // their own commands wait or fail.
    this.queue.on('error', () => undefined);
    this.worker.on('error', () => undefined);
  }

  /** Queues attempts; priority: lower runs first (1 = callbacks due, 2 = retries, 3 = fresh). */
  async add(attempts: readonly ClaimedAttempt[]): Promise<void> {
    if (attempts.length === 0) return;
    await this.queue.addBulk(
      attempts.map(({ attempt, priority }) => ({
        name: 'dial',
        data: attempt,
        opts: { jobId: attempt.callId, priority, removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }

  /** Takes the next attempt off the hopper, or undefined when it is empty. */
  async take(): Promise<DialAttempt | undefined> {
    const job = (await this.worker.getNextJob(this.token, { block: false })) as Job<DialAttempt> | undefined;
    if (!job) return undefined;
    await job.moveToCompleted('taken', this.token, false);
    return job.data;
  }

  /**
   * Takes up to `n` attempts at once (the round trips run side by side), in the hopper's order
   * as far as Redis hands them out; fewer when the hopper runs dry.
   */
  async takeMany(n: number): Promise<DialAttempt[]> {
    const taken = await Promise.all(Array.from({ length: n }, () => this.take()));
    return taken.filter((a): a is DialAttempt => a !== undefined);
  }

  async size(): Promise<number> {
    return this.queue.getWaitingCount().then(async (w) => w + (await this.queue.getPrioritizedCount()));
  }

  /** Removes every queued attempt (campaign paused or stopped) and returns them. */
  async drain(): Promise<DialAttempt[]> {
    const jobs = await this.queue.getJobs(['waiting', 'prioritized'], 0, -1);
    await this.queue.drain();
    return jobs.map((j) => j.data);
  }

  async close(): Promise<void> {
    await this.worker.close();
    await this.queue.close();
    await this.workerConnection.quit();
  }
}
