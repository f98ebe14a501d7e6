/**
 * List and watch of one cluster's API server: label and field selectors, chunking (limit/continue with
 * 410 when the continue token is too old), server-side printing (Table), watch from a resourceVersion
 * with replay, 410 Gone for history no longer kept, and bookmarks.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KubeObject, ResourceType, WatchEvent, World } from '../world';
import { groupVersion, withKind } from './discovery';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import * as st from './status';
import { encodePod, EncodeError, podListBody, PROTOBUF_CONTENT_TYPE, statusBody } from './protobuf';
import { toTable, type IncludeObject } from './table';

/** How often a watch that allows bookmarks gets one (the real API server: about a minute). */
export const DEFAULT_BOOKMARK_MS = 10_000;

/** A parsed resource URL: /api/v1/namespaces/ns/pods/name/sub/... */
export interface ResourceRequest {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** What list and watch need of their cluster's API server. */
export interface ListWatchContext {
  world: World;
  clusterName: string;
  rendered: RenderedObjects;
  /** Every open watch's end (as if its timeout had passed): clients then watch again, through RBAC. */
  openWatches: Set<() => void>;
  bookmarkMs: number;
}

const COMMA = Buffer.from(',');
const CLOSE_LIST = Buffer.from(']}');
const typeKey = (type: ResourceType) => `${type.group}/${type.version}/${type.resource}`;
const objectName = (o: KubeObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

/** An object's serializations, made on first use and kept while its resourceVersion is current. */
interface Rendered {
  resourceVersion: string;
  json?: Buffer;
  /** Its protobuf message; null when the kind (or this object) has no protobuf encoding in the lab. */
  protobuf?: Buffer | null;
}

/** The kinds the lab answers in protobuf when asked (protobuf.ts): pods, 95 % of a cluster's bytes. */
const hasProtobuf = (type: ResourceType) => type.group === '' && type.resource === 'pods';

/**
 * Each object's JSON (and protobuf, when asked for), serialized once per resourceVersion (an object
 * never changes without a new one), as kube-apiserver's caching objects do: a list of 1,000 pods is
 * 1,000 kept byte strings copied together instead of 4 MB serialized and encoded again. 50 clusters'
 * API servers share the lab's one core, where real ones each have their own; serializing their lists
 * (200 MB at 50,000 pods) took the lab 2 s of CPU per listing. An event drops the object's entry, so
 * deleted objects are not kept.
 */
export class RenderedObjects {
  private readonly byType = new Map<string, Map<string, Rendered>>();
  private readonly unsubscribes: Array<() => void> = [];

  constructor(
    private readonly world: World,
    private readonly clusterName: string,
  ) {}

  json(type: ResourceType, o: KubeObject): Buffer {
    const entry = this.entryOf(type, o);
    // List items of built-in kinds carry no kind/apiVersion; a CRD's do, in the version listed.
    entry.json ??= Buffer.from(JSON.stringify(o.apiVersion ? withKind(type, o) : o));
    return entry.json;
  }

  /** The object's protobuf message, or null when the lab cannot encode it (its kind, a field it does not know). */
  protobuf(type: ResourceType, o: KubeObject): Buffer | null {
    const entry = this.entryOf(type, o);
    if (entry.protobuf === undefined) {
      try {
        entry.protobuf = hasProtobuf(type) ? encodePod(o) : null;
      } catch (err) {
        if (!(err instanceof EncodeError)) throw err;
        console.error(`lab: ${this.clusterName} answers ${type.resource} in JSON: ${err.message}`);
        entry.protobuf = null;
      }
    }
    return entry.protobuf;
  }

  private entryOf(type: ResourceType, o: KubeObject): Rendered {
    const entries = this.entriesOf(type);
    const name = objectName(o);
    const known = entries.get(name);
    if (known?.resourceVersion === o.metadata.resourceVersion) return known;
    const entry: Rendered = { resourceVersion: o.metadata.resourceVersion };
    entries.set(name, entry);
    return entry;
  }

  private entriesOf(type: ResourceType): Map<string, Rendered> {
    const known = this.byType.get(typeKey(type));
    if (known) return known;
    const entries = new Map<string, Rendered>();
    this.unsubscribes.push(this.world.subscribe(this.clusterName, type, (ev) => entries.delete(objectName(ev.object))));
    this.byType.set(typeKey(type), entries);
    return entries;
  }

  close(): void {
    for (const unsubscribe of this.unsubscribes.splice(0)) unsubscribe();
    this.byType.clear();
  }
}

function compareKeys(a: [string, string], b: [string, string]): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return 0;
}

const objectKey = (o: KubeObject): [string, string] => [o.metadata.namespace ?? '', o.metadata.name];
const byKey = (a: KubeObject, b: KubeObject) => compareKeys(objectKey(a), objectKey(b));

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

/**
 * Whether the client prefers protobuf (client-go's `application/vnd.kubernetes.protobuf,
 * application/json`): the first of the media types we serve, by quality then order. JSON is the
 * default (no Accept, `*\/*`, kubectl, client-node).
 */
function prefersProtobuf(req: IncomingMessage): boolean {
  const offered = (req.headers.accept ?? '')
    .split(',')
    .map((part, i) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      return { type, q: q ? Number(q.slice(2)) : 1, i };
    })
    .filter((m) => m.q > 0 && (m.type === PROTOBUF_CONTENT_TYPE || m.type === 'application/json' || m.type === 'application/*' || m.type === '*/*'))
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return offered[0]?.type === PROTOBUF_CONTENT_TYPE;
}

