import type { Knex } from 'knex';
import type { PreviewSettings } from '../domain/campaign/engine-settings.js';
import { PgOfferStore } from '../store/preview-offers.js';
import { loadPreviewRecord } from '../store/preview-record.js';
import { PreviewDesk, type PreviewDeskDeps } from './preview-desk.js';

/** The preview desk of a campaign, on Postgres: its offers in `preview_offers`, records read there. */
export function createPreviewDesk(
  db: Knex,
  settings: PreviewSettings,
  parts: Omit<PreviewDeskDeps, 'store' | 'loadRecord'>,
): PreviewDesk {
  return new PreviewDesk(
    { ...parts, store: new PgOfferStore(db), loadRecord: (offer, at) => loadPreviewRecord(db, offer, at) },
    settings,
  );
}
