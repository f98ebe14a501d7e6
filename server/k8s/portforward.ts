import 'server-only';
import { PassThrough, Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import type WebSocket from 'isomorphic-ws';
import { withDeadline, type Deadline } from './deadline';
import { DescribedError, UpstreamStatusError } from './errors';
import { HttpResponseReader, MalformedHttpError, type RawHttpResponse } from './http-response';
import type { ClusterHandle } from './registry';

/**
 * HTTP GET to a port inside a pod over the API server's pods/portforward, as istioctl does: the request
 * arrives on the pod's loopback, which istiod's debug endpoints and Envoy's admin trust.
 * Only these paths can ever be requested: no caller can forward an arbitrary path.
 */
export const ISTIOD_PATHS = ['/debug/clusterz', '/debug/syncz', '/debug/networkz', '/version'] as const;
export const ENVOY_PATHS = ['/clusters?format=json', '/config_dump?include_eds', '/server_info'] as const;
export type IstiodPath = (typeof ISTIOD_PATHS)[number];
export type EnvoyPath = (typeof ENVOY_PATHS)[number];
export type PodPath = IstiodPath | EnvoyPath;

export const ENVOY_ADMIN_PORT = 15000;
export const ISTIOD_MONITORING_PORT = 15014;

const ALLOWED = new Set<string>([...ISTIOD_PATHS, ...ENVOY_PATHS]);
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface PodPort {
  namespace: string;
  pod: string;
  port: number;
}

/** istiod's monitoring port: pod annotation prometheus.io/port (as istioctl's FindIstiodMonitoringPort), else 15014. */
export function istiodMonitoringPort(annotations: Record<string, string> | undefined): number {
  const n = Number(annotations?.['prometheus.io/port']);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : ISTIOD_MONITORING_PORT;
}

/**
 * GETs an allow-listed path from a pod port; resolves with the body of a 200 answer, rejects with
 * UpstreamStatusError for another status, DescribedError when the forward fails, DeadlineExceeded at the deadline.
 */
export async function podGet(cluster: ClusterHandle, target: PodPort, path: PodPath, deadline: Deadline): Promise<string> {
  if (!ALLOWED.has(path)) throw new Error(`path not allowed: ${path}`);
  const res = await withDeadline(deadline, (signal) => pooledGet(cluster, target, path, signal));
  if (res.status !== 200) throw new UpstreamStatusError(res.status, res.body.toString('utf8').slice(0, 2000));
  return res.body.toString('utf8');
}

/* ------------------------------------------------------------------------ forward connections */

/**
 * Opening a forward costs a WebSocket upgrade through the API server (one or more round trips of its
 * latency), so a finished forward is kept open for IDLE_MS and reused with HTTP keep-alive, as long as
 * the pod side keeps the connection. One request at a time per connection; concurrent requests open more.
 */
const IDLE_MS = 60_000;
const MAX_IDLE_PER_TARGET = 2;

class ForwardConnection {
  private ws: WebSocket | null = null;
  private input = new PassThrough();
  private pending: { reader: HttpResponseReader; resolve: (r: RawHttpResponse) => void; reject: (e: unknown) => void; received: number } | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  dead = false;
  /** Requests completed on this connection (a failure on a reused one is retried on a fresh one). */
  served = 0;

  constructor(
    readonly key: string,
    private readonly cluster: ClusterHandle,
    private readonly target: PodPort,
  ) {}

  private get where() {
    return `pod ${this.target.namespace}/${this.target.pod} port ${this.target.port}`;
  }

  async open(signal: AbortSignal): Promise<void> {
    const output = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.onData(chunk);
        done();
      },
    });
    // The kubelet reports a failed forward (nothing listening, pod gone) as text on the error channel.
    const errors = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (chunk.length) this.fail(new DescribedError('unreachable', `port-forward to ${this.where} failed: nothing accepted the connection`));
        done();
      },
    });
    const socket = await new PortForward(this.cluster.kc, false).portForward(this.target.namespace, this.target.pod, [this.target.port], output, errors, this.input);
    this.ws = typeof socket === 'function' ? socket() : socket;
    this.ws?.on('close', () => this.onClose());
    // Deadline passed while connecting: do not keep the late socket.
    if (signal.aborted || this.dead) this.close();
  }

  request(path: string, signal: AbortSignal): Promise<RawHttpResponse> {
    if (this.dead) return Promise.reject(new DescribedError('unreachable', `port-forward to ${this.where} closed`));
    if (this.idleTimer) clearTimeout(this.idleTimer);
    return new Promise<RawHttpResponse>((resolve, reject) => {
      const onAbort = () => {
        // The connection is mid-exchange: it cannot be reused.
        this.fail(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending = {
        reader: new HttpResponseReader(),
        received: 0,
        resolve: (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      this.input.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${this.target.port}\r\nUser-Agent: isthmus\r\nAccept: application/json\r\n\r\n`);
    });
  }

  private onData(chunk: Buffer) {
    const p = this.pending;
    if (!p) return; // bytes outside an exchange: ignore (the next request starts a fresh reader)
    p.received += chunk.length;
    try {
      if (p.received > MAX_BODY_BYTES) throw new DescribedError('bad-response', `${this.where} answered more than ${MAX_BODY_BYTES >> 20} MiB`);
      const res = p.reader.push(chunk);
      if (!res) return;
      this.pending = null;
      this.served++;
      if (/\bclose\b/i.test(res.headers.connection ?? '')) this.close();
      p.resolve(res);
    } catch (e) {
      this.fail(e instanceof DescribedError ? e : new DescribedError('bad-response', `${this.where} did not answer HTTP (${(e as Error).message})`));
    }
  }

  private onClose() {
    const p = this.pending;
    this.pending = null;
    this.dead = true;
    if (!p) return;
    try {
      // A close-delimited body ends here.
      p.resolve(p.reader.end());
    } catch (e) {
      p.reject(new DescribedError(e instanceof MalformedHttpError ? 'bad-response' : 'unreachable', `${this.where} closed the forward before answering`));
    }
  }

  private fail(err: unknown) {
    const p = this.pending;
    this.pending = null;
    this.close();
    p?.reject(err);
  }

  /** Back to the pool, closed after IDLE_MS unused. */
  idle(onExpire: () => void) {
    this.idleTimer = setTimeout(() => {
      this.close();
      onExpire();
    }, IDLE_MS);
    this.idleTimer.unref?.();
  }

  close() {
    this.dead = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.input.destroy();
    try {
      this.ws?.close();
    } catch {
      /* already closed */
    }
  }
}

/* The idle pool is the cluster's (cluster.state.idleForwards), keyed by target within it. */
type IdlePool = Map<string, ForwardConnection[]>;

/** Removes a connection from the pool; a target with no idle connection left loses its key (pods come and go). */
function removeIdle(pool: IdlePool, conn: ForwardConnection) {
  const rest = pool.get(conn.key)?.filter((c) => c !== conn) ?? [];
  if (rest.length) pool.set(conn.key, rest);
  else pool.delete(conn.key);
}

function takeIdle(pool: IdlePool, key: string): ForwardConnection | null {
  for (;;) {
    const conn = pool.get(key)?.at(-1);
    if (!conn) return null;
    removeIdle(pool, conn);
    if (!conn.dead) return conn;
  }
}

function release(pool: IdlePool, conn: ForwardConnection) {
  if (conn.dead) return;
  const list = pool.get(conn.key) ?? [];
  if (list.length >= MAX_IDLE_PER_TARGET) return conn.close();
  list.push(conn);
  pool.set(conn.key, list);
  conn.idle(() => removeIdle(pool, conn));
}

async function pooledGet(cluster: ClusterHandle, target: PodPort, path: string, signal: AbortSignal): Promise<RawHttpResponse> {
  const pool = cluster.state.idleForwards as IdlePool;
  const key = `${target.namespace}/${target.pod}:${target.port}`;
  const reused = takeIdle(pool, key);
  if (reused) {
    try {
      const res = await reused.request(path, signal);
      release(pool, reused);
      return res;
    } catch (e) {
      reused.close();
      if (signal.aborted) throw e;
      // The pod side may have dropped the idle connection: try once on a fresh forward.
    }
  }
  const conn = new ForwardConnection(key, cluster, target);
  try {
    await conn.open(signal);
    const res = await conn.request(path, signal);
    release(pool, conn);
    return res;
  } catch (e) {
    conn.close();
    throw e;
  }
}
