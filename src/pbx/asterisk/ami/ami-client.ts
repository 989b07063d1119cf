import { EventEmitter } from 'node:events';
import AsteriskManager from 'asterisk-manager';
import { PbxError } from '../../pbx-driver.js';

/** An AMI message with lower-cased keys, as asterisk-manager delivers it. */
export type AmiMessage = Record<string, string | undefined>;
export type AmiAction = Record<string, string | number | boolean | Record<string, string> | undefined>;

export interface AmiClientOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  connectTimeoutMs: number;
  actionTimeoutMs: number;
}

type AmiConnection = InstanceType<typeof AsteriskManager>;

/**
 * One AMI login, promise-shaped. Reconnecting is the driver's job (asterisk-manager's own
 * keepConnected waits 10–60 s and logs with console.log), so this client is single-use.
 */
export class AmiClient extends EventEmitter<{ event: [AmiMessage]; closed: [string] }> {
  private ami: AmiConnection | undefined;
  private closedByUs = false;

  constructor(private readonly options: AmiClientOptions) {
    super();
  }

  async open(): Promise<void> {
    const o = this.options;
    // Without a port the constructor does not connect; we connect and log in ourselves so a
    // wrong secret surfaces (the constructor's own login drops the error).
    const ami = new AsteriskManager();
    ami.options = { port: o.port, host: o.host, username: o.username, password: o.secret, events: true };
    this.ami = ami;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => fail(new PbxError('timeout', `AMI ${o.host}:${o.port}: no answer`)),
        o.connectTimeoutMs,
      );
      const fail = (e: PbxError): void => {
        clearTimeout(timer);
        ami.removeAllListeners();
        ami.on('error', () => undefined);
        ami.disconnect();
        reject(e);
      };
      ami.on('error', (e) => fail(new PbxError('not-connected', `AMI ${o.host}:${o.port}: ${describe(e)}`)));
      ami.connect(o.port, o.host, () =>
        ami.login((err) => {
          if (err) return fail(new PbxError('rejected', `AMI login refused: ${err['message'] ?? ''}`));
          clearTimeout(timer);
          resolve();
        }),
      );
    });
    ami.removeAllListeners('error');
    ami.on('error', () => undefined);
    ami.on('close', () => this.lost('connection closed'));
    ami.on('managerevent', (e) => this.emit('event', e));
  }

  /** Sends an action; resolves with the response, rejects with PbxError on `Response: Error`. */
  action(action: AmiAction): Promise<AmiMessage> {
    const ami = this.live();
    const name = typeof action['action'] === 'string' ? action['action'] : 'action';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new PbxError('timeout', `AMI: no response to ${name}`)),
        this.options.actionTimeoutMs,
      );
      ami.action(action, (err, res) => {
        clearTimeout(timer);
        if (err) reject(new PbxError('rejected', `${name}: ${err['message'] ?? 'error'}`));
        else resolve(res);
      });
    });
  }

  /** Runs a list action (e.g. CoreShowChannels) and collects its events until `*Complete`. */
  async list(action: AmiAction, itemEvent: string): Promise<AmiMessage[]> {
    const id = `list-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    const items: AmiMessage[] = [];
    let onEvent: (e: AmiMessage) => void = () => undefined;
    let timer: NodeJS.Timeout | undefined;
    const done = new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new PbxError('timeout', 'AMI list timed out')),
        this.options.actionTimeoutMs,
      );
      onEvent = (e) => {
        if (e['actionid'] !== id) return;
        if (e['event']?.toLowerCase() === itemEvent) items.push(e);
        if (e['eventlist']?.toLowerCase() === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      };
      this.on('event', onEvent);
    });
    // A refused action (e.g. an unknown context) must not leave the list's timer to reject later,
    // unheard: that was an unhandled rejection ending the process.
    done.catch(() => undefined);
    try {
      await this.action({ ...action, actionid: id });
      await done;
      return items;
    } finally {
      clearTimeout(timer);
      this.off('event', onEvent);
    }
  }

  /** Idempotent: logs off and closes the socket. */
  close(): void {
    this.closedByUs = true;
    const ami = this.ami;
    this.ami = undefined;
    if (!ami) return;
    ami.removeAllListeners();
    ami.on('error', () => undefined);
    ami.disconnect();
  }

  private lost(detail: string): void {
    if (this.closedByUs || !this.ami) return;
    this.close();
    this.closedByUs = false;
    this.emit('closed', detail);
  }

  private live(): AmiConnection {
    if (!this.ami?.isConnected()) throw new PbxError('not-connected', 'AMI is not connected');
    return this.ami;
  }
}

/** asterisk-manager passes socket errors (Error) through the same emitter as AMI messages. */
function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return JSON.stringify(e);
}
