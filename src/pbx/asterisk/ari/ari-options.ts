import type { Logger } from '../../../logger.js';
import type { AriCredentials, AriRest } from './rest.js';

/** Settings of the ARI driver and the state it keeps per call. */
export interface AriDriverOptions extends AriCredentials {
  /** Stasis application name; one per dialer process (a second connection would replace it). */
  app: string;
  pingIntervalMs?: number;
  maxBackoffMs?: number;
  /** Dialplan context that runs AMD() and returns to Stasis (dialplan/asterisk/extensions_dialer.conf). */
  amdContext?: string;
  /** The same, waiting for a machine's beep to end before returning (`amdWaitForBeep`). */
  amdBeepContext?: string;
}

export interface AriCallState {
  amd: boolean;
  waitForBeep: boolean;
  answered: boolean;
  ringing: boolean;
  bridgeId?: string;
  /** Runs when the call is answered (supervisor legs join their snoop bridge then). */
  onAnswer?: () => Promise<void>;
  /** Runs when the call ends (supervision clean-up). */
  onEnd?: () => Promise<void>;
}

/** GET /channels after a reconnect is retried this often, this far apart (about 10 s). */
export const RECONCILE_ATTEMPTS = 20;
export const RECONCILE_RETRY_MS = 500;

/**
 * The ids of the channels Asterisk has now, after a reconnect. Right after a restart the
 * WebSocket can be back before ARI's REST resources answer, so GET /channels is retried;
 * undefined when it never answered (or the socket went down again).
 */
export async function liveChannelIds(
  rest: AriRest,
  isUp: () => boolean,
  logger: Logger,
): Promise<Set<string> | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      const channels = await rest.call<{ id: string }[]>('GET', '/channels');
      return new Set(channels.map((c) => c.id));
    } catch (err) {
      if (attempt >= RECONCILE_ATTEMPTS || !isUp()) {
        logger.error({ err: String(err), attempt }, 'could not reconcile calls after reconnect');
        return undefined;
      }
      await new Promise((r) => setTimeout(r, RECONCILE_RETRY_MS));
    }
  }
}
