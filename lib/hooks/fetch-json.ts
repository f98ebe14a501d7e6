/** An API answer that was not 2xx, with the server's own message (and error kind) when it sent them. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    /** The server's `error.kind` (invalid, not-found, no-clusters, config, internal), null when it sent none. */
    readonly kind: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function failure(res: Response): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`.trim();
  let kind: string | null = null;
  try {
    const body: unknown = await res.json();
    if (body && typeof body === 'object') {
      const b = body as { error?: unknown; message?: unknown };
      const err = b.error;
      if (typeof err === 'string') message = err;
      else if (err && typeof err === 'object' && typeof (err as { message?: unknown }).message === 'string') {
        message = (err as { message: string }).message;
        const k = (err as { kind?: unknown }).kind;
        if (typeof k === 'string') kind = k;
      }
      else if (typeof b.message === 'string') message = b.message;
    }
  } catch {
    // not JSON: keep the status line
  }
  return new ApiError(res.status, message, kind);
}

/** The server refused the request itself (4xx): asking again cannot help. */
export function isRefused(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status >= 400 && error.status < 500;
}

/** The server answered that no configured cluster can be served (its message says why, entry by entry). */
export function isConfigurationError(error: unknown): error is ApiError {
  return error instanceof ApiError && (error.kind === 'no-clusters' || error.kind === 'config');
}

/** A session that ended (expired, signed out elsewhere): back to the sign-in page, then here again. */
function signInAgain(res: Response): void {
  if (res.status === 401 && typeof window !== 'undefined' && window.location.pathname !== '/signin') {
    // A full page load on purpose: the sign-in page is served by the server, outside the app's state.
    window.location.assign(new URL(`/signin?next=${encodeURIComponent(window.location.pathname + window.location.search)}`, window.location.origin).href);
  }
}

export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json' } });
  signInAgain(res);
  if (!res.ok) throw await failure(res);
  return (await res.json()) as T;
}

/** For the `?output=table` routes: istioctl's text table. */
export async function fetchText(url: string, signal?: AbortSignal): Promise<string> {
  const res = await fetch(url, { signal, headers: { accept: 'text/plain' } });
  signInAgain(res);
  if (!res.ok) throw await failure(res);
  return res.text();
}
