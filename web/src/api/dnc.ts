import type { Answer } from './contract';
import { api, upload, type UploadProgress } from './http';

/** Types straight from the API document (schema.d.ts): what the server says it answers. */
export type DncEntry = Answer<'/api/dnc', 'get'>[number];
export type DncType = DncEntry['type'];
export type BlacklistEntry = Answer<'/api/blacklist', 'get'>[number];
export type BulkResult = Answer<'/api/dnc/import', 'post'>;

export const DNC_TYPES: readonly DncType[] = ['all', 'marketing', 'survey', 'care', 'personalised-marketing'];

const query = (q: Record<string, string | undefined>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
  return p.toString();
};

export const dnc = {
  list: (phone?: string) => api<DncEntry[]>('GET', `/api/dnc?${query({ phone, limit: '200' })}`),
  add: (e: { phone: string; type: DncType; reason?: string }) =>
    api<Answer<'/api/dnc', 'post'>>('POST', '/api/dnc', e),
  remove: (phone: string, type?: DncType) =>
    api<Answer<'/api/dnc/{phone}', 'delete'>>(
      'DELETE',
      `/api/dnc/${encodeURIComponent(phone)}?${query({ type })}`,
    ),
  bulk: (file: File, type: DncType, onProgress: (p: UploadProgress) => void) =>
    upload<BulkResult>(`/api/dnc/import?${query({ type })}`, file, onProgress),
  exportUrl: () => '/api/dnc/export.csv',
};

export const blacklist = {
  list: (phone?: string) => api<BlacklistEntry[]>('GET', `/api/blacklist?${query({ phone, limit: '200' })}`),
  add: (e: { phone: string; reason: string }) => api<{ phone: string }>('POST', '/api/blacklist', e),
  remove: (phone: string) =>
    api<Answer<'/api/blacklist/{phone}', 'delete'>>('DELETE', `/api/blacklist/${encodeURIComponent(phone)}`),
};
