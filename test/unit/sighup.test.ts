import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ignoreHangup } from '../../src/shutdown.js';

describe('SIGHUP while the service runs', () => {
  it('is logged and ignored instead of ending the process without the drain', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (l: string) => void lines.push(l) });
    const before = process.listenerCount('SIGHUP');
    const stop = ignoreHangup(logger);
    expect(process.listenerCount('SIGHUP')).toBe(before + 1);
    process.emit('SIGHUP', 'SIGHUP');
    expect(lines.join('')).toContain('SIGHUP ignored: nothing is reloaded on it; restart the service');
    stop();
    expect(process.listenerCount('SIGHUP')).toBe(before);
  });
});
