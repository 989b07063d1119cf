import { describe, expect, it } from 'vitest';
import { PbxError, type OriginateRequest } from '../../src/pbx/pbx-driver.js';
import { assertOriginateValues } from '../../src/pbx/protocol-values.js';
import { originateCommand, quoteVar } from '../../src/pbx/freeswitch/esl-commands.js';
import { callerIdNameSchema } from '../../src/domain/caller-id.js';

const base: OriginateRequest = { callId: 'c1-l2-a1', endpoint: 'PJSIP/+15555550100@carrier', timeoutSec: 20 };

describe('values that reach a PBX protocol', () => {
  it.each([
    [
      'a newline in the caller-ID name',
      { ...base, callerId: { number: '+15555550100', name: 'x\napi shutdown' } },
    ],
    [
      'a CR in the caller-ID name',
      { ...base, callerId: { number: '+15555550100', name: 'x\rbgapi status' } },
    ],
    ['a NUL in the caller-ID name', { ...base, callerId: { number: '+15555550100', name: 'x\u0000' } }],
    ['a line separator in the name', { ...base, callerId: { number: '+15555550100', name: 'x\u2028y' } }],
    ['a quote in the name', { ...base, callerId: { number: '+15555550100', name: 'a" <+1999>' } }],
    ['a newline in the caller-ID number', { ...base, callerId: { number: '+1555\nAction: Logoff' } }],
    ['a space in the caller-ID number', { ...base, callerId: { number: '+1555 0100' } }],
    ['a newline in a variable value', { ...base, variables: { LEAD: '1\r\nAction: Originate' } }],
    ['a variable name with =', { ...base, variables: { 'A=B': '1' } }],
    ['a newline in the endpoint', { ...base, endpoint: 'PJSIP/1@carrier\nAction: Logoff' }],
  ])('refuses %s', (_name, request) => {
    expect(() => assertOriginateValues(request)).toThrow(PbxError);
    expect(() => assertOriginateValues(request)).toThrow(/nothing was sent to the PBX/);
  });

  it('accepts ordinary values, including non-ASCII names', () => {
    expect(() =>
      assertOriginateValues({
        ...base,
        callerId: { number: '+15555550100', name: "O'Brien, Zoë 王" },
        variables: { DIALER_LEAD: '42', NOTE: 'a b, c' },
      }),
    ).not.toThrow();
    expect(() =>
      assertOriginateValues({ ...base, callerId: { number: 'dialer', name: 'Dialer' } }),
    ).not.toThrow();
  });

  it('ESL: a newline never reaches the originate command line', () => {
    expect(() => quoteVar('Sales\napi shutdown')).toThrow(PbxError);
    const cmd = originateCommand(
      {
        ...base,
        endpoint: 'sofia/gateway/gw/+15555550100',
        callerId: { number: '+1555', name: 'Sales Team' },
      },
      '&park()',
    );
    expect(cmd.split('\n')).toHaveLength(1);
    expect(cmd).toContain("origination_caller_id_name='Sales Team'");
  });

  it('campaign and config input refuse such a name at the edge, naming the rule', () => {
    expect(callerIdNameSchema.safeParse('Sales').success).toBe(true);
    const r = callerIdNameSchema.safeParse('Sales\nx');
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/control characters \(such as a newline\)/);
  });
});
