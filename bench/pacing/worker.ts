import { parentPort } from 'node:worker_threads';
import { runJob } from './jobs.js';
import type { Job } from './jobs.js';

/** Runs jobs from the pool one at a time; errors go back as messages, not crashes. */
parentPort?.on('message', (m: { id: number; job: Job }) => {
  try {
    parentPort?.postMessage({ id: m.id, result: runJob(m.job) });
  } catch (err) {
    parentPort?.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) });
  }
});
