/**
 * The lab's control endpoint on 127.0.0.1: POST /faults, GET /faults, GET /requests, GET /healthz,
 * PUT /rbac?cluster=NAME (body: RBAC YAML; no cluster = every cluster), POST /rotate-token?cluster=NAME
 * (in-cluster mode: a new ServiceAccount token, the old one revoked).
 */
import http from 'node:http';
import { z } from 'zod';
import { LabFaultSpec } from '../model/scenario';
import type { LabFault } from '../world';

const maxBodyBytes = 64 * 1024;

export interface ControlTarget {
  applyFault(f: LabFault): void;
  faults(): unknown;
  requestLog(): unknown;
  setRbac(cluster: string, yaml: string): void;
  rotateToken?: (cluster: string) => void;
}

function reply(res: http.ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

export async function startControlServer(target: ControlTarget, port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const cluster = url.searchParams.get('cluster');
    try {
      if (req.method === 'GET' && path === '/healthz') return reply(res, 200, { ok: true });
      if (req.method === 'GET' && path === '/faults') return reply(res, 200, target.faults());
      if (req.method === 'GET' && path === '/requests') return reply(res, 200, target.requestLog());
      if (req.method === 'POST' && path === '/faults') {
        const parsed = LabFaultSpec.safeParse(JSON.parse(await readBody(req)));
        if (!parsed.success) {
          return reply(res, 400, { error: `expected a LabFault: {"type": ..., "cluster": ..., ...} (${z.prettifyError(parsed.error).slice(0, 300)})` });
        }
        const fault: LabFault = parsed.data;
        target.applyFault(fault);
        return reply(res, 200, { ok: true, applied: fault });
      }
      if (req.method === 'PUT' && path === '/rbac') {
        target.setRbac(cluster ?? '*', await readBody(req));
        return reply(res, 200, { ok: true });
      }
      if (req.method === 'POST' && path === '/rotate-token') {
        if (!target.rotateToken) return reply(res, 409, { error: 'the lab was not started in in-cluster mode' });
        if (!cluster) return reply(res, 400, { error: 'cluster= is required' });
        target.rotateToken(cluster);
        return reply(res, 200, { ok: true });
      }
      reply(res, 404, { error: 'not found' });
    } catch (err) {
      // Lab-internal messages (bad JSON, unknown cluster or pod): useful to whoever drives the drill.
      reply(res, 400, { error: err instanceof Error ? err.message : 'bad request' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
