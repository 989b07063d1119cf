import { asteriskTime, type AriLogin, RawAri } from './raw-ari.js';

/** Asterisk's own times for one channel (epoch ms, millisecond resolution). */
export interface PbxTimes {
  /** ChannelStateChange to Up: the customer answered. */
  up?: number;
  /** ChannelEnteredBridge: the customer is in a bridge (the agent's). */
  bridged?: number;
}

/**
 * Watches every channel on the PBX (an ARI app with subscribeAll) and keeps Asterisk's
 * timestamps for the channels a `track` predicate selects: the PBX's view of answer → in the bridge, free of
 * the dialer's own clock and of event delivery.
 */
export class PbxClock {
  private readonly ari: RawAri;
  readonly channels = new Map<string, PbxTimes>();
  private readonly tracked: ((channelId: string) => boolean)[] = [];

  constructor(login: AriLogin, app: string) {
    this.ari = new RawAri(login, app, true);
    this.ari.onEvent((e) => {
      const id = e.channel?.id;
      if (!id || !this.tracked.some((t) => t(id))) return;
      if (e.type === 'ChannelStateChange' && e.channel?.state === 'Up') this.times(id).up ??= asteriskTime(e);
      if (e.type === 'ChannelEnteredBridge') this.times(id).bridged ??= asteriskTime(e);
    });
  }

  private times(id: string): PbxTimes {
    let t = this.channels.get(id);
    if (!t) {
      t = {};
      this.channels.set(id, t);
    }
    return t;
  }

  /** Starts keeping the times of channels `select` accepts (other engineers' calls are ignored). */
  track(select: (channelId: string) => boolean): void {
    this.tracked.push(select);
  }

  connect(): Promise<void> {
    return this.ari.connect();
  }

  /** Answer → in the bridge on Asterisk's clock, for every tracked channel that got both. */
  answerToBridgeMs(ids?: Iterable<string>): number[] {
    const out: number[] = [];
    const pick = ids ? [...ids].map((id) => this.channels.get(id)) : [...this.channels.values()];
    for (const t of pick) if (t?.up !== undefined && t.bridged !== undefined) out.push(t.bridged - t.up);
    return out;
  }

  close(): void {
    this.ari.close();
  }
}
