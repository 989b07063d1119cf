import type { PbxDriver } from '../pbx/pbx-driver.js';

export interface ArchivedRecording {
  path: string;
  sha256: string;
  bytes: number;
  durationSec: number;
}

/** Failure text of a recording that never started because the call had already ended. */
export const NOT_STARTED = 'not started:';

/** The recording rows (store/repositories/recordings.ts), one per recording of a call. */
export interface RecordingLog {
  started(callId: string, pbxName: string): Promise<void>;
  finished(pbxName: string): Promise<void>;
  archived(pbxName: string, a: ArchivedRecording): Promise<void>;
  spoolDeleted(pbxName: string): Promise<void>;
  failed(pbxName: string, failure: string): Promise<void>;
}

export interface ArchiveRequest {
  /** The PBX's recording name. */
  pbxName: string;
  callId: string;
  campaignCode: string;
  /** The campaign's purpose (project type), the archive's third level by default. */
  purpose: string;
  /** When the call started; files are filed by this date (UTC). */
  at: Date;
}

/** The permanent archive (recordings/archiver.ts): fetch, hash, verify, then delete the PBX copy. */
export interface RecordingArchive {
  archive(
    pbx: PbxDriver,
    request: ArchiveRequest,
    persist: (archived: ArchivedRecording) => Promise<void>,
  ): Promise<ArchivedRecording>;
}

/** The archive's free space (recordings/archive-space.ts). */
export interface ArchiveSpacePort {
  readonly full: boolean;
  /** Full, and the policy (`recordings.onFull: pause`) stops new calls. */
  readonly pausesDialling: boolean;
  describe(): string;
  noteWriteFailed(): void;
  /** True once after space came back. */
  takeFreed(): boolean;
}

/** Archives what a lost process (or a failed fetch) left in the PBX spool (recordings/recovery.ts). */
export interface RecordingRecovery {
  recover(
    pbx: PbxDriver,
    campaign: { id: number; code: string; purpose: string },
    inFlight: ReadonlySet<string>,
    now: Date,
  ): Promise<unknown>;
}
