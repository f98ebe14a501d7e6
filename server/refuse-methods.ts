import 'server-only';
import http from 'node:http';
import { newNonce, securityHeaders } from '@/lib/security-headers';

/**
 * TRACE, TRACK and CONNECT never reach proxy.ts: Next builds a fetch Request for every request, fetch
 * forbids these methods, and Next answers 500 with a stack trace in the log, once per request (a log
 * flood anyone can cause). They are answered 405 here, before Next, by the HTTP server itself.
 */
const FORBIDDEN_BY_FETCH = new Set(['TRACE', 'TRACK', 'CONNECT']);

let installed = false;

export function refuseMethodsNextCannotServe(): void {
  if (installed) return;
  installed = true;
  const emit = http.Server.prototype.emit;
  http.Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === 'request') {
      const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
      if (FORBIDDEN_BY_FETCH.has((req.method ?? '').toUpperCase())) {
        const body = JSON.stringify({ error: { kind: 'method-not-allowed', message: 'Isthmus is read-only: GET and HEAD only' } });
        res.writeHead(405, { ...securityHeaders(newNonce()), 'Cache-Control': 'no-store', Allow: 'GET, HEAD', 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return true;
      }
    }
    return (emit as (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean).call(this, event, ...args);
  } as typeof emit;
}
