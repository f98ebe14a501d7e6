import 'server-only';
import type { SourceError, SourceErrorKind } from '@/lib/types/api';
import { isBadResponseError } from '@/lib/istio/errors';
import { DeadlineExceeded } from './deadline';

/**
 * Turns anything a Kubernetes, port-forward or parse call can throw into a SourceError with a message we
 * compose. Raw exception text never passes through: client-node's ApiException message embeds response
 * headers, and transport errors can embed URLs with credentials. The one foreign text we keep is a
 * Kubernetes Status `message` (written by the API server for users, e.g. RBAC denials).
 */

/** An HTTP status from something that is not a generated client call (port-forward upgrade, pod HTTP). */
export class UpstreamStatusError extends Error {
  constructor(
    readonly status: number,
    /** Raw body; only a Kubernetes Status message is ever shown from it. */
    readonly body: string = '',
  ) {
    super(`upstream answered HTTP ${status}`);
    this.name = 'UpstreamStatusError';
  }
}

/** A failure we already described in our own words (e.g. "pod X does not listen on port 15000"). */
export class DescribedError extends Error {
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DescribedError';
  }
}

export interface ErrorContext {
  /** Context name, prefixed to messages. */
  cluster: string;
  /** API server URL (no credentials in it: kubeconfig server URLs are plain). */
  server?: string;
  /** What was being read, e.g. "pods" or "istiod istiod-x /debug/clusterz". */
  source: string;
}

const UNREACHABLE_CODES: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ENOTFOUND: 'has a host name that does not resolve',
  EAI_AGAIN: 'has a host name that could not be resolved (DNS)',
  ECONNRESET: 'reset the connection',
  EHOSTUNREACH: 'is not reachable (no route to host)',
  ENETUNREACH: 'is not reachable (network unreachable)',
  ETIMEDOUT: 'did not accept the connection in time',
  EPIPE: 'closed the connection',
  ECONNABORTED: 'aborted the connection',
};

const TLS_CODES: Record<string, string> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'presented a certificate not signed by the configured CA',
  UNABLE_TO_GET_ISSUER_CERT: 'presented a certificate whose issuer is unknown',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'presented a certificate whose issuer is not in the configured CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'presented a self-signed certificate chain not matching the configured CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'presented a self-signed certificate not matching the configured CA',
  CERT_HAS_EXPIRED: 'presented an expired certificate',
  CERT_NOT_YET_VALID: 'presented a certificate that is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'presented a certificate for another host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'did not speak TLS',
  EPROTO: 'failed the TLS handshake',
};

const STATUS_KIND: Record<number, SourceErrorKind> = { 401: 'unauthorized', 403: 'forbidden', 404: 'not-found' };

/** The `message` of a Kubernetes Status body, if the body is one. Trimmed and length-capped. */
export function statusMessage(body: unknown): string | null {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return null;
    }
  }
  if (!parsed || typeof parsed !== 'object') return null;
  const s = parsed as { kind?: unknown; message?: unknown };
  if (s.kind !== 'Status' || typeof s.message !== 'string' || !s.message.trim()) return null;
  return s.message.trim().replace(/\s+/g, ' ').slice(0, 300);
}

function errorCode(err: unknown): string | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { code?: unknown; cause?: unknown; error?: unknown };
  if (typeof e.code === 'string') return e.code;
  // ws ErrorEvent wraps the underlying Error; fetch-style errors may carry a cause.
  return errorCode(e.error) ?? errorCode(e.cause);
}

function httpStatus(err: unknown): { status: number; body: unknown } | null {
  if (err instanceof UpstreamStatusError) return { status: err.status, body: err.body };
  if (!err || typeof err !== 'object') return null;
  const e = err as { name?: unknown; code?: unknown; body?: unknown; constructor?: { name?: string } };
  // client-node ApiException: numeric .code and raw .body (no distinctive name, so match its shape).
  if (typeof e.code === 'number' && e.code >= 100 && e.code < 600 && 'body' in e) return { status: e.code, body: e.body };
  // ws: "Unexpected server response: 403" when the port-forward upgrade is refused.
  const m = /Unexpected server response: (\d{3})/.exec(String((err as { message?: unknown }).message ?? ''));
  if (m) return { status: Number(m[1]), body: '' };
  return null;
}

function isTimeout(err: unknown): boolean {
  if (err instanceof DeadlineExceeded) return true;
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'AbortError' || name === 'TimeoutError';
}

/** Errors JavaScript raises for code that is wrong, never for a peer's answer or the network. */
function isProgrammingError(err: unknown): err is Error {
  return err instanceof TypeError || err instanceof ReferenceError || err instanceof RangeError || err instanceof EvalError || err instanceof URIError;
}

export function toSourceError(err: unknown, ctx: ErrorContext): SourceError {
  const where = ctx.server ? `API server ${ctx.server}` : 'the API server';
  const make = (kind: SourceErrorKind, message: string, status?: number): SourceError => ({
    kind,
    message: `${ctx.cluster}: ${message}`,
    source: ctx.source,
    ...(status !== undefined ? { status } : {}),
  });

  if (err instanceof DescribedError) return make(err.kind, err.message);
  if (isTimeout(err)) {
    const ms = err instanceof DeadlineExceeded ? ` within ${err.ms} ms` : ' before the deadline';
    return make('timeout', `no answer for ${ctx.source}${ms}`);
  }
  // The parser's problem text is composed by lib/istio, never the peer's body.
  if (isBadResponseError(err)) return make('bad-response', `${ctx.source} answered something that could not be parsed: ${err.problem}`);
  const http = httpStatus(err);
  if (http) {
    const kind: SourceErrorKind = STATUS_KIND[http.status] ?? 'bad-response';
    const detail = statusMessage(http.body);
    const fallback =
      http.status === 401
        ? `${where} rejected the credentials (401 Unauthorized)`
        : http.status === 403
          ? `forbidden: reading ${ctx.source} was denied (403)`
          : http.status === 404
            ? `${ctx.source} not found (404)`
            : http.status >= 300 && http.status < 400
              ? `${ctx.source} answered a redirect (HTTP ${http.status}), which is never followed`
              : `${ctx.source} answered HTTP ${http.status}`;
    return make(kind, detail ? (http.status === 403 ? `forbidden: ${detail}` : detail) : fallback, http.status);
  }
  const code = errorCode(err);
  // llhttp's parse errors: headers too large, invalid chunk framing, a body longer than announced...
  if (code?.startsWith('HPE_')) return make('bad-response', `${ctx.source} did not answer valid HTTP (${code})`);
  if (code && UNREACHABLE_CODES[code]) return make('unreachable', `${where} ${UNREACHABLE_CODES[code]}`);
  if (code && (TLS_CODES[code] || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') || code.includes('CERT'))) {
    return make('tls', `${where} ${TLS_CODES[code] ?? `failed certificate verification (${code})`}`);
  }
  if (err instanceof SyntaxError) return make('bad-response', `${ctx.source} answered something that could not be parsed`);
  if (isProgrammingError(err) && !code) {
    // Our bug (a converter reading a field that is not there...), not the network: say so, keep the stack in the log.
    console.error(`isthmus: internal error while reading ${ctx.source} of ${ctx.cluster}: ${err.stack ?? err.message}`);
    return make('internal', `reading ${ctx.source} failed on an internal error (details in the server log)`);
  }
  // Anything else: say what failed, not the library's words.
  return make('unreachable', `reading ${ctx.source} from ${where} failed${code ? ` (${code})` : ''}`);
}
