/**
 * Hostile Kubernetes API servers on 127.0.0.1 for test/hostile*.test.ts: each answers like an API server
 * (lists, /version, the istio-system namespace, pods/portforward over WebSocket) except for the one way
 * it misbehaves. Large bodies are streamed from one small buffer, never allocated whole.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import path from 'node:path';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import YAML from 'yaml';
import { portForwardProtocols, servePortForward } from '@/lab/kube/portforward';
import { stopChild } from '@/e2e/stop-child';

export type HostileMode =
  | 'healthy' // a small, valid cluster (used with credentials in its server URL)
  | 'gib-body' // every list answers 1 GiB, chunked
  | 'endless' // every list streams forever
  | 'endless-headers' // response headers that never end
  | 'deep-top' // every answer is an array nested 100,000 levels
  | 'deep-field' // gitVersion and a label value nested 100,000 levels
  | 'wrong-types' // image: 12345, ports: "nope"
  | 'redirect' // every answer is a 302 to another port
  | 'ten-istiods'; // ten istiod replicas whose debug endpoints stream 1 GiB each; an Envoy that never ends its headers

const GiB = 1024 * 1024 * 1024;
const DEPTH = 100_000;
export const DEEP_ARRAY = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
const deepObject = () => `${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}`;

export const ISTIOD_IMAGE = 'docker.io/istio/pilot:1.24.0';

function pod(name: string, namespace: string, labels: Record<string, string>, containers: object[]) {
  return {
    metadata: { name, namespace, labels, uid: `uid-${name}` },
    spec: { containers, nodeName: 'node-1' },
    status: { phase: 'Running', podIP: '10.0.0.1', conditions: [{ type: 'Ready', status: 'True' }] },
  };
}

const istiodPods = (n: number) =>
  Array.from({ length: n }, (_, i) =>
    pod(`istiod-hostile-${i}`, 'istio-system', { app: 'istiod' }, [{ name: 'discovery', image: ISTIOD_IMAGE, env: [{ name: 'CLUSTER_ID', value: 'hostile' }] }]),
  );
const appPod = pod('victim-app', 'default', { app: 'victim' }, [
  { name: 'app', image: 'app:1' },
  { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.0' },
]);

const list = (items: unknown[]) => JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items });

/** Waits while a WebSocket has more than 1 MiB queued (ws.send has no backpressure of its own). */
const wsDrained = (ws: WebSocket) => async () => {
  while (ws.readyState === ws.OPEN && ws.bufferedAmount > 1024 * 1024) await new Promise((r) => setTimeout(r, 1));
};

/**
 * How fast one hostile stream sends: a fast link's worth, not the loopback's. The fakes share the
 * machine's cores with the server under test; at loopback speed they would starve it, which no remote
 * API server can do.
 */
const STREAM_BYTES_PER_SECOND = 48 * 1024 * 1024;

/** Streams `limit` bytes (Infinity: until the peer goes away) from one 64 KiB buffer, honouring backpressure. */
async function stream(target: Socket | ServerResponse, prefix: string, limit: number, drained = async () => {}): Promise<void> {
  const filler = Buffer.alloc(64 * 1024, '{"metadata":{"name":"x"}},');
  const started = Date.now();
  let closed = false;
  let wake = () => {};
  target.once('close', () => {
    closed = true;
    wake();
  });
  target.write(prefix);
  for (let sent = 0; sent < limit && !closed; sent += filler.length) {
    if (!target.write(filler)) await new Promise<void>((resolve) => ((wake = resolve), target.once('drain', resolve)));
    await drained();
    const ahead = sent / STREAM_BYTES_PER_SECOND - (Date.now() - started) / 1000;
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead * 1000));
  }
  if (!closed) target.end();
}

