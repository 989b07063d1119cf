import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EslDriver } from '../../src/pbx/freeswitch/esl-driver.js';
import type { PbxEvent } from '../../src/pbx/pbx-driver.js';
import { EslFramingFaultServer } from '../support/esl-framing-fault-server.js';

/**
 * Framing faults only — what a real FreeSWITCH cannot be made to do on demand. Everything else
 * the ESL driver does is tested on the lab's real FreeSWITCH 1.11.1 (the contract suite,
 * supervision, the engine's e2e cases).
 */
describe('ESL driver, framing faults (a scripted event socket)', () => {
  let server: EslFramingFaultServer;
  let driver: EslDriver;
  const events: PbxEvent[] = [];

  const waitFor = async (pred: (e: PbxEvent) => boolean): Promise<PbxEvent> => {
    const until = Date.now() + 5_000;
    for (;;) {
      const found = events.find(pred);
      if (found) return found;
      if (Date.now() > until) throw new Error(`not seen; events: ${events.map((e) => e.type).join(', ')}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };

  beforeEach(async () => {
    events.length = 0;
    server = new EslFramingFaultServer();
    const port = await server.listen();
    driver = new EslDriver(
      { host: '127.0.0.1', port, password: server.password, recordingDir: '/tmp', maxBackoffMs: 200 },
      pino({ level: 'silent' }),
    );
    driver.onEvent((e) => events.push(e));
    await driver.connect();
    await server.loggedIn();
  });
  afterEach(async () => {
    await driver.close();
    await server.close();
  });

  it('an event dribbled one byte per TCP write is read whole, once', async () => {
    await driver.originate({ callId: 'dribble-1', endpoint: 'sofia/gateway/gw/+15555550090', timeoutSec: 5 });
    await server.dribble({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': 'dribble-1' });
    await waitFor((e) => e.type === 'answered' && e.callId === 'dribble-1');
    expect(events.filter((e) => e.type === 'answered')).toHaveLength(1);
  });

  it("a job's result in the same read as bgapi's reply is not lost: a failed originate ends its call", async () => {
    server.jobBody = '-ERR GATEWAY_DOWN\n';
    await driver.originate({ callId: 'fast-1', endpoint: 'sofia/gateway/gw/+15555550090', timeoutSec: 5 });
    expect(await waitFor((e) => e.type === 'hangup' && e.callId === 'fast-1')).toMatchObject({
      answered: false,
    });
    expect(await driver.listCalls()).toEqual([]);
  });

  it('a socket cut mid-frame: the half event is dropped, the driver reconnects and reports the calls it lost', async () => {
    await driver.originate({ callId: 'cut-1', endpoint: 'sofia/gateway/gw/+15555550090', timeoutSec: 5 });
    await driver.originate({ callId: 'cut-2', endpoint: 'sofia/gateway/gw/+15555550091', timeoutSec: 5 });
    // Both jobs finished (BACKGROUND_JOB); cut-2 is still up on the PBX after the reconnect.
    await new Promise((r) => setTimeout(r, 50));
    server.existing.add('cut-2');
    await server.cutMidFrame({ 'Event-Name': 'CHANNEL_ANSWER', 'Unique-ID': 'cut-1' });
    await waitFor((e) => e.type === 'connection' && e.state === 'down');
    expect(await waitFor((e) => e.type === 'calls-lost')).toMatchObject({ callIds: ['cut-1'] });
    expect(events.some((e) => e.type === 'answered')).toBe(false);
    expect(server.received.filter((l) => l.startsWith('api uuid_exists')).sort()).toEqual([
      'api uuid_exists cut-1',
      'api uuid_exists cut-2',
    ]);
    expect((await driver.listCalls()).map((c) => c.callId)).toEqual(['cut-2']);
    expect((await driver.health()).ok).toBe(true);
  });
});
