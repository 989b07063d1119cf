import { describe, expect, it } from 'vitest';
import { EventHub, type HubEvent } from '../../../src/http/event-hub.js';

describe('EventHub', () => {
  it('delivers an event to the listeners of its topic only, until they unsubscribe', () => {
    const hub = new EventHub();
    const a: HubEvent[] = [];
    const b: HubEvent[] = [];
    const offA = hub.subscribe(['import:1'], (e) => a.push(e));
    hub.subscribe(['import:2', 'import:1'], (e) => b.push(e));
    hub.publish('import:1', 'import', { n: 1 });
    hub.publish('import:2', 'import', { n: 2 });
    hub.publish('import:3', 'import', { n: 3 });
    expect(a.map((e) => e.data)).toEqual([{ n: 1 }]);
    expect(b.map((e) => e.data)).toEqual([{ n: 1 }, { n: 2 }]);
    expect(hub.size).toBe(3);
    offA();
    hub.publish('import:1', 'import', { n: 4 });
    expect(a).toHaveLength(1);
    expect(b).toHaveLength(3);
    expect(hub.size).toBe(2);
  });
});
