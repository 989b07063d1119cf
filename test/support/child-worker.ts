import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts a dialer process for a multi-process test (`script` under test/support/), with its
 * settings as JSON in DIALER_WORKER; resolves once it prints READY. The caller stops it by PID.
 */
export function startWorker(script: string, settings: object): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, DIALER_WORKER: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    // A hang guard, not a speed limit: a loaded 2-core machine takes a while to load tsx.
    const timer = setTimeout(() => reject(new Error('worker did not get ready')), 120_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('READY')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}
