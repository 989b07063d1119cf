import type { Knex } from 'knex';
import type { ArchivedRecording, RecordingLog } from '../../ports/recordings.js';

export { NOT_STARTED, type ArchivedRecording } from '../../ports/recordings.js';

/** The `recordings` table: one row per recording of a call. */
export class RecordingRepository implements RecordingLog {
  constructor(private readonly db: Knex) {}

  async started(callId: string, pbxName: string): Promise<void> {
    await this.db('recordings')
      .insert({ call_id: callId, pbx_name: pbxName })
      .onConflict('pbx_name')
      .ignore();
  }

  async finished(pbxName: string): Promise<void> {
    await this.db('recordings')
      .where({ pbx_name: pbxName, status: 'recording' })
      .update({ status: 'finished' });
  }

  async archived(pbxName: string, a: ArchivedRecording): Promise<void> {
    await this.db('recordings').where({ pbx_name: pbxName }).update({
      status: 'archived',
      path: a.path,
      sha256: a.sha256,
      bytes: a.bytes,
      duration_sec: a.durationSec,
      archived_at: new Date(),
    });
  }

  async spoolDeleted(pbxName: string): Promise<void> {
    await this.db('recordings').where({ pbx_name: pbxName }).update({ spool_deleted_at: new Date() });
  }

  async failed(pbxName: string, failure: string): Promise<void> {
    await this.db('recordings').where({ pbx_name: pbxName }).update({ status: 'failed', failure });
  }
}
