/**
 * services/proxy: the API server relays a request to a Service's endpoint, as for
 * `kubectl get --raw /api/v1/namespaces/istio-system/services/http:prometheus:9090/proxy/api/v1/query?query=up`.
 * In the lab a Service with a live backend (the lab's real Prometheus) resolves to a loopback URL; the
 * relay streams the answer back with a capped time, and never forwards the caller's credentials.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import * as st from './status';

/** A Service endpoint the lab runs: where it listens, or that it has no ready endpoint right now. */
export type ServiceBackend = { url: string; latencyMs: number } | { down: true };

/** "http:prometheus:9090" / "prometheus:9090" / "prometheus" → name and port ("" = the Service's first). */
export function parseServiceSegment(segment: string): { name: string; port: string } {
  const parts = segment.split(':');
  if (parts.length === 3) return { name: parts[1], port: parts[2] };
  if (parts.length === 2) return { name: parts[0], port: parts[1] };
  return { name: parts[0], port: '' };
}

const upstreamTimeoutMs = 30_000;

export async function relayToService(req: IncomingMessage, res: ServerResponse, backend: ServiceBackend, segment: string, pathAndQuery: string): Promise<void> {
  if ('down' in backend) {
    return st.sendStatus(res, st.status(503, 'ServiceUnavailable', `no endpoints available for service "${segment}"`));
  }
  if (backend.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, backend.latencyMs));
  if (res.destroyed) return;
  const headers: Record<string, string> = {};
  for (const h of ['accept', 'accept-encoding', 'content-type']) {
    const v = req.headers[h];
    if (typeof v === 'string') headers[h] = v;
  }
  await new Promise<void>((resolve) => {
    const upstream = http.request(new URL(pathAndQuery, backend.url), { method: req.method, headers, timeout: upstreamTimeoutMs }, (up) => {
      res.writeHead(up.statusCode ?? 502, { 'Content-Type': up.headers['content-type'] ?? 'application/octet-stream', ...(up.headers['content-encoding'] ? { 'Content-Encoding': up.headers['content-encoding'] } : {}) });
      up.pipe(res);
      up.on('end', resolve);
      up.on('error', () => {
        res.destroy();
        resolve();
      });
    });
    upstream.on('timeout', () => upstream.destroy(new Error('timeout')));
    upstream.on('error', () => {
      if (!res.headersSent) st.sendStatus(res, st.status(503, 'ServiceUnavailable', `error trying to reach service: dial tcp: connect: connection refused`));
      else res.destroy();
      resolve();
    });
    res.on('close', () => upstream.destroy());
    upstream.end();
  });
}
