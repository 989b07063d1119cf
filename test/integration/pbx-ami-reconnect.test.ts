import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { labNumber } from '../../src/lab/number-plan.js';
import { AmiDriver } from '../../src/pbx/asterisk/ami/ami-driver.js';
import type { PbxEvent } from '../../src/pbx/pbx-driver.js';
import { labSettings } from '../support/lab.js';
import { CuttableProxy } from '../support/tcp-proxy.js';

const drivers: AmiDriver[] = [];
let proxy: CuttableProxy | undefined;

afterEach(async () => {
  await proxy?.cut();
  for (const d of drivers.splice(0)) await d.close();
});

function amiDriver(port: number): AmiDriver {
  const lab = labSettings();
  const d = new AmiDriver(
    { ...lab.ami, port, monitorSpool: lab.monitorSpool, maxBackoffMs: 500 },
    pino({ level: 'silent' }),
  );
  drivers.push(d);
  return d;
}

it('AMI: a call that ended while disconnected is reported in calls-lost after reconnecting', async () => {
  const lab = labSettings();
  proxy = new CuttableProxy(lab.ami.host, lab.ami.port);
  await proxy.open(0);
  const viaProxy = amiDriver(proxy.port);
  const direct = amiDriver(lab.ami.port);
  const events: PbxEvent[] = [];
  viaProxy.onEvent((e) => events.push(e));
  await Promise.all([viaProxy.connect(), direct.connect()]);

  const callId = `ami-lost-${Date.now()}`;
  await viaProxy.originate({ callId, endpoint: `PJSIP/${labNumber(9, 0, 7)}@lab-carrier`, timeoutSec: 10 });
  await expect.poll(() => events.some((e) => e.type === 'answered'), { timeout: 10_000 }).toBe(true);

  const port = proxy.port;
  await proxy.cut();
  await expect.poll(() => events.some((e) => e.type === 'connection' && e.state === 'down')).toBe(true);
  // Hang the call up behind the disconnected driver's back (AMI accepts the uniqueid as Channel).
  await direct.hangup(callId);
  await expect.poll(async () => (await direct.listCalls()).some((c) => c.callId === callId)).toBe(false);
  await proxy.open(port);

  await expect
    .poll(() => events.find((e) => e.type === 'calls-lost'), { timeout: 10_000 })
    .toMatchObject({ callIds: [callId] });
  expect(events.some((e) => e.type === 'hangup')).toBe(false);
});
