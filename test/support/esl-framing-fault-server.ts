import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { AUTH_REQUEST, commandReply, EslCommandReader, jsonEvent, withBody } from './esl-framing.js';

/**
 * An event socket for the framing faults a real FreeSWITCH cannot be made to produce on demand:
 * a socket cut in the middle of a frame, an event dribbled one byte per TCP write. It speaks
 * only what the ESL driver needs to log in and keep calls (auth, event, api `status` and
 * `uuid_exists`, bgapi with a Job-UUID); everything about calls is tested on the lab's real
 * FreeSWITCH (test/integration/pbx-esl*.test.ts), not here.
 */
export class EslFramingFaultServer {
  readonly password = 'fault-test';
  /** Calls `uuid_exists` answers true for. */
  readonly existing = new Set<string>();
  /** The body of every BACKGROUND_JOB (the job's result). */
  jobBody = '+OK\n';
  /** Command lines received, in order. */
  readonly received: string[] = [];
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  /** The connection that subscribed to events (the driver's main one; its api lanes do not). */
  private events: Socket | undefined;

  constructor() {
    this.server = createServer((socket) => this.accept(socket));
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Resolves once a client has logged in and subscribed (after a reconnect, the new one). */
  async loggedIn(timeoutMs = 5_000): Promise<Socket> {
    const until = Date.now() + timeoutMs;
    while (!this.events) {
      if (Date.now() > until) throw new Error('no client logged in');
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.events;
  }

  /** An event (`text/event-json`) for the logged-in client, one byte per TCP write. */
  async dribble(headers: Record<string, string>): Promise<void> {
    const socket = await this.loggedIn();
    for (const byte of Buffer.from(jsonEvent(headers))) {
      socket.write(Buffer.from([byte]));
      await new Promise((r) => setImmediate(r));
    }
  }

  /** Writes the first `fraction` of an event's frame, then destroys the socket (no goodbye). */
  async cutMidFrame(headers: Record<string, string>, fraction = 0.5): Promise<void> {
    const socket = await this.loggedIn();
    const frame = Buffer.from(jsonEvent(headers));
    this.events = undefined;
    socket.write(frame.subarray(0, Math.floor(frame.length * fraction)), () => socket.destroy());
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    const reader = new EslCommandReader();
    socket.on('error', () => undefined);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('data', (chunk) => {
      for (const cmd of reader.push(chunk)) {
        this.received.push(cmd.line);
        socket.write(this.reply(socket, cmd.line, cmd.headers['Job-UUID']));
      }
    });
    socket.write(AUTH_REQUEST);
  }

  private reply(socket: Socket, line: string, jobId: string = randomUUID()): string {
    const [verb = '', ...rest] = line.split(' ');
    if (verb === 'auth') {
      if (rest.join(' ') !== this.password) return commandReply('-ERR invalid');
      return commandReply('+OK accepted');
    }
    if (verb === 'bgapi') {
      // The job's result in the same TCP write as the reply: one read gives the client both.
      const done = { 'Event-Name': 'BACKGROUND_JOB', 'Job-UUID': jobId, 'Job-Command': rest[0] ?? '' };
      return commandReply(`+OK Job-UUID: ${jobId}`, { 'Job-UUID': jobId }) + jsonEvent(done, this.jobBody);
    }
    // modesl subscribes every connection to BACKGROUND_JOB at login; the driver's own list names CHANNEL_ANSWER.
    if (verb === 'event' && line.includes('CHANNEL_ANSWER')) this.events = socket;
    if (verb !== 'api') return commandReply('+OK');
    const [command = '', arg = ''] = rest;
    if (command === 'status') return withBody('api/response', 'UP 0 years, 0 days\n');
    if (command === 'uuid_exists') return withBody('api/response', String(this.existing.has(arg)));
    return withBody('api/response', '+OK\n');
  }
}
