import type { FastifyReply, FastifyRequest } from 'fastify';

export interface HubEvent {
  topic: string;
  type: string;
  data: unknown;
}

type Listener = (e: HubEvent) => void;

/**
 * In-process publish/subscribe for the console's live pages (server-sent events at
 * /api/events). Topics are strings such as `import:<id>`; who may listen to which topic is the
 * route's `mayListen`. Events are not stored: a page takes a snapshot from the ordinary GET route
 * on (re)connect, then applies events. One process only (a multi-process deployment needs a
 * Redis fan-out behind this same interface).
 */
export class EventHub {
  private readonly listeners = new Map<string, Set<Listener>>();

  publish(topic: string, type: string, data: unknown): void {
    for (const l of this.listeners.get(topic) ?? []) l({ topic, type, data });
  }

  subscribe(topics: readonly string[], listener: Listener): () => void {
    for (const t of topics) {
      let set = this.listeners.get(t);
      if (!set) this.listeners.set(t, (set = new Set()));
      set.add(listener);
    }
    return () => {
      for (const t of topics) {
        const set = this.listeners.get(t);
        set?.delete(listener);
        if (set?.size === 0) this.listeners.delete(t);
      }
    };
  }

  /** Listeners now (for tests and /metrics). */
  get size(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
}

/** Streams `topics` to one client as server-sent events until it goes away. */
export function streamEvents(
  hub: EventHub,
  topics: readonly string[],
  req: FastifyRequest,
  reply: FastifyReply,
): void {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const unsubscribe = hub.subscribe(topics, (e) => {
    res.write(`data: ${JSON.stringify({ topic: e.topic, type: e.type, data: e.data })}\n\n`);
  });
  // A comment every 15 s keeps proxies from closing an idle stream.
  const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  req.raw.on('close', () => {
    clearInterval(keepAlive);
    unsubscribe();
  });
}
