/** Min-heap of events by time, ties broken by insertion order so runs are deterministic. */
export class EventHeap<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly items: T[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  push(time: number, item: T): void {
    this.insert(time, this.seq++, item);
  }

  /**
   * Pushes an item that goes before every item pushed with `push` at the same time (the
   * simulator's clock ticks, scheduled one at a time, still come first at their second).
   */
  pushFirst(time: number, item: T): void {
    this.insert(time, Number.MIN_SAFE_INTEGER + this.seq++, item);
  }

  private insert(time: number, seq: number, item: T): void {
    this.times.push(time);
    this.seqs.push(seq);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  peekTime(): number {
    return this.times[0] ?? Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the earliest item (undefined when empty). */
  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0];
    this.move(n - 1, 0);
    this.times.pop();
    this.seqs.pop();
    this.items.pop();
    if (this.items.length > 0) this.down(0);
    return top;
  }

  clear(): void {
    this.times.length = 0;
    this.seqs.length = 0;
    this.items.length = 0;
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a] ?? 0;
    const tb = this.times[b] ?? 0;
    return ta < tb || (ta === tb && (this.seqs[a] ?? 0) < (this.seqs[b] ?? 0));
  }

  private swap(a: number, b: number): void {
    // Plain temporaries: destructuring swaps allocate an array per swap.
    const ta = this.times[a] ?? 0;
    this.times[a] = this.times[b] ?? 0;
    this.times[b] = ta;
    const sa = this.seqs[a] ?? 0;
    this.seqs[a] = this.seqs[b] ?? 0;
    this.seqs[b] = sa;
    const ia = this.items[a] as T;
    this.items[a] = this.items[b] as T;
    this.items[b] = ia;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] ?? 0;
    this.seqs[to] = this.seqs[from] ?? 0;
    this.items[to] = this.items[from] as T;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) return;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
