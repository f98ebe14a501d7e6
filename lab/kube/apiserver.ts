/**
 * One cluster's Kubernetes API server, read-only, over HTTPS on 127.0.0.1: client-certificate and bearer
 * token auth, 403s from the cluster's faults, discovery, list/get/watch with selectors and chunking
 * (list-watch.ts), server-side printing (Table), pods/portforward over WebSocket and pods/proxy. It
 * serves the World; it never invents state.
 */
import https from 'node:https';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { KubeObject, LabCluster, World } from '../world';
import { ClusterAccess, type Identity } from './access';
import { createClusterCa, type ClusterCa } from './certs';
import { apiGroupList, apiResourceList, apiVersions } from './discovery';
import { DEFAULT_BOOKMARK_MS, RenderedObjects, sendListStatus, sendObject, serveList, serveWatch, type ListWatchContext, type ResourceRequest } from './list-watch';
import { portForwardProtocols, servePortForward } from './portforward';
import type { RbacPolicy } from './rbac';
import { SelectorError } from './selectors';
import { parseServiceSegment, relayToService, type ServiceBackend } from './service-proxy';
import * as st from './status';

export interface RequestLogEntry {
  cluster: string;
  method: string;
  path: string;
  user: string;
  status: number;
  /** The answer's Content-Type (a pod list asked in protobuf is answered in it). */
  contentType?: string;
}

/** What the kubeconfig needs to reach one user of this cluster. */
export type UserCredentials = { clientCertificatePem: string; clientKeyPem: string } | { token: string };

export interface ClusterApiServer {
  readonly cluster: LabCluster;
  readonly port: number;
  readonly url: string;
  readonly caPem: string;
  /** By kubeconfig user name. */
  readonly credentials: Map<string, UserCredentials>;
  /** A new token for a ServiceAccount of this cluster; the previous one stops working (rotation). */
  issueServiceAccountToken(namespace: string, name: string): string;
  /** Replaces the RBAC objects that authorize ServiceAccounts and impersonated users. */
  setRbac(policy: RbacPolicy): void;
  /** Closes or reopens the listener to match world.faults(cluster).apiDown. */
  syncFaults(): Promise<void>;
  stop(): Promise<void>;
}

const publicPaths = new Set(['/version', '/healthz', '/livez', '/readyz']);
const faultPollMs = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** What one cluster's request handlers share. */
interface ApiServerContext extends ListWatchContext {
  cluster: LabCluster;
  access: ClusterAccess;
  onRequest: (entry: RequestLogEntry) => void;
  /** The backend of a Service port for services/proxy (the lab's Prometheus), or null: no endpoints. */
  serviceBackend?: (namespace: string, service: string, port: number) => ServiceBackend | null;
}

/** Client certificates (signed by the cluster's CA) or tokens for the cluster's users, known to `access`. */
async function issueCredentials(ca: ClusterCa, cluster: LabCluster, access: ClusterAccess): Promise<Map<string, UserCredentials>> {
  const credentials = new Map<string, UserCredentials>();
  for (const user of cluster.users) {
    if (user.credential.kind === 'cert') {
      const { commonName, groups } = user.credential;
      const pair = await ca.issue({ commonName, organizations: groups }, 'client');
      credentials.set(user.name, { clientCertificatePem: pair.certPem, clientKeyPem: pair.keyPem });
      access.addCertUser(user.name, commonName, groups);
    } else {
      credentials.set(user.name, { token: user.credential.token });
      access.addTokenUser(user.name, user.credential.token);
    }
  }
  return credentials;
}

/** The identity a request acts as (after impersonation), or the Status to answer with. */
function actingIdentity(access: ClusterAccess, req: IncomingMessage): Identity | st.StatusBody {
  const caller = access.authenticate(req);
  return caller ? access.impersonate(caller, req) : st.unauthorized();
}

const isStatus = (v: Identity | st.StatusBody): v is st.StatusBody => 'kind' in v && v.kind === 'Status';

/** Resolves /api/v1/... and /apis/<g>/<v>/... below the group version; null = unknown path. */
function parseResourcePath(world: World, segments: string[]): ResourceRequest | null {
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api') [group, version, rest] = ['', segments[1], segments.slice(2)];
  else [group, version, rest] = [segments[1], segments[2], segments.slice(3)];
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = world.resourceTypes().find((t) => t.group === group && t.version === version && t.resource === rest[0]);
  if (!type || (namespace !== undefined && !type.namespaced)) return null;
  return { type, namespace, name: rest[1], subresource: rest[2] };
}

