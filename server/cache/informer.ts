import 'server-only';
import { isDeepStrictEqual } from 'node:util';
import type { SourceError } from '@/lib/types/api';
import { deadlineUntil } from '../k8s/deadline';
import { toSourceError, UpstreamStatusError } from '../k8s/errors';
import { forEachPage, LIST_PAGE_MAX_BYTES, readBody } from '../k8s/list-json';
import { PROTOBUF_OR_JSON } from '../k8s/protobuf';
import type { ClusterHandle } from '../k8s/registry';
import { watchEvents, type WatchEventJson } from '../k8s/watch';
import { keyOf, type KindDeclaration } from './kind';
import { parseListPage } from './list-parsers';

export interface InformerTiming {
  /** Deadline of one list (all its pages). */
  listMs: number;
  /** timeoutSeconds asked of the API server for one watch (it ends the stream then; we rewatch). */
  watchSeconds: number;
  /** No byte (event or bookmark) for this long: the connection is presumed dead and reopened. */
  idleMs: number;
  /** Reconnect backoff: first delay and cap (each delay has jitter: 50-100% of the exponential value). */
  backoffMs: number;
  maxBackoffMs: number;
  /** An optional kind found absent (its API answered 404) is looked for again this often (default a minute). */
  absentRelistMs?: number;
}

export const DEFAULT_TIMING: InformerTiming = { listMs: 30_000, watchSeconds: 300, idleMs: 150_000, backoffMs: 250, maxBackoffMs: 5_000 };

/**
 * Lists in flight at once, over every cluster: at server start 50 clusters × 3 kinds would all parse at
 * the same time and each take the time of all; a few at a time, each finishes early and starts watching.
 */
const MAX_LISTS_IN_FLIGHT = 6;
let listsInFlight = 0;
const listQueue: Array<() => void> = [];

function listSlot(): Promise<() => void> {
  const release = () => {
    listsInFlight--;
    listQueue.shift()?.();
  };
  if (listsInFlight < MAX_LISTS_IN_FLIGHT) {
    listsInFlight++;
    return Promise.resolve(release);
  }
  return new Promise((resolve) =>
    listQueue.push(() => {
      listsInFlight++;
      resolve(release);
    }),
  );
}

/** Whether two lists kept the same objects (plain data: compared field by field). */
function sameEntries<T>(kept: ReadonlyMap<string, T>, listed: ReadonlyMap<string, T>): boolean {
  if (kept.size !== listed.size) return false;
  for (const [key, value] of listed) if (!kept.has(key) || !isDeepStrictEqual(kept.get(key), value)) return false;
  return true;
}

/** The API server no longer has the history the watch asked for (410 Gone): list again. */
class Gone extends Error {}

/** A Kubernetes Status carried by an ERROR watch event. */
function statusOf(object: WatchEventJson['object']): { code: number; body: string } {
  return { code: typeof object.code === 'number' ? object.code : 500, body: JSON.stringify(object) };
}

/**
 * List then watch one kind of one cluster, as client-go's reflector does: watch from the list's
 * resourceVersion with bookmarks, resume from the last seen resourceVersion after a dropped
 * connection (backoff with jitter), list again on 410 Gone or when the API server refuses the watch
 * itself (403/401/404: what we kept can no longer be trusted).
 */
