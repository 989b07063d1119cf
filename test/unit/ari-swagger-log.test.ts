import { afterEach, describe, expect, it, vi } from 'vitest';

describe("ari-client's Swagger messages", () => {
  afterEach(() => vi.restoreAllMocks());

  it('are kept out of stdout once the ARI socket module is loaded', async () => {
    const printed = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    await import('../../src/pbx/asterisk/ari/ari-socket.js');
    const log = (globalThis as { log?: ((...a: unknown[]) => void) & { history?: unknown[] } }).log;
    expect(typeof log).toBe('function');
    log?.('This API is using a deprecated version of Swagger!');
    expect(printed).not.toHaveBeenCalled();
    expect(log?.history?.at(-1)).toEqual(['This API is using a deprecated version of Swagger!']);
  });
});
