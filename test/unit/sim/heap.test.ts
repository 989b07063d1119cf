import { describe, expect, it } from 'vitest';
import { EventHeap } from '../../../src/sim/heap.js';

describe('EventHeap', () => {
  it('pops by time, ties in insertion order', () => {
    const h = new EventHeap<string>();
    for (const [t, x] of [
      [3, 'c'],
      [1, 'a1'],
      [2, 'b'],
      [1, 'a2'],
      [5, 'e'],
    ] as const)
      h.push(t, x);
    const out: (string | undefined)[] = [];
    while (h.size > 0) out.push(h.pop());
    expect(out).toEqual(['a1', 'a2', 'b', 'c', 'e']);
  });

  it('puts pushFirst items before push items at the same time, even when pushed later', () => {
    const h = new EventHeap<string>();
    h.push(10, 'resolve');
    h.push(9, 'early');
    h.pushFirst(10, 'tick');
    h.pushFirst(11, 'next tick');
    expect([h.pop(), h.pop(), h.pop(), h.pop(), h.pop()]).toEqual([
      'early',
      'tick',
      'resolve',
      'next tick',
      undefined,
    ]);
  });

  it('keeps order over many random pushes', () => {
    const h = new EventHeap<number>();
    let x = 7;
    const times: number[] = [];
    for (let i = 0; i < 500; i++) {
      x = (x * 48_271) % 2_147_483_647;
      const t = x % 97;
      times.push(t);
      h.push(t, t);
    }
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop() ?? -1);
    expect(out).toEqual([...times].sort((a, b) => a - b));
  });
});
