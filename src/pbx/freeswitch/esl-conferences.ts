import type { Logger } from '../../logger.js';
import { PbxError } from '../pbx-driver.js';
import { assertRoomId, isNoSuchChannel } from './esl-commands.js';

/**
 * Bridges as conferences (mod_conference), one room per bridge id. A room exists on FreeSWITCH
 * while it has members, so "create" is bookkeeping; members join with
 * `uuid_transfer <uuid> conference:<room>@<profile> inline` and leave by being parked again
 * (`uuid_transfer <uuid> park inline`), which keeps them up where `conference kick` would hang
 * them up. This fits the dialer's model: an agent sits in their own room for the whole session
 * and customers come and go; uuid_bridge would tie the agent's leg to one customer's.
 */
export class EslConferences {
  private readonly rooms = new Map<string, Set<string>>();
  private readonly roomOfCall = new Map<string, string>();

  constructor(
    private readonly api: (command: string) => Promise<string>,
    private readonly profile: string,
    private readonly logger: Logger,
  ) {}

  create(bridgeId: string): void {
    assertRoomId(bridgeId);
    if (!this.rooms.has(bridgeId)) this.rooms.set(bridgeId, new Set());
  }

  /** Throws not-found when the bridge was never created (or was destroyed). */
  members(bridgeId: string): Set<string> {
    const room = this.rooms.get(bridgeId);
    if (!room) throw new PbxError('not-found', `bridge ${bridgeId} does not exist`);
    return room;
  }

  roomOf(callId: string): string | undefined {
    return this.roomOfCall.get(callId);
  }

  async add(bridgeId: string, callId: string): Promise<void> {
    const room = this.members(bridgeId);
    await this.transfer(callId, `conference:${bridgeId}@${this.profile}`);
    this.drop(callId);
    room.add(callId);
    this.roomOfCall.set(callId, bridgeId);
  }

  async remove(bridgeId: string, callId: string): Promise<void> {
    this.members(bridgeId);
    if (this.roomOfCall.get(callId) !== bridgeId) {
      throw new PbxError('not-found', `call ${callId} is not in ${bridgeId}`);
    }
    await this.transfer(callId, 'park');
    this.drop(callId);
  }

  /** Parks every member (the room then ends by itself); quiet when already gone. */
  async destroy(bridgeId: string): Promise<void> {
    const room = this.rooms.get(bridgeId);
    if (!room) return;
    this.rooms.delete(bridgeId);
    for (const callId of room) {
      this.roomOfCall.delete(callId);
      const reply = await this.api(`uuid_transfer ${callId} park inline`);
      if (reply.startsWith('-ERR') && !isNoSuchChannel(reply)) this.logger.warn({ callId, reply }, 'park');
    }
  }

  /** The call ended (or was lost): forget its membership. */
  drop(callId: string): void {
    const bridgeId = this.roomOfCall.get(callId);
    if (bridgeId === undefined) return;
    this.roomOfCall.delete(callId);
    this.rooms.get(bridgeId)?.delete(callId);
  }

  private async transfer(callId: string, target: string): Promise<void> {
    const reply = await this.api(`uuid_transfer ${callId} ${target} inline`);
    if (isNoSuchChannel(reply)) throw new PbxError('not-found', `call ${callId} is gone`);
    if (reply.startsWith('-ERR')) throw new PbxError('rejected', reply.trim());
  }
}
