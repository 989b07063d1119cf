/**
 * The part of asterisk-manager 0.2.0 (CommonJS, callbacks, no types) the AMI driver uses; read
 * from node_modules/asterisk-manager/lib/ami.js. Event and header names arrive lower-cased.
 */
declare module 'asterisk-manager' {
  /** One AMI message (response or event), keys lower-cased. */
  type AmiMessage = Record<string, string | undefined>;
  /** Action fields; an object value becomes repeated `Key: name=value` lines (Variable). */
  type AmiAction = Record<string, string | number | boolean | Record<string, string> | undefined>;

  interface Manager {
    options: { port: number; host: string; username: string; password: string; events: boolean };
    connect(port: number, host: string, callback?: (err: Error | null) => void): void;
    login(callback: (err?: AmiMessage) => void): void;
    action(action: AmiAction, callback?: (err: AmiMessage | undefined, res: AmiMessage) => void): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
    on(event: string, listener: (msg: AmiMessage) => void): void;
    removeAllListeners(event?: string): void;
  }

  const AsteriskManager: new (
    port?: number,
    host?: string,
    username?: string,
    password?: string,
    events?: boolean,
  ) => Manager;
  export = AsteriskManager;
}
