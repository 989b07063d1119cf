import { z } from 'zod';
import { CAMPAIGN_STATUSES } from '../../domain/campaign/lifecycle.js';
import { DNC_TYPES } from '../../domain/campaign/purpose.js';

/**
 * The admin routes' answers, as schemas: the API document shows them and the console's types
 * are generated from it (web/src/api/schema.d.ts). They describe what the handlers return.
 */
const iso = z.string().describe('ISO 8601 time, UTC');

export const campaignSummary = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  status: z.enum(CAMPAIGN_STATUSES),
  purpose: z.string(),
  dialMode: z.string(),
  leads: z.number().int(),
  approvals: z.array(z.object({ by: z.string(), level: z.string(), at: iso })),
  createdBy: z.string().nullable(),
  createdAt: iso,
});

export const campaignDetail = campaignSummary.extend({ rules: z.record(z.string(), z.unknown()) });

export const approvalResult = z.object({
  complete: z.boolean(),
  level: z.enum(['simple', 'formal']),
  missing: z.number().int().optional(),
});

export const stepResult = z.object({
  status: z.enum(CAMPAIGN_STATUSES),
  dialling: z.boolean(),
  error: z.string().optional(),
});

export const rejectPreview = z.object({ row: z.number().int(), field: z.string(), reason: z.string() });

export const importStatus = z.object({
  id: z.string(),
  campaignId: z.number().int(),
  fileName: z.string(),
  phase: z.enum(['importing', 'done', 'failed']),
  rowsRead: z.number().int(),
  bytesRead: z.number().int(),
  totalBytes: z.number().int(),
  error: z.string().nullable(),
  summary: z
    .object({
      listId: z.number().int().nullable(),
      imported: z.number().int(),
      mergedInFile: z.number().int(),
      mergedExisting: z.number().int(),
      rejected: z.number().int(),
      rejectedByReason: z.record(z.string(), z.number().int()),
    })
    .nullable(),
  rejects: z.array(rejectPreview),
});

export const importStarted = importStatus.extend({ importId: z.string() });

export const auditRow = z.object({
  id: z.number().int(),
  at: iso,
  actor: z.string(),
  action: z.string(),
  entity: z.string(),
  entityId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const dncEntry = z.object({
  id: z.number().int(),
  phone: z.string(),
  type: z.enum(DNC_TYPES),
  reason: z.string().nullable(),
  name: z.string().nullable(),
  source: z.string(),
  addedBy: z.string().nullable(),
  callId: z.string().nullable(),
  createdAt: iso,
  expiresAt: iso.nullable(),
});

export const blacklistEntry = z.object({
  id: z.number().int(),
  phone: z.string(),
  reason: z.string(),
  name: z.string().nullable(),
  complaintId: z.number().int().nullable(),
  addedBy: z.string().nullable(),
  createdAt: iso,
});

export const bulkAddResult = z.object({
  read: z.number().int(),
  added: z.number().int(),
  rejected: z.number().int(),
  rejects: z.array(rejectPreview),
});
