import 'server-only';
import http from 'node:http';
import { Duplex, PassThrough, Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import type WebSocket from 'isomorphic-ws';
import { readCappedBody } from './capped-body';
import { withDeadline, type ByteBudget, type Deadline } from './deadline';
import { DescribedError, UpstreamStatusError } from './errors';
import type { ClusterHandle } from './registry';

/**
 * HTTP GET to a port inside a pod over the API server's pods/portforward, as istioctl does: the request
 * arrives on the pod's loopback, which istiod's debug endpoints and Envoy's admin trust.
 * Only these paths can ever be requested: no caller can forward an arbitrary path.
 */
export const ISTIOD_PATHS = ['/debug/clusterz', '/debug/syncz', '/debug/networkz', '/debug/endpointShardz', '/version'] as const;
export const ENVOY_PATHS = ['/clusters?format=json', '/config_dump', '/config_dump?include_eds', '/server_info'] as const;
export type IstiodPath = (typeof ISTIOD_PATHS)[number];
export type EnvoyPath = (typeof ENVOY_PATHS)[number];
export type PodPath = IstiodPath | EnvoyPath;

export { ENVOY_ADMIN_PORT } from '@/lib/format/kube';

const ALLOWED = new Set<string>([...ISTIOD_PATHS, ...ENVOY_PATHS]);
/** One answer (an Envoy config dump with EDS of a large mesh is tens of MB). */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface PodPort {
  namespace: string;
  pod: string;
  port: number;
}

/**
 * GETs an allow-listed path from a pod port; resolves with the body of a 200 answer, rejects with
 * UpstreamStatusError for another status, DescribedError when the forward fails or the answer is too
 * large, DeadlineExceeded at the deadline. The answer counts against the read's forward budget.
 */
export async function podGet(cluster: ClusterHandle, target: PodPort, path: PodPath, deadline: Deadline): Promise<string> {
  if (!ALLOWED.has(path)) throw new Error(`path not allowed: ${path}`);
  const res = await withDeadline(deadline, (signal) => getOnce(cluster, target, path, signal, deadline.bytes));
  if (res.status !== 200) throw new UpstreamStatusError(res.status, res.body.toString('utf8', 0, 2000));
  return res.body.toString('utf8');
}

/* ------------------------------------------------------------------------ forward connections */

/**
 * Node's HTTP client (llhttp) reads the answers; the port-forward is only its connection. Opening a
 * forward costs a WebSocket upgrade through the API server (one or more round trips of its latency), so
 * the cluster's agent keeps a finished one open for IDLE_MS and reuses it with HTTP keep-alive, as long
 * as the pod side keeps the connection. One request at a time per connection; concurrent requests open more.
 */
const IDLE_MS = 60_000;
const MAX_IDLE_PER_TARGET = 2;

/** The request options the agent reads: which pod port to forward to. */
interface ForwardRequestOptions extends http.RequestOptions {
  forward: PodPort;
}

const where = (t: PodPort) => `pod ${t.namespace}/${t.pod} port ${t.port}`;

/** A port-forward as the socket of an HTTP connection: bytes written go to the pod port, bytes read come from it. */
class ForwardSocket extends Duplex {
  private readonly input = new PassThrough();
  private ws: WebSocket | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleMs = 0;
  /** Why the forward failed, if it did. */
  failure: Error | null = null;

  constructor(private readonly target: PodPort) {
    // When the pod side ends, so does this side: the socket closes and the agent drops it from its pool.
    super({ allowHalfOpen: false });
    // A failure before the HTTP client has taken the socket (the kubelet's "nothing listens" can arrive
    // before the WebSocket open resolves) must not be an unhandled 'error': open() reports it.
    this.on('error', (err) => (this.failure ??= err));
  }

  /** Opens the forward; resolves once the WebSocket is up. */
  async open(cluster: ClusterHandle): Promise<void> {
    const output = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        this.touch();
        this.push(chunk);
        done();
      },
    });
    // The kubelet reports a failed forward (nothing listening, pod gone) as text on the error channel.
    const errors = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (chunk.length) this.destroy(new DescribedError('unreachable', `port-forward to ${where(this.target)} failed: nothing accepted the connection`));
        done();
      },
    });
    const socket = await new PortForward(cluster.kc, false)
      .portForward(this.target.namespace, this.target.pod, [this.target.port], output, errors, this.input)
      .catch((e: unknown) => {
        throw forwardDenied(e, this.target.namespace) ?? e;
      });
    this.ws = typeof socket === 'function' ? socket() : socket;
    // The pod side closed: the end of the stream (a close-delimited body ends here; a cut one is an error to llhttp).
    this.ws?.on('close', () => this.push(null));
    if (this.destroyed) this.closeForward();
  }

  _read(): void {}

  _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.touch();
    this.input.write(chunk, done);
  }

  _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.setTimeout(0);
    this.closeForward();
    done(err);
  }

  private closeForward() {
    this.input.destroy();
    try {
      this.ws?.close();
    } catch {
      /* already closed */
    }
  }

  /* What http.Agent and ClientRequest call on a socket beyond a Duplex. */
  setTimeout(ms: number, onTimeout?: () => void): this {
    this.idleMs = ms;
    // As net.Socket: a callback with 0 is taken off again (the HTTP client does so per request on a
    // kept-open socket); without this, every reuse left one more 'timeout' listener behind.
    if (onTimeout) {
      if (ms === 0) this.removeListener('timeout', onTimeout);
      else this.once('timeout', onTimeout);
    }
    this.touch();
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  private touch() {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.idleMs > 0 && !this.destroyed) {
      this.idleTimer = setTimeout(() => this.emit('timeout'), this.idleMs);
      this.idleTimer.unref?.();
    }
  }
}

