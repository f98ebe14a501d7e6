/**
 * One loopback HTTP listener per cluster through which the lab's Prometheus scrapes that cluster's pods:
 * GET /pods/<namespace>/<pod>/<port>/<path> is handed to the pod's server as a request from the pod
 * network (not loopback). 127.0.0.1 only.
 */
import http from 'node:http';
import type { World } from '../world';

export interface Exporter {
  address: string;
  close(): Promise<void>;
}

export async function startExporter(world: World, cluster: string): Promise<Exporter> {
  const server = http.createServer((req, res) => {
    const m = /^\/pods\/([a-z0-9.-]+)\/([a-z0-9.-]+)\/(\d+)(\/.*)$/.exec(req.url ?? '');
    const handler = m && req.method === 'GET' ? world.podHandler(cluster, m[1], m[2], Number(m[3]), { viaApiServerProxy: true }) : null;
    if (!m || !handler) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('no such pod or port\n');
      return;
    }
    req.url = m[4];
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
