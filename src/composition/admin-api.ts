import type { App } from '../app.js';
import type { EngineRegistry } from '../engine/registry.js';
import { EventHub } from '../http/event-hub.js';
import type { AdminDeps } from '../http/routes/admin.js';
import { publicStatus } from '../http/routes/imports.js';
import { ListUploads, type UploadStatus } from '../import/list-uploads.js';
import { recordAudit } from '../store/audit.js';

/** The list upload's audit row: who imported what into which campaign, and how it ended. */
function importAudit(app: App) {
  return (s: UploadStatus) =>
    recordAudit(app.db, {
      actor: s.actor,
      action: s.phase === 'done' ? 'list.import' : 'list.import-failed',
      entity: 'campaign',
      entityId: String(s.campaignId),
      details: {
        importId: s.id,
        fileName: s.fileName,
        listId: s.summary?.listId ?? null,
        imported: s.summary?.imported ?? 0,
        rejected: s.summary?.rejected ?? 0,
        error: s.error,
      },
    });
}

/** The admin API's parts over the App: uploads (progress on the event hub), audit, webhooks. */
export function adminApi(
  app: App,
  registry: EngineRegistry,
  extra: Pick<AdminDeps, 'assignCreator'> = {},
): AdminDeps & { close(): Promise<void> } {
  const hub = new EventHub();
  const uploads = new ListUploads({
    db: app.db,
    defaultRegion: app.config.defaultRegion,
    defaultTimezone: app.config.timezone,
    onStatus: (s) => hub.publish(`import:${s.id}`, 'import', publicStatus(s)),
    audit: importAudit(app),
  });
  return {
    db: app.db,
    registry,
    approvalThreshold: app.config.compliance.approvalThreshold,
    defaultRegion: app.config.defaultRegion,
    uploads,
    hub,
    outbox: app.webhookOutbox,
    // A supervisor who creates a campaign is assigned to it, so they can open it.
    assignCreator: (creator, campaignId) =>
      app.accounts.assignments.assign(creator.username, String(campaignId), creator.actor),
    ...extra,
    close: () => uploads.close(),
  };
}