/** One cluster's keep-alive pool of forwards, by pod port; closed with the cluster's state. */
class ForwardAgent extends http.Agent {
  constructor(private readonly cluster: ClusterHandle) {
    super({ keepAlive: true, maxFreeSockets: MAX_IDLE_PER_TARGET, timeout: IDLE_MS, scheduling: 'lifo' });
  }

  getName(options: ForwardRequestOptions): string {
    return `${options.forward.namespace}/${options.forward.pod}:${options.forward.port}`;
  }

  createConnection(options: ForwardRequestOptions, done: (err: Error | null, socket?: Duplex) => void): undefined {
    const socket = new ForwardSocket(options.forward);
    socket.open(this.cluster).then(
      () => (socket.destroyed ? done(socket.failure ?? new DescribedError('unreachable', `port-forward to ${where(options.forward)} closed`)) : done(null, socket)),
      (err: unknown) => {
        socket.destroy();
        done(err instanceof Error ? err : upgradeError(err));
      },
    );
    return undefined;
  }

  close(): void {
    this.destroy();
  }
}

/** A refused upgrade arrives as a WebSocket ErrorEvent ("Unexpected server response: 403"): an Error of its own words for errors.ts. */
function upgradeError(event: unknown): Error {
  const message = (event as { message?: unknown } | null)?.message;
  return Object.assign(new Error(typeof message === 'string' ? message.slice(0, 200) : 'port-forward upgrade failed'), { error: (event as { error?: unknown } | null)?.error });
}

function forwardAgent(cluster: ClusterHandle): ForwardAgent {
  const current = cluster.state.forwards;
  if (current instanceof ForwardAgent) return current;
  const agent = new ForwardAgent(cluster);
  cluster.state.forwards = agent;
  return agent;
}

interface PodAnswer {
  status: number;
  body: Buffer;
}

/** One GET; a kept-open forward the pod side dropped meanwhile is retried once on a fresh one. */
async function getOnce(cluster: ClusterHandle, target: PodPort, path: string, signal: AbortSignal, budget: ByteBudget): Promise<PodAnswer> {
  try {
    return await get(cluster, target, path, signal, budget);
  } catch (e) {
    if (signal.aborted || !(e instanceof ReusedSocketError)) throw e instanceof ReusedSocketError ? e.cause : e;
    return get(cluster, target, path, signal, budget);
  }
}

class ReusedSocketError extends Error {
  constructor(readonly cause: unknown) {
    super('a kept-open forward failed');
  }
}

function get(cluster: ClusterHandle, target: PodPort, path: string, signal: AbortSignal, budget: ByteBudget): Promise<PodAnswer> {
  return new Promise<PodAnswer>((resolve, reject) => {
    const options: ForwardRequestOptions = {
      agent: forwardAgent(cluster),
      forward: target,
      host: '127.0.0.1',
      port: target.port,
      path,
      method: 'GET',
      headers: { 'User-Agent': 'isthmus', Accept: 'application/json' },
      signal,
    };
    const req = http.request(options, (res) => {
      readCappedBody(res, `${where(target)} ${path}`, MAX_BODY_BYTES, budget).then((body) => resolve({ status: res.statusCode ?? 0, body }), reject);
    });
    req.on('error', (err) => reject(req.reusedSocket && !(err instanceof DescribedError) ? new ReusedSocketError(err) : err));
    req.end();
  });
}

/**
 * The API server refused the forward's upgrade with 403: RBAC, which no retry changes. Says which
 * permission is missing; null for any other failure.
 */
export function forwardDenied(e: unknown, namespace: string): DescribedError | null {
  const status = e instanceof UpstreamStatusError ? e.status : Number(/Unexpected server response: (\d{3})/.exec(String((e as { message?: unknown } | null)?.message ?? ''))?.[1]);
  if (status !== 403) return null;
  return new DescribedError(
    'forbidden',
    `port-forward denied (403): the credentials lack "create" on "pods/portforward" in namespace "${namespace}"; retrying will not help until RBAC grants it`,
  );
}