function findObject(ctx: ApiServerContext, req: ResourceRequest, name: string): KubeObject | undefined {
  if (req.type.namespaced && req.namespace === undefined) return undefined;
  return ctx.world.list(ctx.clusterName, req.type, req.namespace).find((o) => o.metadata.name === name);
}

function versionInfo(cluster: LabCluster) {
  const m = /^v(\d+)\.(\d+)/.exec(cluster.kubernetesVersion);
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '0',
    gitVersion: cluster.kubernetesVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2024-04-16T00:00:00Z',
    goVersion: 'go1.21.9',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

/** The discovery document at a path, or null when the path is not one. */
function discovery(world: World, segments: string[]): unknown | null {
  const types = world.resourceTypes();
  if (segments.length === 1 && segments[0] === 'api') return apiVersions();
  if (segments.length === 2 && segments[0] === 'api') return apiResourceList(types, '', segments[1]);
  if (segments.length === 1 && segments[0] === 'apis') return apiGroupList(types);
  if (segments.length === 2 && segments[0] === 'apis') {
    const group = apiGroupList(types).groups.find((g) => g.name === segments[1]);
    return group ? { kind: 'APIGroup', apiVersion: 'v1', ...group } : null;
  }
  if (segments.length === 3 && segments[0] === 'apis') return apiResourceList(types, segments[1], segments[2]);
  return null;
}

/* ----------------------------------------------------------------- proxies */

/** name or name:port or scheme:name:port, as in the pods/proxy URL. */
function proxyTarget(podSegment: string, pod: KubeObject): { name: string; port: number } {
  const parts = podSegment.split(':');
  const name = parts.length === 3 ? parts[1] : parts[0];
  const declared = (pod.spec as { containers?: Array<{ ports?: Array<{ containerPort: number }> }> } | undefined)?.containers?.[0]?.ports?.[0]?.containerPort;
  const port = parts.length > 1 ? Number(parts[parts.length - 1]) : (declared ?? 80);
  return { name, port };
}

function servePodProxy(ctx: ApiServerContext, req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest, identity: Identity): void {
  const podName = r.name!.split(':').length === 3 ? r.name!.split(':')[1] : r.name!.split(':')[0];
  const target = { ...r, name: podName };
  const denied = ctx.access.denial(identity, { verb: 'get', type: r.type, subresource: 'proxy', name: podName, namespace: r.namespace });
  if (denied) return st.sendStatus(res, denied);
  const pod = findObject(ctx, target, podName);
  if (!pod) return st.sendStatus(res, st.notFound(r.type, podName));
  const { port } = proxyTarget(r.name!, pod);
  const handler = ctx.world.podHandler(ctx.clusterName, r.namespace!, podName, port, { viaApiServerProxy: true });
  if (!handler) {
    const ip = (pod.status as { podIP?: string } | undefined)?.podIP ?? '';
    return st.sendStatus(res, st.status(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${ip}:${port}: connect: connection refused`));
  }
  const marker = `/pods/${r.name}/proxy`;
  const rest = url.pathname.slice(url.pathname.indexOf(marker) + marker.length);
  req.url = (rest.startsWith('/') ? rest : `/${rest}`) + url.search;
  delete req.headers.authorization; // the API server never forwards the client's credentials
  handler(req, res);
}

async function serveServiceProxy(ctx: ApiServerContext, req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest, identity: Identity): Promise<void> {
  const { name, port: portText } = parseServiceSegment(r.name!);
  // RBAC sees the URL's name segment, port included ("prometheus:9090"), as the API server's RequestInfo does.
  const denied = ctx.access.denial(identity, { verb: 'get', type: r.type, subresource: 'proxy', name: r.name, namespace: r.namespace });
  if (denied) return st.sendStatus(res, denied);
  const svc = findObject(ctx, r, name);
  if (!svc) return st.sendStatus(res, st.notFound(r.type, name));
  const ports = (svc.spec as { ports?: Array<{ name?: string; port: number }> } | undefined)?.ports ?? [];
  const port = portText === '' ? ports[0] : ports.find((p) => p.name === portText || String(p.port) === portText);
  if (!port) return st.sendStatus(res, st.status(503, 'ServiceUnavailable', `no endpoints available for service "${r.name}"`));
  const backend = ctx.serviceBackend?.(r.namespace!, name, port.port) ?? { down: true as const };
  const marker = `/services/${r.name}/proxy`;
  const decoded = decodeURIComponent(url.pathname);
  const rest = decoded.slice(decoded.indexOf(marker) + marker.length);
  await relayToService(req, res, backend, r.name!, (rest.startsWith('/') ? rest : `/${rest}`) + url.search);
}

/* ---------------------------------------------------------------- requests */

/** A resource path: proxies, then get/list/watch as RBAC allows. */
async function serveResource(ctx: ApiServerContext, req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest, identity: Identity): Promise<void> {
  if (r.type.resource === 'pods' && r.subresource === 'proxy') return servePodProxy(ctx, req, res, url, r, identity);
  if (r.type.resource === 'services' && r.subresource === 'proxy' && r.namespace) return await serveServiceProxy(ctx, req, res, url, r, identity);
  if (r.subresource === 'portforward') return st.sendStatus(res, st.badRequest('Upgrade request required'));
  if (r.subresource) return st.sendStatus(res, st.pathNotFound());
  const watch = url.searchParams.get('watch');
  const isWatch = watch === 'true' || watch === '1';
  const verb = isWatch ? 'watch' : r.name ? 'get' : 'list';
  const denied = ctx.access.denial(identity, { verb, type: r.type, subresource: r.subresource, name: r.name, namespace: r.namespace });
  if (denied) return verb === 'list' ? sendListStatus(req, res, r.type, denied) : st.sendStatus(res, denied);
  if (isWatch) return serveWatch(ctx, req, res, url, r);
  if (!r.name) return serveList(ctx, req, res, url, r);
  const o = findObject(ctx, r, r.name);
  if (!o) return st.sendStatus(res, st.notFound(r.type, r.name));
  sendObject(req, res, url, r.type, o);
}

async function handle(ctx: ApiServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let user = '';
  res.on('close', () =>
    ctx.onRequest({ cluster: ctx.clusterName, method: req.method ?? '', path: req.url ?? '', user, status: res.statusCode, contentType: String(res.getHeader('content-type') ?? '') }),
  );
  const latency = ctx.world.faults(ctx.clusterName).latencyMs;
  if (latency > 0) await sleep(latency);

  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const pathname = url.pathname.replace(/\/+$/, '') || '/';
  if (publicPaths.has(pathname)) {
    if (pathname === '/version') return st.sendJson(res, 200, versionInfo(ctx.cluster));
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
    return;
  }
  const identity = actingIdentity(ctx.access, req);
  if (isStatus(identity)) return st.sendStatus(res, identity);
  user = identity.username;
  if (req.method !== 'GET' && req.method !== 'HEAD') return st.sendStatus(res, st.methodNotAllowed(req.method ?? ''));

  const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const doc = discovery(ctx.world, segments);
  if (doc) return ctx.access.mayGetPath(identity, pathname) ? st.sendJson(res, 200, doc) : st.sendStatus(res, st.forbiddenPath(identity.username, pathname));
  const isResourcePath = (segments[0] === 'api' && segments.length > 2) || (segments[0] === 'apis' && segments.length > 3);
  const r = isResourcePath ? parseResourcePath(ctx.world, segments) : null;
  if (!r) return st.sendStatus(res, st.pathNotFound());
  try {
    await serveResource(ctx, req, res, url, r, identity);
  } catch (err) {
    if (err instanceof SelectorError) return st.sendStatus(res, st.badRequest(err.message));
    throw err;
  }
}

function rejectUpgrade(socket: Socket, body: st.StatusBody): void {
  const text = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${body.code} ${STATUS_CODES[body.code]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
}

/** pods/portforward: authorized as `create` (older clusters: `get`), then the WebSocket port-forward protocol. */
async function handleUpgrade(ctx: ApiServerContext, wss: WebSocketServer, req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
  let user = '';
  const log = (status: number) => ctx.onRequest({ cluster: ctx.clusterName, method: req.method ?? '', path: req.url ?? '', user, status });
  const reject = (body: st.StatusBody) => {
    log(body.code);
    rejectUpgrade(socket, body);
  };
  const latency = ctx.world.faults(ctx.clusterName).latencyMs;
  if (latency > 0) await sleep(latency);
  const identity = actingIdentity(ctx.access, req);
  if (isStatus(identity)) return reject(identity);
  user = identity.username;
  const url = new URL(req.url ?? '/', 'https://127.0.0.1');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const r = segments[0] === 'api' ? parseResourcePath(ctx.world, segments) : null;
  if (!r || r.type.resource !== 'pods' || r.subresource !== 'portforward' || !r.name) return reject(st.pathNotFound());
  // Kubernetes RBAC authorizes port-forward as `create` on pods/portforward (older clusters: `get`, which forbid faults also match).
  const denied = ctx.access.denial(identity, { verb: 'create', type: r.type, subresource: r.subresource, name: r.name, namespace: r.namespace }, ['get']);
  if (denied) return reject(denied);
  const pod = findObject(ctx, r, r.name);
  if (!pod) return reject(st.notFound(r.type, r.name));
  const ports = url.searchParams
    .getAll('ports')
    .flatMap((p) => p.split(','))
    .map(Number);
  if (!ports.length || ports.some((p) => !Number.isInteger(p) || p <= 0 || p > 65535)) {
    return reject(st.badRequest('query parameter "port" is required and must be a valid port'));
  }
  const { namespace, name } = { namespace: r.namespace!, name: r.name };
  wss.handleUpgrade(req, socket, head, (ws) => {
    log(101);
    servePortForward(ws, ports, (port) => ctx.world.podHandler(ctx.clusterName, namespace, name, port), pod.metadata.uid);
  });
}

/* ---------------------------------------------------------------- listener */

/** The HTTPS server's listening socket, closed (every connection dropped) and reopened on the same port. */
function listener(server: https.Server) {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      server.once('error', onError);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', onError);
        resolve((server.address() as { port: number }).port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
      sockets.clear();
    });
  return { listen, close };
}

/**
 * Follows the cluster's faults every faultPollMs: changed forbid rules end open watches (RBAC is checked
 * when a watch starts, so they reach clients when renewed); apiDown closes the listener, its end reopens it.
 */
function followFaults(ctx: ApiServerContext, server: https.Server, port: number, { listen, close }: ReturnType<typeof listener>) {
  let stopped = false;
  let syncing: Promise<void> = Promise.resolve();
  let forbidRules = JSON.stringify(ctx.world.faults(ctx.clusterName).forbid);
  const syncFaults = () => {
    syncing = syncing.then(async () => {
      if (stopped) return;
      const rules = JSON.stringify(ctx.world.faults(ctx.clusterName).forbid);
      if (rules !== forbidRules) {
        forbidRules = rules;
        for (const finish of [...ctx.openWatches]) finish();
      }
      const down = ctx.world.faults(ctx.clusterName).apiDown;
      if (down && server.listening) await close();
      else if (!down && !server.listening) await listen(port).catch(() => undefined); // retried at the next poll
    });
    return syncing;
  };
  const poll = setInterval(() => void syncFaults(), faultPollMs);
  poll.unref();
  const stop = async () => {
    clearInterval(poll);
    await syncing;
    stopped = true;
  };
  return { syncFaults, stop };
}

export async function startClusterApiServer(opts: {
  world: World;
  cluster: LabCluster;
  port?: number;
  onRequest: (entry: RequestLogEntry) => void;
  /** The backend of a Service port for services/proxy (the lab's Prometheus), or null: no endpoints. */
  serviceBackend?: (namespace: string, service: string, port: number) => ServiceBackend | null;
  /** Interval of BOOKMARK events on watches that allow them (default DEFAULT_BOOKMARK_MS). */
  bookmarkMs?: number;
}): Promise<ClusterApiServer> {
  const { world, cluster } = opts;
  const ca = await createClusterCa(cluster.name);
  const serving = await ca.issue({ commonName: 'kube-apiserver' }, 'server');
  const access = new ClusterAccess(() => world.faults(cluster.name));
  const credentials = await issueCredentials(ca, cluster, access);
  const ctx: ApiServerContext = {
    world,
    cluster,
    clusterName: cluster.name,
    access,
    onRequest: opts.onRequest,
    serviceBackend: opts.serviceBackend,
    rendered: new RenderedObjects(world, cluster.name),
    openWatches: new Set(),
    bookmarkMs: opts.bookmarkMs ?? DEFAULT_BOOKMARK_MS,
  };

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered: Set<string>) => portForwardProtocols.find((p) => offered.has(p)) ?? false,
  });
  const server = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false });
  server.on('request', (req, res) => {
    handle(ctx, req, res).catch(() => {
      // Never leak an exception's text to the client.
      if (!res.headersSent) st.sendStatus(res, st.status(500, 'InternalError', 'an error on the server has prevented the request from succeeding'));
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handleUpgrade(ctx, wss, req, socket, head).catch(() => socket.destroy());
  });
  server.on('tlsClientError', () => {}); // clients that abort the handshake are not our problem

  const socket = listener(server);
  const port = await socket.listen(opts.port ?? 0);
  const faults = followFaults(ctx, server, port, socket);
  await faults.syncFaults();

  return {
    cluster,
    port,
    url: `https://127.0.0.1:${port}`,
    caPem: ca.certPem,
    credentials,
    issueServiceAccountToken: (namespace, name) => access.issueServiceAccountToken(namespace, name),
    setRbac: (policy) => access.setPolicy(policy),
    syncFaults: faults.syncFaults,
    async stop() {
      await faults.stop();
      ctx.rendered.close();
      for (const client of wss.clients) client.terminate();
      if (server.listening) await socket.close();
    },
  };
}
