/** How many call ids a driver remembers to refuse a second originate with one (≈ 1 MB at most). */
export const RECENT_IDS_KEPT = 10_000;

/**
 * The call ids a driver originated lately, to refuse a duplicate (PbxError `duplicate`), in
 * bounded memory: past `capacity` the oldest is forgotten. A set of every id ever used grows by
 * one string per call for the life of the process (the soak's per-call heap growth); the call
 * row's reservation (one row per attempt, `calls.id` unique) remains the guard for older ids.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = RECENT_IDS_KEPT) {}

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.add(id);
    // A Set iterates in insertion order: the first is the oldest.
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest === undefined) break;
      this.ids.delete(oldest);
    }
  }

  get size(): number {
    return this.ids.size;
  }
}