export class Informer<T> {
  /** The kept objects by namespace/name; replaced whole by each complete list. */
  get items(): ReadonlyMap<string, T> {
    return this.kept;
  }
  private kept = new Map<string, T>();
  /** Bumped on every change of items (memoization key for readers). */
  revision = 0;
  resourceVersion: string | null = null;
  /** When the first complete list arrived (ms since epoch), null before. */
  syncedAt: number | null = null;
  /** Last list, event or bookmark from the API server. */
  lastEventAt: number | null = null;
  /** Why the last list or watch failed; null while healthy. */
  error: SourceError | null = null;
  /** An optional kind whose API answered 404 at the last list (KindDeclaration.optional): kept empty. */
  absent = false;
  private closed = false;
  private readonly lifetime = new AbortController();
  private current: AbortController | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly cluster: ClusterHandle,
    readonly kind: KindDeclaration<T>,
    private readonly timing: InformerTiming,
    /** Called after every change of items or of the state above, with the kind's name and revision. */
    private readonly changed: (kind: string, revision: number) => void,
    private readonly before: () => Promise<void> = async () => {},
  ) {}

  private notify(): void {
    this.changed(this.kind.name, this.revision);
  }

  get synced(): boolean {
    return this.syncedAt !== null && this.error === null;
  }

  start(): this {
    void this.run();
    return this;
  }

  close(): void {
    this.closed = true;
    this.lifetime.abort();
    this.current?.abort();
    this.wake?.();
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (!this.closed) {
      try {
        await this.before();
        if (this.closed) return;
        if (this.resourceVersion === null) await this.list();
        // Closed while listing: a list that had already answered does not reject, and a watch started
        // now would outlive the close (its abort listener is added to a signal that already fired).
        if (this.closed) return;
        attempt = 0;
        // An optional kind whose API is not there has nothing to watch: look for it again later.
        if (this.absent) await this.sleep(this.timing.absentRelistMs ?? 60_000);
        else await this.watch();
      } catch (err) {
        if (this.closed) return;
        if (err instanceof Gone) {
          this.resourceVersion = null;
          continue;
        }
        // A refused watch (403, 401, 404) means what we kept may be wrong: list again next time.
        if (err instanceof UpstreamStatusError) this.resourceVersion = null;
        this.error = toSourceError(err, { cluster: this.cluster.name, server: this.cluster.server, source: this.kind.name });
        this.notify();
        // An answer we could not use (too large, malformed) will not mend in seconds: do not fetch it again and again.
        await this.sleep(this.error.kind === 'bad-response' ? this.timing.maxBackoffMs * 6 : this.backoff(attempt++));
      }
    }
  }

  private backoff(attempt: number): number {
    const exp = Math.min(this.timing.maxBackoffMs, this.timing.backoffMs * 2 ** attempt);
    return exp * (0.5 + Math.random() * 0.5);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      timer.unref?.();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private async list(): Promise<void> {
    // Filled page by page (each page's objects dropped once their kept fields are taken), swapped in
    // whole: a list that fails halfway leaves the last complete one in place.
    const listed = new Map<string, T>();
    let metadata;
    const release = await listSlot();
    try {
      if (this.closed) return;
      const deadline = deadlineUntil(this.timing.listMs, this.lifetime.signal);
      const accept = this.kind.protobuf ? PROTOBUF_OR_JSON : 'application/json';
      metadata = await forEachPage(this.kind.path, { labelSelector: this.kind.labelSelector }, async (pathAndQuery) => {
        // Parsed, checked and cut to the kept fields: JSON off the main thread, protobuf in place (list-parsers.ts).
        const page = await readBody(this.cluster, pathAndQuery, deadline, LIST_PAGE_MAX_BYTES, (body, what, type) => parseListPage(this.kind, body, what, type), accept);
        for (const [key, kept] of page.kept) listed.set(key, kept);
        return page.metadata;
      });
      this.absent = false;
    } catch (err) {
      if (this.kind.optional && err instanceof UpstreamStatusError && err.status === 404) {
        // Not installed in this cluster: none of it, synced (listed below as an empty list).
        this.absent = true;
      } else {
        // The kind cannot be listed (forbidden, gone...): nothing kept is shown as current.
        if (err instanceof UpstreamStatusError && this.kept.size) {
          this.kept.clear();
          this.revision++;
        }
        throw err;
      }
    } finally {
      release();
    }
    // A relist that finds what was kept (after 410 Gone or a refused watch, the usual case) changes
    // nothing: the same map and revision, so the snapshot stays the same object, the topology is not
    // rebuilt and pages are not told to refetch.
    if (!sameEntries(this.kept, listed)) {
      this.kept = listed;
      this.revision++;
    }
    this.resourceVersion = metadata?.resourceVersion ?? null;
    this.syncedAt ??= Date.now();
    this.lastEventAt = Date.now();
    this.error = null;
    this.notify();
  }

  private async watch(): Promise<void> {
    const controller = new AbortController();
    this.current = controller;
    const onClose = () => controller.abort();
    this.lifetime.signal.addEventListener('abort', onClose, { once: true });
    let lastByte = Date.now();
    const idle = setInterval(() => {
      if (Date.now() - lastByte > this.timing.idleMs) controller.abort(); // a timeout: resumed from the same resourceVersion
    }, Math.min(this.timing.idleMs, 10_000));
    idle.unref?.();
    const query: Record<string, string> = {
      resourceVersion: this.resourceVersion ?? '',
      allowWatchBookmarks: 'true',
      timeoutSeconds: String(this.timing.watchSeconds),
    };
    if (this.kind.labelSelector) query.labelSelector = this.kind.labelSelector;
    try {
      // The API server ends the watch at timeoutSeconds; the deadline only guards against one that does not.
      const deadline = deadlineUntil((this.timing.watchSeconds + 30) * 1000, controller.signal);
      await watchEvents(this.cluster, this.kind.path, query, deadline, {
        open: () => {
          if (!this.error) return;
          this.error = null; // the API server accepted the watch: healthy again
          this.notify();
        },
        event: (event) => {
          lastByte = Date.now();
          this.apply(event);
        },
      });
    } finally {
      clearInterval(idle);
      this.lifetime.signal.removeEventListener('abort', onClose);
      this.current = null;
    }
  }

  private apply(event: WatchEventJson): void {
    const { object } = event;
    if (event.type === 'ERROR') {
      const { code, body } = statusOf(object);
      if (code === 410) throw new Gone();
      throw new UpstreamStatusError(code, body);
    }
    const rv = object.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    this.lastEventAt = Date.now();
    if (event.type === 'BOOKMARK') return;
    const key = keyOf(object);
    const kept = event.type === 'DELETED' ? null : this.kind.ingest(object);
    if (kept === null) {
      if (!this.kept.delete(key)) return;
    } else this.kept.set(key, kept);
    this.revision++;
    this.notify();
  }
}