/** Headers that never end: one more header line every few milliseconds, until the peer goes away. */
async function endlessHeaders(socket: Socket): Promise<void> {
  socket.write('HTTP/1.1 200 OK\r\n');
  for (let i = 0; !socket.destroyed && socket.writable; i++) {
    socket.write(`X-Filler-${i}: ${'x'.repeat(1000)}\r\n`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** What a normal small cluster answers for a path; null = 404. */
function healthyAnswer(mode: HostileMode, path: string): string | null {
  const istiods = mode === 'ten-istiods' ? istiodPods(10) : [];
  if (path === '/version') return JSON.stringify({ gitVersion: 'v1.30.0', major: '1', minor: '30' });
  if (path === '/api/v1/namespaces/istio-system') return JSON.stringify({ kind: 'Namespace', metadata: { name: 'istio-system' } });
  if (path === '/api/v1/namespaces') return list([{ metadata: { name: 'default' } }, { metadata: { name: 'istio-system' } }]);
  if (path === '/api/v1/namespaces/istio-system/pods') return list(istiods);
  if (path === '/api/v1/pods') return list([...istiods, ...(mode === 'ten-istiods' ? [appPod] : [])]);
  if (/^\/api\/v1\/(namespaces\/[^/]+\/)?(services|configmaps)$/.test(path)) return list([]);
  const one = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/.exec(path);
  const found = one && [...istiods, ...(mode === 'ten-istiods' ? [appPod] : [])].find((p) => p.metadata.namespace === one[1] && p.metadata.name === one[2]);
  if (found) return JSON.stringify({ kind: 'Pod', ...found });
  return null;
}

function wrongTyped(path: string): string | null {
  if (path === '/api/v1/pods' || path === '/api/v1/namespaces/istio-system/pods') {
    return list([pod('istiod-1', 'istio-system', { app: 'istiod' }, [{ name: 'discovery', image: 12345 }])]);
  }
  if (path.endsWith('/services')) return list([{ metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' }, spec: { ports: 'nope' } }]);
  return null;
}

function deepField(path: string): string | null {
  if (path === '/version') return `{"gitVersion":${deepObject()}}`;
  if (path === '/api/v1/pods' || path === '/api/v1/namespaces/istio-system/pods') {
    return `{"kind":"List","items":[{"metadata":{"name":"istiod-1","namespace":"istio-system","labels":{"app":${deepObject()}}}}]}`;
  }
  return null;
}

export type PodHandler = (req: IncomingMessage, res: ServerResponse, drained: () => Promise<void>) => void;

/** What a hostile pod port answers over port-forward: istiod streams 1 GiB, Envoy's headers never end. */
function hostilePod(port: number): PodHandler | null {
  if (port === 15014) return (_req, res, drained) => void stream(res.writeHead(200, { 'Content-Type': 'application/json' }), '{"x":[', GiB, drained);
  if (port === 15000) return (req) => void endlessHeaders(req.socket);
  return null;
}

export interface HostileApi {
  mode: HostileMode;
  url: string;
  port: number;
  /** Requests seen, as "METHOD path" (the redirect target's list must stay empty). */
  requests: string[];
  /** Authorization headers seen (to prove a redirect never carried credentials elsewhere). */
  authorizations: string[];
  close(): Promise<void>;
}

export interface HostileOptions {
  /** Where the `redirect` mode sends every request. */
  redirectTo?: string;
  /** What pod ports answer over port-forward (default: the hostile istiod and Envoy). */
  podHandler?: (port: number) => PodHandler | null;
  onRequest?: (line: string) => void;
}

export async function startHostileApi(mode: HostileMode, { redirectTo, podHandler = hostilePod, onRequest }: HostileOptions = {}): Promise<HostileApi> {
  const requests: string[] = [];
  const authorizations: string[] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`${req.method} ${url.pathname}`);
    onRequest?.(`${req.method} ${url.pathname}`);
    if (req.headers.authorization) authorizations.push(req.headers.authorization);
    const path = url.pathname;
    const send = (body: string | null) => {
      if (body === null) return res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"kind":"Status","code":404}');
      // A watch of something this server lists: a quiet stream, held open as an API server does.
      if (url.searchParams.get('watch')) return void res.writeHead(200, { 'Content-Type': 'application/json' }).flushHeaders();
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    };
    switch (mode) {
      case 'gib-body':
        if (path === '/version') return send(healthyAnswer(mode, path));
        return void stream(res.writeHead(200, { 'Content-Type': 'application/json' }), '{"kind":"List","items":[', GiB);
      case 'endless':
        return void stream(res.writeHead(200, { 'Content-Type': 'application/json' }), '{"kind":"List","items":[', Infinity);
      case 'endless-headers':
        return void endlessHeaders(req.socket);
      case 'deep-top':
        return send(DEEP_ARRAY);
      case 'deep-field':
        return send(deepField(path) ?? healthyAnswer(mode, path));
      case 'wrong-types':
        return send(wrongTyped(path) ?? healthyAnswer(mode, path));
      case 'redirect':
        return res.writeHead(302, { Location: `${redirectTo}${req.url}` }).end();
      default:
        return send(healthyAnswer(mode, path));
    }
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered: Set<string>) => portForwardProtocols.find((p) => offered.has(p)) ?? false });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    requests.push(`UPGRADE ${url.pathname}`);
    onRequest?.(`UPGRADE ${url.pathname}`);
    const ports = url.searchParams.getAll('ports').flatMap((p) => p.split(',')).map(Number);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const drained = wsDrained(ws);
      servePortForward(ws, ports, (port) => {
        const handler = podHandler(port);
        return handler && ((rq, rs) => handler(rq, rs, drained));
      }, 'hostile-pod-uid');
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    mode,
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    authorizations,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        wss.close();
        server.close(() => resolve());
      }),
  };
}