function wantsTable(req: IncomingMessage): boolean {
  return /as=Table/.test(req.headers.accept ?? '');
}

function includeObject(url: URL): IncludeObject {
  const v = url.searchParams.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

/** A single object: itself, or its Table row when asked. */
export function sendObject(req: IncomingMessage, res: ServerResponse, url: URL, type: ResourceType, o: KubeObject): void {
  if (wantsTable(req)) return st.sendJson(res, 200, toTable(type, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject(url)));
  st.sendJson(res, 200, withKind(type, o));
}

/** One page of the list (or the Status that refuses it), with its list metadata. */
function listPage(ctx: ListWatchContext, url: URL, r: ResourceRequest): { items: KubeObject[]; listMeta: Record<string, unknown> } | st.StatusBody {
  const labelSelector = url.searchParams.get('labelSelector');
  const fieldSelector = url.searchParams.get('fieldSelector');
  const labelMatch = parseLabelSelector(labelSelector);
  const fieldMatch = parseFieldSelector(fieldSelector, r.type.resource);
  let items = ctx.world.list(ctx.clusterName, r.type, r.namespace).filter((o) => labelMatch(o.metadata.labels) && fieldMatch(o));
  let rv = ctx.world.resourceVersion(ctx.clusterName);

  const limit = Number(url.searchParams.get('limit') ?? 0);
  const continueParam = url.searchParams.get('continue');
  const listMeta: Record<string, unknown> = {};
  if (continueParam) {
    const token = decodeContinue(continueParam);
    if (!token) return st.badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
    if (ctx.world.eventsSince(ctx.clusterName, r.type, token.rv) === 'gone') {
      return st.expired('The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.');
    }
    rv = token.rv;
    items = [...items].sort(byKey).filter((o) => compareKeys(objectKey(o), token.after) > 0);
  } else if (limit > 0) {
    items = [...items].sort(byKey);
  }
  listMeta.resourceVersion = String(rv);
  if (limit > 0 && items.length > limit) {
    const remaining = items.length - limit;
    items = items.slice(0, limit);
    listMeta.continue = encodeContinue({ rv, after: objectKey(items[items.length - 1]) });
    if (!labelSelector && !fieldSelector) listMeta.remainingItemCount = remaining;
  }
  return { items, listMeta };
}

/** Whether a list of the kind is answered in protobuf: the client prefers it, asks no Table, and the lab encodes the kind. */
function answersProtobuf(req: IncomingMessage, type: ResourceType): boolean {
  return hasProtobuf(type) && !wantsTable(req) && prefersProtobuf(req);
}

/**
 * A list's error (refused by RBAC, a bad or expired continue token) in what its answer would have been:
 * protobuf for a client that prefers it for a kind the lab encodes (the API server negotiates a
 * Status as any other object), else JSON.
 */
export function sendListStatus(req: IncomingMessage, res: ServerResponse, type: ResourceType, status: st.StatusBody): void {
  if (answersProtobuf(req, type)) return st.sendParts(res, status.code, PROTOBUF_CONTENT_TYPE, statusBody({ ...status }));
  st.sendStatus(res, status);
}

export function serveList(ctx: ListWatchContext, req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest): void {
  const page = listPage(ctx, url, r);
  if ('kind' in page) return sendListStatus(req, res, r.type, page);
  const { items, listMeta } = page;
  if (wantsTable(req)) return st.sendJson(res, 200, toTable(r.type, items, listMeta, includeObject(url)));
  if (answersProtobuf(req, r.type)) {
    const messages = items.map((o) => ctx.rendered.protobuf(r.type, o));
    if (messages.every((m): m is Buffer => m !== null)) return st.sendParts(res, 200, PROTOBUF_CONTENT_TYPE, podListBody(listMeta, messages));
  }
  // {"kind":…,"apiVersion":…,"metadata":{…},"items":[…]} with each item's kept JSON.
  const head = JSON.stringify({ kind: `${r.type.kind}List`, apiVersion: groupVersion(r.type), metadata: listMeta });
  const parts: Buffer[] = [Buffer.from(`${head.slice(0, -1)},"items":[`)];
  items.forEach((o, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(ctx.rendered.json(r.type, o));
  });
  parts.push(CLOSE_LIST);
  st.sendJsonParts(res, 200, parts);
}

export function serveWatch(ctx: ListWatchContext, req: IncomingMessage, res: ServerResponse, url: URL, r: ResourceRequest): void {
  const { world, clusterName } = ctx;
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
  // Nothing once the watch was ended here (its timeout, a fault): a bookmark timer may fire before the
  // request's close event clears it.
  const send = (type: string, object: unknown) => void (res.writableEnded || res.write(JSON.stringify({ type, object }) + '\n'));
  const sendEvent = (type: string, o: KubeObject) =>
    send(type, table ? toTable(r.type, [o], { resourceVersion: o.metadata.resourceVersion }, includeObject(url)) : withKind(r.type, o));

  let lastRv = sinceRv;
  let replaying = true;
  const buffered: WatchEvent[] = [];
  const deliver = (ev: WatchEvent) => {
    if (ev.resourceVersion <= lastRv) return;
    lastRv = ev.resourceVersion;
    if (matches(ev.object)) sendEvent(ev.type, ev.object);
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
    for (const o of world.list(clusterName, r.type, r.namespace)) if (matches(o)) sendEvent('ADDED', o);
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
  ctx.openWatches.add(finish);
  req.on('close', () => ctx.openWatches.delete(finish));
  if (url.searchParams.get('allowWatchBookmarks') === 'true') {
    // As the API server does: now and then a BOOKMARK carrying the current resourceVersion, so a
    // client resuming later does not ask for history that is gone.
    const bookmarks = setInterval(() => {
      lastRv = Math.max(lastRv, world.resourceVersion(clusterName));
      send('BOOKMARK', { kind: r.type.kind, apiVersion: groupVersion(r.type), metadata: { resourceVersion: String(lastRv) } });
    }, ctx.bookmarkMs);
    req.on('close', () => clearInterval(bookmarks));
  }
}
