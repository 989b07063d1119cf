import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { Shutdown } from '../../src/shutdown.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

describe('Shutdown.handleSignals: once, twice, three times', () => {
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  afterEach(() => {
    for (const s of SIGNALS)
      for (const l of process.listeners(s)) if (!before.get(s)?.includes(l)) process.off(s, l);
  });

  it('first: runs the steps then exits 0; second: hurries; third: exits 1 at once', async () => {
    const shutdown = new Shutdown(createLogger({ level: 'silent', name: 'test' }));
    const events: string[] = [];
    let finishStep: () => void = () => undefined;
    shutdown.add({
      name: 'campaigns',
      run: () => new Promise<void>((r) => (finishStep = r)).then(() => void events.push('steps done')),
    });
    shutdown.onHurry(() => events.push('hurry'));
    const exited = new Promise<number>((resolve) =>
      shutdown.handleSignals(
        (code) => resolve(code),
        (code) => events.push(`exit now ${code}`),
      ),
    );
    process.emit('SIGTERM');
    expect(events).toEqual([]);
    process.emit('SIGTERM');
    expect(events).toEqual(['hurry']);
    process.emit('SIGINT');
    expect(events).toEqual(['hurry', 'exit now 1']);
    finishStep();
    expect(await exited).toBe(0);
    expect(events).toEqual(['hurry', 'exit now 1', 'steps done']);
  });
});
