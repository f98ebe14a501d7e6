/**
 * One cluster's Kubernetes API server, read-only, over HTTPS on 127.0.0.1: client-certificate and bearer
 * token auth, 403s from the cluster's faults, discovery, list/get/watch with selectors and chunking,
 * server-side printing (Table), pods/portforward over WebSocket and pods/proxy. It serves the World;
 * it never invents state.
 */
import https from 'node:https';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocketServer } from 'ws';
import type { KubeObject, LabCluster, ResourceType, WatchEvent, World } from '../world';
import { ClusterAccess, type Identity } from './access';
import { createClusterCa } from './certs';
import { apiGroupList, apiResourceList, apiVersions, groupVersion } from './discovery';
import { portForwardProtocols, servePortForward } from './portforward';
import type { RbacPolicy } from './rbac';
import { parseFieldSelector, parseLabelSelector, SelectorError } from './selectors';
import { parseServiceSegment, relayToService, type ServiceBackend } from './service-proxy';
import * as st from './status';
import { toTable, type IncludeObject } from './table';

export interface RequestLogEntry {
  cluster: string;
  method: string;
  path: string;
  user: string;
  status: number;
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

/** A parsed resource URL: /api/v1/namespaces/ns/pods/name/sub/... */
interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

const publicPaths = new Set(['/version', '/healthz', '/livez', '/readyz']);
/** How often a watch that allows bookmarks gets one (the real API server: about a minute). */
export const DEFAULT_BOOKMARK_MS = 10_000;
const faultPollMs = 100;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withKind(type: ResourceType, o: KubeObject): KubeObject {
  return { kind: type.kind, apiVersion: groupVersion(type), ...o };
}

function objectKey(o: KubeObject): [string, string] {
  return [o.metadata.namespace ?? '', o.metadata.name];
}

function compareKeys(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

interface ContinueToken {
  rv: number;
  after: [string, string];
}

function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeContinue(text: string): ContinueToken | null {
  try {
    const t = JSON.parse(Buffer.from(text, 'base64url').toString()) as ContinueToken;
    return Number.isInteger(t.rv) && Array.isArray(t.after) ? t : null;
  } catch {
    return null;
  }
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
  const clusterName = cluster.name;
  const ca = await createClusterCa(clusterName);
  const serving = await ca.issue({ commonName: 'kube-apiserver' }, 'server');

  /** Ends every open watch (as if its timeout had passed): clients then watch again, through RBAC. */
  const openWatches = new Set<() => void>();
  const credentials = new Map<string, UserCredentials>();
  const access = new ClusterAccess(() => world.faults(clusterName));
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

  /** The identity a request acts as (after impersonation), or the Status to answer with. */
  function actingIdentity(req: IncomingMessage): Identity | st.StatusBody {
    const caller = access.authenticate(req);
    return caller ? access.impersonate(caller, req) : st.unauthorized();
  }

  const isStatus = (v: Identity | st.StatusBody): v is st.StatusBody => 'kind' in v && v.kind === 'Status';

  /** Resolves /api/v1/... and /apis/<g>/<v>/... below the group version; null = unknown path. */
  function parseResourcePath(segments: string[]): ResourceRequest | null {
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

  function findObject(req: ResourceRequest, name: string): KubeObject | undefined {
    if (req.type.namespaced && req.namespace === undefined) return undefined;
    return world.list(clusterName, req.type, req.namespace).find((o) => o.metadata.name === name);
  }

  function versionInfo() {
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

  function discovery(segments: string[]): unknown | null {
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

  function wantsTable(req: IncomingMessage): boolean {
    return /as=Table/.test(req.headers.accept ?? '');
  }

  function includeObject(url: URL): IncludeObject {
    const v = url.searchParams.get('includeObject');
    return v === 'None' || v === 'Object' ? v : 'Metadata';
  }

  function serveList(req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest): void {
    const labelSelector = url.searchParams.get('labelSelector');
    const fieldSelector = url.searchParams.get('fieldSelector');
    const labelMatch = parseLabelSelector(labelSelector);
    const fieldMatch = parseFieldSelector(fieldSelector, r.type.resource);
    let items = world.list(clusterName, r.type, r.namespace).filter((o) => labelMatch(o.metadata.labels) && fieldMatch(o));
    let rv = world.resourceVersion(clusterName);

    const limit = Number(url.searchParams.get('limit') ?? 0);
    const continueParam = url.searchParams.get('continue');
    const listMeta: Record<string, unknown> = {};
    if (continueParam) {
      const token = decodeContinue(continueParam);
      if (!token) return st.sendStatus(res, st.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)'));
      if (world.eventsSince(clusterName, r.type, token.rv) === 'gone') {
        return st.sendStatus(
          res,
          st.expired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
          ),
        );
      }
      rv = token.rv;
      items = [...items].sort((a, b) => compareKeys(objectKey(a), objectKey(b))).filter((o) => compareKeys(objectKey(o), token.after) > 0);
    } else if (limit > 0) {
      items = [...items].sort((a, b) => compareKeys(objectKey(a), objectKey(b)));
    }
    listMeta.resourceVersion = String(rv);
    if (limit > 0 && items.length > limit) {
      const remaining = items.length - limit;
      items = items.slice(0, limit);
      listMeta.continue = encodeContinue({ rv, after: objectKey(items[items.length - 1]) });
      if (!labelSelector && !fieldSelector) listMeta.remainingItemCount = remaining;
    }

    if (wantsTable(req)) return st.sendJson(res, 200, toTable(r.type, items, listMeta, includeObject(url)));
    st.sendJson(res, 200, { kind: `${r.type.kind}List`, apiVersion: groupVersion(r.type), metadata: listMeta, items });
  }

  function serveWatch(req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest): void {
    const labelMatch = parseLabelSelector(url.searchParams.get('labelSelector'));
    const fieldMatch = parseFieldSelector(url.searchParams.get('fieldSelector'), r.type.resource);
    const matches = (o: KubeObject) =>
      (r.namespace === undefined || o.metadata.namespace === r.namespace) &&
      (r.name === undefined || o.metadata.name === r.name) &&
      labelMatch(o.metadata.labels) &&
      fieldMatch(o);
    const since = url.searchParams.get('resourceVersion');
    const sinceRv = since ? Number(since) : 0;
    if (!Number.isInteger(sinceRv)) return st.sendStatus(res, st.badRequest(`invalid resource version: ${since}`));
    const table = wantsTable(req);

    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders(); // clients (client-node's Watch) wait for the headers before they call back
    const send = (type: string, object: unknown) => res.write(JSON.stringify({ type, object }) + '\n');
    const sendObject = (type: string, o: KubeObject) =>
      send(type, table ? toTable(r.type, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject(url)) : withKind(r.type, o));

    let lastRv = sinceRv;
    let replaying = true;
    const buffered: WatchEvent[] = [];
    const deliver = (ev: WatchEvent) => {
      if (ev.resourceVersion <= lastRv) return;
      lastRv = ev.resourceVersion;
      if (matches(ev.object)) sendObject(ev.type, ev.object);
    };
    const unsubscribe = world.subscribe(clusterName, r.type, (ev) => (replaying ? buffered.push(ev) : deliver(ev)));
    let timer: NodeJS.Timeout | undefined;
    const finish = () => {
      unsubscribe();
      clearTimeout(timer);
      if (!res.writableEnded) res.end();
    };
    req.on('close', finish);

    if (sinceRv === 0) {
      // No resourceVersion: the API server first sends the current state as ADDED events.
      for (const o of world.list(clusterName, r.type, r.namespace)) if (matches(o)) sendObject('ADDED', o);
      lastRv = world.resourceVersion(clusterName);
    } else {
      const events = world.eventsSince(clusterName, r.type, sinceRv);
      if (events === 'gone') {
        send('ERROR', st.expired(`too old resource version: ${sinceRv} (${world.resourceVersion(clusterName)})`));
        return finish();
      }
      events.forEach(deliver);
    }
    replaying = false;
    buffered.forEach(deliver);

    const timeoutSeconds = Number(url.searchParams.get('timeoutSeconds') ?? 0);
    if (timeoutSeconds > 0) timer = setTimeout(finish, timeoutSeconds * 1000);
    openWatches.add(finish);
    req.on('close', () => openWatches.delete(finish));
    if (url.searchParams.get('allowWatchBookmarks') === 'true') {
      // As the API server does: now and then a BOOKMARK carrying the current resourceVersion, so a
      // client resuming later does not ask for history that is gone.
      const bookmarks = setInterval(() => {
        lastRv = Math.max(lastRv, world.resourceVersion(clusterName));
        send('BOOKMARK', { kind: r.type.kind, apiVersion: groupVersion(r.type), metadata: { resourceVersion: String(lastRv) } });
      }, opts.bookmarkMs ?? DEFAULT_BOOKMARK_MS);
      req.on('close', () => clearInterval(bookmarks));
    }
  }

  /** name or name:port or scheme:name:port, as in the pods/proxy URL. */
  function proxyTarget(podSegment: string, pod: KubeObject): { name: string; port: number } {
    const parts = podSegment.split(':');
    const name = parts.length === 3 ? parts[1] : parts[0];
    const declared = (pod.spec as { containers?: Array<{ ports?: Array<{ containerPort: number }> }> } | undefined)?.containers?.[0]?.ports?.[0]?.containerPort;
    const port = parts.length > 1 ? Number(parts[parts.length - 1]) : (declared ?? 80);
    return { name, port };
  }

  function servePodProxy(req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest, identity: Identity): void {
    const podName = r.name!.split(':').length === 3 ? r.name!.split(':')[1] : r.name!.split(':')[0];
    const target = { ...r, name: podName };
    const denied = access.denial(identity, { verb: 'get', type: r.type, subresource: 'proxy', name: podName, namespace: r.namespace });
    if (denied) return st.sendStatus(res, denied);
    const pod = findObject(target, podName);
    if (!pod) return st.sendStatus(res, st.notFound(r.type, podName));
    const { port } = proxyTarget(r.name!, pod);
    const handler = world.podHandler(clusterName, r.namespace!, podName, port, { viaApiServerProxy: true });
    if (!handler) {
      const ip = (pod.status as { podIP?: string } | undefined)?.podIP ?? '';
      return st.sendStatus(
        res,
        st.status(503, 'ServiceUnavailable', `error trying to reach service: dial tcp ${ip}:${port}: connect: connection refused`),
      );
    }
    const marker = `/pods/${r.name}/proxy`;
    const rest = url.pathname.slice(url.pathname.indexOf(marker) + marker.length);
    req.url = (rest.startsWith('/') ? rest : `/${rest}`) + url.search;
    delete req.headers.authorization; // the API server never forwards the client's credentials
    handler(req, res);
  }

  async function serveServiceProxy(req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest, identity: Identity): Promise<void> {
    const { name, port: portText } = parseServiceSegment(r.name!);
    // RBAC sees the URL's name segment, port included ("prometheus:9090"), as the API server's RequestInfo does.
    const denied = access.denial(identity, { verb: 'get', type: r.type, subresource: 'proxy', name: r.name, namespace: r.namespace });
    if (denied) return st.sendStatus(res, denied);
    const svc = findObject(r, name);
    if (!svc) return st.sendStatus(res, st.notFound(r.type, name));
    const ports = (svc.spec as { ports?: Array<{ name?: string; port: number }> } | undefined)?.ports ?? [];
    const port = portText === '' ? ports[0] : ports.find((p) => p.name === portText || String(p.port) === portText);
    if (!port) return st.sendStatus(res, st.status(503, 'ServiceUnavailable', `no endpoints available for service "${r.name}"`));
    const backend = opts.serviceBackend?.(r.namespace!, name, port.port) ?? { down: true as const };
    const marker = `/services/${r.name}/proxy`;
    const decoded = decodeURIComponent(url.pathname);
    const rest = decoded.slice(decoded.indexOf(marker) + marker.length);
    await relayToService(req, res, backend, r.name!, (rest.startsWith('/') ? rest : `/${rest}`) + url.search);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let user = '';
    res.on('close', () => opts.onRequest({ cluster: clusterName, method: req.method ?? '', path: req.url ?? '', user, status: res.statusCode }));
    const latency = world.faults(clusterName).latencyMs;
    if (latency > 0) await sleep(latency);

    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    if (publicPaths.has(pathname)) {
      if (pathname === '/version') return st.sendJson(res, 200, versionInfo());
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok');
      return;
    }
    const identity = actingIdentity(req);
    if (isStatus(identity)) return st.sendStatus(res, identity);
    user = identity.username;
    if (req.method !== 'GET' && req.method !== 'HEAD') return st.sendStatus(res, st.methodNotAllowed(req.method ?? ''));

    const segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const doc = discovery(segments);
    if (doc) return access.mayGetPath(identity, pathname) ? st.sendJson(res, 200, doc) : st.sendStatus(res, st.forbiddenPath(identity.username, pathname));
    const isResourcePath = (segments[0] === 'api' && segments.length > 2) || (segments[0] === 'apis' && segments.length > 3);
    const r = isResourcePath ? parseResourcePath(segments) : null;
    if (!r) return st.sendStatus(res, st.pathNotFound());

    try {
      if (r.type.resource === 'pods' && r.subresource === 'proxy') return servePodProxy(req, res, url, r, identity);
      if (r.type.resource === 'services' && r.subresource === 'proxy' && r.namespace) return await serveServiceProxy(req, res, url, r, identity);
      if (r.subresource === 'portforward') return st.sendStatus(res, st.badRequest('Upgrade request required'));
      if (r.subresource) return st.sendStatus(res, st.pathNotFound());
      const watch = url.searchParams.get('watch');
      const isWatch = watch === 'true' || watch === '1';
      const verb = isWatch ? 'watch' : r.name ? 'get' : 'list';
      const denied = access.denial(identity, { verb, type: r.type, subresource: r.subresource, name: r.name, namespace: r.namespace });
      if (denied) return st.sendStatus(res, denied);
      if (isWatch) return serveWatch(req, res, url, r);
      if (!r.name) return serveList(req, res, url, r);
      const o = findObject(r, r.name);
      if (!o) return st.sendStatus(res, st.notFound(r.type, r.name));
      if (wantsTable(req)) return st.sendJson(res, 200, toTable(r.type, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject(url)));
      st.sendJson(res, 200, withKind(r.type, o));
    } catch (err) {
      if (err instanceof SelectorError) return st.sendStatus(res, st.badRequest(err.message));
      throw err;
    }
  }

  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered: Set<string>) => portForwardProtocols.find((p) => offered.has(p)) ?? false,
  });

  function rejectUpgrade(socket: Socket, body: st.StatusBody): void {
    const text = JSON.stringify(body);
    socket.end(
      `HTTP/1.1 ${body.code} ${STATUS_CODES[body.code]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
  }

  async function handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
    let user = '';
    const log = (status: number) => opts.onRequest({ cluster: clusterName, method: req.method ?? '', path: req.url ?? '', user, status });
    const reject = (body: st.StatusBody) => {
      log(body.code);
      rejectUpgrade(socket, body);
    };
    const latency = world.faults(clusterName).latencyMs;
    if (latency > 0) await sleep(latency);
    const identity = actingIdentity(req);
    if (isStatus(identity)) return reject(identity);
    user = identity.username;
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const segments = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const r = segments[0] === 'api' ? parseResourcePath(segments) : null;
    if (!r || r.type.resource !== 'pods' || r.subresource !== 'portforward' || !r.name) return reject(st.pathNotFound());
    // Kubernetes RBAC authorizes port-forward as `create` on pods/portforward (older clusters: `get`, which forbid faults also match).
    const denied = access.denial(identity, { verb: 'create', type: r.type, subresource: r.subresource, name: r.name, namespace: r.namespace }, ['get']);
    if (denied) return reject(denied);
    const pod = findObject(r, r.name);
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
      servePortForward(ws, ports, (port) => world.podHandler(clusterName, namespace, name, port), pod.metadata.uid);
    });
  }

  const server = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca: ca.certPem, requestCert: true, rejectUnauthorized: false });
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('request', (req, res) => {
    handle(req, res).catch(() => {
      // Never leak an exception's text to the client.
      if (!res.headersSent) st.sendStatus(res, st.status(500, 'InternalError', 'an error on the server has prevented the request from succeeding'));
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    handleUpgrade(req, socket, head).catch(() => socket.destroy());
  });
  server.on('tlsClientError', () => {}); // clients that abort the handshake are not our problem

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

  const port = await listen(opts.port ?? 0);
  let stopped = false;
  let syncing: Promise<void> = Promise.resolve();
  let forbidRules = JSON.stringify(world.faults(clusterName).forbid);
  const syncFaults = () => {
    syncing = syncing.then(async () => {
      if (stopped) return;
      // RBAC is checked when a watch starts: changed rules reach open watches when they are renewed.
      const rules = JSON.stringify(world.faults(clusterName).forbid);
      if (rules !== forbidRules) {
        forbidRules = rules;
        for (const finish of [...openWatches]) finish();
      }
      const down = world.faults(clusterName).apiDown;
      if (down && server.listening) await close();
      else if (!down && !server.listening) await listen(port).catch(() => undefined); // retried at the next poll
    });
    return syncing;
  };
  await syncFaults();
  const poll = setInterval(() => void syncFaults(), faultPollMs);
  poll.unref();

  return {
    cluster,
    port,
    url: `https://127.0.0.1:${port}`,
    caPem: ca.certPem,
    credentials,
    issueServiceAccountToken: (namespace, name) => access.issueServiceAccountToken(namespace, name),
    setRbac: (policy) => access.setPolicy(policy),
    syncFaults,
    async stop() {
      clearInterval(poll);
      await syncing;
      stopped = true;
      for (const client of wss.clients) client.terminate();
      if (server.listening) await close();
    },
  };
}
