import { spawn, type ChildProcess } from 'node:child_process';

/** A dialler process a test started, with the lines it printed on stdout so far. */
export interface Worker {
  child: ChildProcess;
  lines: string[];
  /** The process's JSON log lines (pino) whose `msg` matches. */
  logged(msg: RegExp): Record<string, unknown>[];
}

/**
 * Starts a dialer process for a multi-process test (`script` under test/support/), with its
 * settings as JSON in DIALER_WORKER; resolves once it prints READY. The caller stops it by PID.
 */
export function startWorker(script: string, settings: object): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, DIALER_WORKER: JSON.stringify(settings) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: string[] = [];
  let rest = '';
  const worker: Worker = {
    child,
    lines,
    logged: (msg) =>
      lines
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => msg.test(String(l['msg']))),
  };
  return new Promise((resolve, reject) => {
    // A hang guard, not a speed limit: a loaded 2-core machine takes a while to load tsx.
    const timer = setTimeout(() => reject(new Error('worker did not get ready')), 120_000);
    child.stdout?.on('data', (d: Buffer) => {
      const parts = (rest + d.toString()).split('\n');
      rest = parts.pop() ?? '';
      lines.push(...parts);
      if (parts.includes('READY')) {
        clearTimeout(timer);
        resolve(worker);
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

/** Whether the process is still running (neither exited nor killed). */
export function running(c: ChildProcess): boolean {
  return c.exitCode === null && c.signalCode === null;
}