/** A kubeconfig with one context per hostile server, each with its own bearer token. */
export function hostileKubeconfig(servers: Array<{ context: string; server: string; token: string }>): string {
  return YAML.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // Plain HTTP on loopback: client-node allows it only with TLS verification off.
    clusters: servers.map((s) => ({ name: s.context, cluster: { server: s.server, 'insecure-skip-tls-verify': true } })),
    users: servers.map((s) => ({ name: s.context, user: { token: s.token } })),
    contexts: servers.map((s) => ({ name: s.context, context: { cluster: s.context, user: s.context } })),
    'current-context': servers[0]?.context ?? '',
  });
}

/* ------------------------------------------------------------------ all of them, in a child process */

export const HOSTILE_MODES: HostileMode[] = ['gib-body', 'endless', 'endless-headers', 'deep-top', 'deep-field', 'wrong-types', 'redirect', 'ten-istiods'];
export const REDIRECT_TARGET = 'redirect-target';
export const CREDS_CONTEXT = 'hostile-credentials-in-url';
export const hostileContext = (mode: HostileMode) => `hostile-${mode}`;

/** Starts one server per mode, a redirect target and a healthy server with credentials in its URL; writes their kubeconfig. */
export async function runHostileServers(kubeconfigOut: string): Promise<void> {
  const seen = (name: string) => (line: string) => console.log(`seen ${name} ${line}`);
  const target = await startHostileApi('healthy', { onRequest: seen(REDIRECT_TARGET) });
  const servers: Array<{ mode: HostileMode; api: HostileApi }> = [];
  for (const mode of HOSTILE_MODES) servers.push({ mode, api: await startHostileApi(mode, { redirectTo: target.url, onRequest: seen(hostileContext(mode)) }) });
  const creds = await startHostileApi('healthy', { onRequest: seen(CREDS_CONTEXT) });
  const kubeconfig = hostileKubeconfig([
    ...servers.map(({ mode, api }) => ({ context: hostileContext(mode), server: api.url, token: `HOSTILE-TOKEN-${mode}` })),
    { context: CREDS_CONTEXT, server: `http://admin:PASSWORD-IN-URL@127.0.0.1:${creds.port}/?token=TOKEN-IN-QUERY`, token: 'HOSTILE-TOKEN-creds' },
  ]);
  fs.writeFileSync(kubeconfigOut, kubeconfig, { mode: 0o600 });
  console.log(`hostile ready credsPort=${creds.port}`);
}

export interface HostileProcess {
  credsPort: number;
  /** "<context> <METHOD path>" for every request a hostile server (or the redirect target) received. */
  seen: string[];
  stop(): Promise<void>;
}

/** runHostileServers in a child process, so the 1 GiB streams cost the test process neither CPU nor memory. */
export function startHostileProcess(kubeconfigOut: string): Promise<HostileProcess> {
  const root = path.resolve(__dirname, '..');
  const child = spawn(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'test/hostile-main.ts', kubeconfigOut], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const seen: string[] = [];
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout.on('data', (d: Buffer) => {
      const lines = (buffered + d.toString()).split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('seen ')) seen.push(line.slice(5));
        const ready = /^hostile ready credsPort=(\d+)/.exec(line);
        if (ready) resolve({ credsPort: Number(ready[1]), seen, stop: () => stopChild(child) });
      }
    });
    child.once('exit', (code) => reject(new Error(`the hostile servers exited (code ${code}) before they were ready`)));
  });
}
