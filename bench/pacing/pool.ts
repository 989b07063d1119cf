import { Worker } from 'node:worker_threads';
import type { RunResult } from '../../src/sim/simulator.js';
import { runJob } from './jobs.js';
import type { Job } from './jobs.js';

interface Pending {
  id: number;
  job: Job;
  resolve: (r: RunResult) => void;
  reject: (e: Error) => void;
}

/**
 * A fixed set of worker threads running simulation jobs. Two queues: `urgent` jobs (the
 * frontier's bisection steps, each waiting on the last) go before `bulk` ones, so the
 * bisections do not end up waiting behind thousands of evaluation runs.
 */
export class SimPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly urgent: Pending[] = [];
  private readonly bulk: Pending[] = [];
  private readonly running = new Map<number, Pending>();
  private nextId = 0;

  /** @param size worker threads; 0 runs every job in this thread (for debugging). */
  constructor(private readonly size: number) {
    for (let i = 0; i < size; i++) {
      const w = new Worker(new URL('./worker-boot.js', import.meta.url));
      w.on('message', (m: { id: number; result?: RunResult; error?: string }) => this.done(w, m));
      w.on('error', (e) => {
        for (const p of this.running.values()) p.reject(e);
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  run(job: Job, urgent = false): Promise<RunResult> {
    if (this.size === 0) return Promise.resolve(runJob(job));
    return new Promise((resolve, reject) => {
      (urgent ? this.urgent : this.bulk).push({ id: this.nextId++, job, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0) {
      const next = this.urgent.shift() ?? this.bulk.shift();
      if (!next) return;
      const w = this.idle.pop();
      if (!w) return;
      this.running.set(next.id, next);
      w.postMessage({ id: next.id, job: next.job });
    }
  }

  private done(w: Worker, m: { id: number; result?: RunResult; error?: string }): void {
    const p = this.running.get(m.id);
    this.running.delete(m.id);
    this.idle.push(w);
    if (p) {
      if (m.result) p.resolve(m.result);
      else p.reject(new Error(m.error ?? 'worker failed'));
    }
    this.pump();
  }
}
