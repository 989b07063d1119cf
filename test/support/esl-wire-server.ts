import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import {
  AUTH_REQUEST,
  commandReply,
  DISCONNECT_NOTICE,
  EslCommandReader,
  jsonEvent,
  withBody,
  type EslCommand,
} from './esl-framing.js';
import { FsSim } from './esl-sim.js';

/**
 * A wire-level FreeSWITCH event socket (mod_event_socket, inbound mode) for tests. The
 * transcripts follow developer.signalwire.com/freeswitch/FreeSWITCH-Explained/Modules/
 * mod_event_socket_1048924/ (auth, event, api, bgapi, exit) and .../Client-and-Developer-
 * Interfaces/Event-Socket-Library/ (BACKGROUND_JOB carrying Job-UUID and the command output
 * as body); api command replies follow mod_commands (developer.signalwire.com/freeswitch/
 * FreeSWITCH-Explained/Modules/mod_commands_1966741/).
 */
export interface EslWireServerOptions {
  password?: string;
  /** Multiplies every simulated delay (ringing, talk time); 1 = real time. */
  timeScale?: number;
}

interface Client {
  socket: Socket;
  authed: boolean;
  /** Subscribed event names; `ALL` for everything. Subclasses are kept separately. */
  events: Set<string>;
  subclasses: Set<string>;
}

export class EslWireServer {
  readonly sim: FsSim;
  readonly password: string;
  /** Every command line received, for assertions on the protocol the driver speaks. */
  readonly received: string[] = [];
  private readonly server: Server;
  private readonly clients = new Set<Client>();
  private closed = false;

  constructor(options: EslWireServerOptions = {}) {
    this.password = options.password ?? 'ClueCon';
    this.sim = new FsSim((h, body) => this.publish(h, body), options.timeScale ?? 1);
    this.server = createServer((socket) => this.accept(socket));
  }

  /** Listens on 127.0.0.1 (port 0 = any free port); returns the port. */
  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Test hook: cuts every connection without a goodbye (FreeSWITCH crashed or restarted). */
  dropConnections(): void {
    for (const c of this.clients) c.socket.destroy();
    this.clients.clear();
  }

  /** Idempotent: ends calls' timers, closes connections and the listener. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sim.shutdown();
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    const client: Client = { socket, authed: false, events: new Set(), subclasses: new Set() };
    this.clients.add(client);
    const reader = new EslCommandReader();
    socket.on('data', (chunk) => {
      for (const cmd of reader.push(chunk)) this.dispatch(client, cmd);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.clients.delete(client));
    socket.write(AUTH_REQUEST);
  }

  private dispatch(c: Client, cmd: EslCommand): void {
    this.received.push(cmd.line);
    const [verb = '', ...rest] = cmd.line.split(' ');
    const args = rest.join(' ');
    if (!c.authed) {
      if (verb !== 'auth') return this.write(c, commandReply('-ERR command not found'));
      c.authed = args === this.password;
      this.write(c, commandReply(c.authed ? '+OK accepted' : '-ERR invalid'));
      if (!c.authed) this.bye(c);
      return;
    }
    switch (verb) {
      case 'event':
        return this.subscribe(c, args);
      case 'api':
        return this.write(c, withBody('api/response', this.api(args)));
      case 'bgapi': {
        const jobId = cmd.headers['Job-UUID'] ?? randomUUID();
        this.write(c, commandReply(`+OK Job-UUID: ${jobId}`, { 'Job-UUID': jobId }));
        setImmediate(() => this.bgapi(args, jobId));
        return;
      }
      case 'filter':
      case 'nixevent':
      case 'noevents':
        return this.write(c, commandReply('+OK'));
      case 'exit':
        this.write(c, commandReply('+OK bye'));
        return this.bye(c);
      default:
        return this.write(c, commandReply('-ERR command not found'));
    }
  }

  /** `event json A B CUSTOM sub::class …` (mod_event_socket parse_command "event"). */
  private subscribe(c: Client, args: string): void {
    const [format = '', ...names] = args.split(' ').filter(Boolean);
    if (format !== 'json') return this.write(c, commandReply(`-ERR only json is simulated`));
    let custom = false;
    for (const n of names) {
      if (n === 'CUSTOM') custom = true;
      else if (custom && n.includes('::')) c.subclasses.add(n);
      else c.events.add(n.toUpperCase());
    }
    this.write(c, commandReply('+OK event listener enabled json'));
  }

  private bgapi(args: string, jobId: string): void {
    const [command = '', ...rest] = args.split(' ');
    if (command === 'originate') return this.sim.originate(rest.join(' '), jobId);
    const body = this.api(args);
    this.publish(
      {
        'Event-Name': 'BACKGROUND_JOB',
        'Core-UUID': this.sim.coreUuid,
        'Job-UUID': jobId,
        'Job-Command': command,
        'Job-Command-Arg': rest.join(' '),
      },
      body,
    );
  }

  /** The mod_commands subset the ESL driver uses, with FreeSWITCH's reply texts. */
  private api(line: string): string {
    const [cmd = '', a = '', b = '', c = '', d = ''] = splitArgs(line);
    const sim = this.sim;
    switch (cmd) {
      case 'status':
        return sim.status();
      case 'show':
        return line === 'show channels as json' ? sim.showChannels() : '-ERR unsupported show\n';
      case 'uuid_kill':
        return sim.kill(a, b || undefined) ? '+OK\n' : '-ERR No such channel!\n';
      case 'uuid_transfer':
        return sim.transfer(a, b) ? '+OK\n' : '-ERR No such channel!\n';
      case 'uuid_setvar':
        return sim.setVar(a, b, c) ? '+OK\n' : '-ERR No such channel!\n';
      case 'uuid_record':
        return sim.record(a, b, c, Number(d || 0));
      case 'uuid_broadcast':
        return sim.broadcast(a, b);
      case 'uuid_break':
        return sim.breakMedia(a, b === 'all');
      case 'avmd':
        return b === 'start' ? sim.avmd(a) : '+OK\n';
      case 'conference':
        if (b === 'record' || b === 'norecord') return sim.conferenceRecord(a, c, b === 'record');
        return `-ERR unsupported conference command ${b}\n`;
      default:
        return `-ERR ${cmd} Command not found!\n`;
    }
  }

  private publish(headers: Record<string, string>, body?: string): void {
    const name = headers['Event-Name'] ?? '';
    const sub = headers['Event-Subclass'];
    for (const c of this.clients) {
      if (!c.authed) continue;
      const wanted =
        c.events.has('ALL') ||
        (name === 'CUSTOM' ? sub !== undefined && c.subclasses.has(sub) : c.events.has(name));
      if (wanted) this.write(c, jsonEvent(headers, body));
    }
  }

  private bye(c: Client): void {
    this.write(c, DISCONNECT_NOTICE);
    c.socket.end();
    this.clients.delete(c);
  }

  private write(c: Client, data: string): void {
    if (!c.socket.destroyed) c.socket.write(data);
  }
}

/**
 * Splits an api line on blanks, keeping single-quoted parts whole and dropping the quotes, as
 * switch_separate_string() does for mod_commands (uuid_broadcast '<app>::<args with blanks>').
 */
export function splitArgs(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/'([^']*)'|(\S+)/g)) out.push(m[1] ?? m[2] ?? '');
  return out;
}
