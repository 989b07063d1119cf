/**
 * The part of modesl 1.2.1 (englercj/node-esl, CommonJS, callbacks, no types) the ESL driver uses.
 * Checked against node_modules/modesl/lib/esl/{Connection,Event}.js.
 */
declare module 'modesl' {
  import type { Socket } from 'node:net';

  namespace esl {
    /** One ESL message: headers (already URL-decoded) plus an optional body. */
    class Event {
      getHeader(name: string): string | null;
      getBody(): string;
      getType(): string;
      serialize(format?: 'plain' | 'json' | 'xml'): string;
      headers: { name: string; value: string }[];
      body: string;
    }

    /** Inbound connection: `new Connection(host, port, password, onReady)`. Extends EventEmitter2. */
    class Connection {
      constructor(host: string, port: number, password: string, onReady?: () => void);
      socket: Socket | null;
      api(command: string, cb: (res: Event) => void): void;
      api(command: string, args: string | string[], cb: (res: Event) => void): void;
      bgapi(command: string, args: string, jobId: string, cb: (job: Event) => void): void;
      sendRecv(command: string, args: Record<string, string> | null, cb: (res: Event) => void): void;
      events(type: 'json' | 'plain' | 'xml', events: string, cb: (res: Event) => void): void;
      disconnect(): void;
      connected(): boolean;
      on(event: string, listener: (...args: unknown[]) => void): this;
      once(event: string, listener: (...args: unknown[]) => void): this;
      off(event: string, listener: (...args: unknown[]) => void): this;
      removeAllListeners(event?: string): this;
    }
  }
  export = esl;
}
