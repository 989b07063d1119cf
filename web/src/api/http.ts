/**
 * The console's one way to call the API: same-origin, cookies for the session, the CSRF token on
 * every state-changing request, and the API's `{error}` body turned into an ApiError whose
 * message names the field. Pages call the typed helpers in api/*.ts, not fetch directly.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | undefined;

/** Set by the session after login (and cleared on logout). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requestHeaders(method: string, extra: Record<string, string> = {}): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', ...extra };
  if (UNSAFE.has(method) && csrfToken) h['x-csrf-token'] = csrfToken;
  return h;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return new ApiError(res.status, body.error);
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, text.trim() || `${res.status} ${res.statusText}`);
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: requestHeaders(method) };
  if (body !== undefined) {
    init.headers = requestHeaders(method, { 'content-type': 'application/json' });
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * A file upload with progress (fetch cannot report upload progress; XMLHttpRequest can).
 * The body is the file's bytes as they are; the server reads the name from `x-file-name`.
 */
export function upload<T>(path: string, file: File, onProgress: (p: UploadProgress) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    xhr.withCredentials = true;
    for (const [k, v] of Object.entries(
      requestHeaders('POST', {
        'content-type': 'application/octet-stream',
        'x-file-name': encodeURIComponent(file.name),
      }),
    )) {
      xhr.setRequestHeader(k, v);
    }
    xhr.upload.onprogress = (e) =>
      onProgress({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.onerror = () => reject(new ApiError(0, 'network error'));
    xhr.onload = () => {
      const res = new Response(xhr.responseText, { status: xhr.status, statusText: xhr.statusText });
      if (xhr.status >= 200 && xhr.status < 300) resolve(JSON.parse(xhr.responseText) as T);
      else void errorOf(res).then(reject);
    };
    xhr.send(file);
  });
}
