import 'server-only';
import { setMaxListeners } from 'node:events';
import { keepAliveAgent } from './agents';
import { Observable, type ConfigurationOptions, type ObservableMiddleware, type RequestContext, type ResponseContext } from '@kubernetes/client-node';

/** Raised when a deadline passes; errors.ts maps it to kind "timeout". */
export class DeadlineExceeded extends Error {
  constructor(readonly ms: number) {
    super(`deadline of ${ms} ms exceeded`);
    this.name = 'DeadlineExceeded';
  }
}

/** Bytes several answers hold at once, within a limit of its own and its parent's. */
export class ByteBudget {
  private held = 0;
  constructor(
    readonly limit: number,
    /** Whose answers these are, in error messages: "this read", "all clusters". */
    readonly whose: string,
    private readonly parent?: ByteBudget,
  ) {}

  /** Counts n more bytes; returns the budget whose limit is now passed (this one or a parent), else null. */
  take(n: number): ByteBudget | null {
    this.held += n;
    const over = this.parent?.take(n) ?? null;
    return this.held > this.limit ? this : over;
  }

  release(n: number): void {
    this.held -= n;
    this.parent?.release(n);
  }
}

/**
 * Answer bytes the whole process buffers at once: with several hostile clusters streaming as fast as they
 * can, memory stays bounded (the read that passes this fails, typically the hostile one: it is the one
 * receiving the most).
 */
const processBytes = new ByteBudget(96 * 1024 * 1024, 'all clusters');

/**
 * The answers one cluster's read receives at the same time (list pages, ten istiod replicas × two paths,
 * an Envoy's clusters and config dump): however many a hostile cluster sends at once, a read buffers at
 * most this much. Pages read one after the other do not add up (an answer's bytes are released once complete).
 */
export const BYTES_IN_FLIGHT_PER_READ = 64 * 1024 * 1024;

/** An absolute point in time shared by every call made for one cluster, with the signal that fires there. */
export interface Deadline {
  readonly ms: number;
  readonly expiresAt: number;
  readonly signal: AbortSignal;
  /** Answer bytes in flight for the read this deadline is for (shared with its child deadlines). */
  readonly bytes: ByteBudget;
}

export function createDeadline(ms: number, parent?: Deadline): Deadline {
  const controller = new AbortController();
  // One deadline serves every call made for a cluster (lists, forwards, node-fetch sockets): more than
  // Node's default of 10 listeners is the design, not a leak.
  setMaxListeners(0, controller.signal);
  const expiresAt = Math.min(Date.now() + ms, parent?.expiresAt ?? Infinity);
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded(ms)), Math.max(0, expiresAt - Date.now()));
  timer.unref?.();
  if (parent) {
    const onParent = () => controller.abort(parent.signal.reason);
    if (parent.signal.aborted) onParent();
    else parent.signal.addEventListener('abort', onParent, { once: true });
  }
  controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
  return { ms, expiresAt, signal: controller.signal, bytes: parent?.bytes ?? readBudget() };
}

const readBudget = () => new ByteBudget(BYTES_IN_FLIGHT_PER_READ, 'this read', processBytes);

/** A deadline that also ends when `signal` aborts: reads of a long-lived owner that may close first (a watch-fed cache). */
export function deadlineUntil(ms: number, signal: AbortSignal): Deadline {
  return createDeadline(ms, { ms: Infinity, expiresAt: Infinity, signal, bytes: readBudget() });
}

export function remainingMs(d: Deadline): number {
  return Math.max(0, d.expiresAt - Date.now());
}

/**
 * A shorter deadline for an optional source (istiod, Envoy) inside a cluster's deadline, so that when
 * the optional source is slow the cluster's Kubernetes data still arrives with a `timeout` entry for it.
 */
export function optionalSourceDeadline(d: Deadline): Deadline {
  const left = remainingMs(d);
  return createDeadline(Math.max(0, left - Math.min(250, Math.floor(left * 0.15))), d);
}

/**
 * Runs work under the deadline: the work gets the signal (to abort sockets), and the race guarantees the
 * caller never waits past the deadline even if the work ignores the signal.
 */
export function withDeadline<T>(d: Deadline, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  if (d.signal.aborted) return Promise.reject(d.signal.reason ?? new DeadlineExceeded(d.ms));
  let onAbort: () => void = () => {};
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(d.signal.reason instanceof Error ? d.signal.reason : new DeadlineExceeded(d.ms));
    d.signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work(d.signal), expired]).finally(() => d.signal.removeEventListener('abort', onAbort));
}

/**
 * client-node call options that attach the signal to the request (node-fetch aborts the socket) and
 * swap the per-call agent for a shared keep-alive one (see agents.ts).
 * The middleware must return an Observable: client-node 1.4's ObjectParam API does not wrap a
 * Promise-returning middleware.
 */
export function signalOptions(signal: AbortSignal): ConfigurationOptions<ObservableMiddleware> {
  const middleware: ObservableMiddleware = {
    pre: (ctx: RequestContext) => {
      ctx.setSignal(signal);
      const agent = ctx.getAgent();
      if (agent) ctx.setAgent(keepAliveAgent(agent));
      return new Observable(Promise.resolve(ctx));
    },
    post: (rsp: ResponseContext) => new Observable(Promise.resolve(rsp)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

/** A Kubernetes API call under the deadline: `call(options)` passes the options to the generated client. */
export function apiCall<T>(d: Deadline, call: (options: ConfigurationOptions<ObservableMiddleware>) => Promise<T>): Promise<T> {
  return withDeadline(d, (signal) => call(signalOptions(signal)));
}
