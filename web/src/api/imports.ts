import { api, upload, type UploadProgress } from './http';

/** GET /api/imports/:id and the `import:<id>` events: one list upload's progress and result. */
export interface ImportStatus {
  id: string;
  campaignId: number;
  fileName: string;
  phase: 'importing' | 'done' | 'failed';
  rowsRead: number;
  bytesRead: number;
  totalBytes: number;
  error: string | null;
  summary: {
    listId: number | null;
    imported: number;
    mergedInFile: number;
    mergedExisting: number;
    rejected: number;
    rejectedByReason: Record<string, number>;
  } | null;
  /** The first rejected rows: file line, column and reason (the whole list: rejects.csv). */
  rejects: { row: number; field: string; reason: string }[];
}

export const imports = {
  start: (campaignId: number, file: File, onProgress: (p: UploadProgress) => void) =>
    upload<{ importId: string }>(`/api/campaigns/${campaignId}/lists`, file, onProgress),
  get: (id: string) => api<ImportStatus>('GET', `/api/imports/${encodeURIComponent(id)}`),
  rejectsUrl: (id: string) => `/api/imports/${encodeURIComponent(id)}/rejects.csv`,
};
