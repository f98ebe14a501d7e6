import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import type { ByteBudget, Deadline } from './deadline';
import { withDeadline } from './deadline';
import { keepAliveAgent } from './agents';
import { readCappedBody } from './capped-body';
import { UpstreamStatusError } from './errors';
import type { ClusterHandle } from './registry';
import { isProtobuf, statusJsonFromProtobuf } from './protobuf';
import { listShape, shaped } from './shapes';

/** A Kubernetes List as we keep it: items of the shape asked for (shapes.ts) and the paging fields. */
export interface KubeList<T> {
  items: T[];
  metadata?: ListMetadata;
}

export interface ListMetadata {
  resourceVersion?: string;
  continue?: string;
}

/** One page of a list: 5,000 pods of a real cluster are ~25 MB; a page past this is not an answer we can use. */
export const LIST_PAGE_MAX_BYTES = 64 * 1024 * 1024;
/** A single object (/version, a namespace). */
export const OBJECT_MAX_BYTES = 1024 * 1024;

/**
 * GET a cluster-wide list and parse it with JSON.parse, each item checked against its shape.
 * Why not the generated client: client-node's ObjectSerializer walks every field of every item against
 * its model tables, several times slower than parsing and the largest CPU cost of a cold topology
 * (20 clusters: ~60% of the time; 50,000 pods: tens of seconds). Authentication still comes from the
 * cluster's own KubeConfig (client certificates, tokens, exec plugins), TLS from its CA, the request
 * runs under the cluster's deadline, and large lists are read in pages (forEachPage).
 */
export async function listJson<T extends z.ZodType>(
  cluster: ClusterHandle,
  apiPath: string,
  deadline: Deadline,
  item: T,
  options: { labelSelector?: string; pageSize?: number } = {},
): Promise<KubeList<z.output<T>>> {
  const shape = listShape(item);
  const items: z.output<T>[] = [];
  const metadata = await forEachPage(apiPath, options, async (pathAndQuery) => {
    const page = await readJson(cluster, pathAndQuery, deadline, shape, LIST_PAGE_MAX_BYTES);
    for (const it of page.items ?? []) items.push(it);
    return page.metadata;
  });
  return { items, metadata };
}

/**
 * A list read in pages of `pageSize` (500, as kubectl), one GET each: `readPage` reads the page at the
 * path and query it is given and returns the page's list metadata, whose continue token asks for the
 * next. Resolves with the last page's metadata (its resourceVersion is the list's).
 */
export async function forEachPage(
  apiPath: string,
  { labelSelector, pageSize = 500 }: { labelSelector?: string; pageSize?: number },
  readPage: (pathAndQuery: string) => Promise<ListMetadata | undefined>,
): Promise<ListMetadata | undefined> {
  let token: string | undefined;
  let metadata: ListMetadata | undefined;
  do {
    const query = new URLSearchParams({ limit: String(pageSize) });
    if (labelSelector) query.set('labelSelector', labelSelector);
    if (token) query.set('continue', token);
    metadata = await readPage(`${apiPath}?${query}`);
    token = metadata?.continue || undefined;
  } while (token);
  return metadata;
}

/**
 * GET one API path as JSON of the given shape. The body is capped at maxBytes, redirects are never
 * followed (a 3xx is an error: following one would send the cluster's credentials elsewhere), and a body
 * that is not JSON of the shape is a BadResponseError naming the field.
 */
export function readJson<T extends z.ZodType>(cluster: ClusterHandle, pathAndQuery: string, deadline: Deadline, shape: T, maxBytes = OBJECT_MAX_BYTES): Promise<z.output<T>> {
  return readBody(cluster, pathAndQuery, deadline, maxBytes, (body, what) => shaped(shape, JSON.parse(body.toString('utf8')), what));
}

/**
 * GET one API path (as readJson) and hand its body and Content-Type to `parse`, under the same deadline;
 * `what` names the request in errors. `accept` is the Accept header (a list of pods asks for protobuf).
 */
export function readBody<T>(
  cluster: ClusterHandle,
  pathAndQuery: string,
  deadline: Deadline,
  maxBytes: number,
  parse: (body: Buffer, what: string, contentType: string | undefined) => T | Promise<T>,
  accept = 'application/json',
): Promise<T> {
  const what = `GET ${pathAndQuery.split('?')[0]}`;
  return withDeadline(deadline, async (signal) => {
    const res = await openGet(cluster, pathAndQuery, signal, deadline.bytes, accept);
    return parse(await readCappedBody(res, what, maxBytes, deadline.bytes), what, res.headers['content-type']);
  });
}

/**
 * Opens a GET on the cluster's API server with the auth and TLS of its own KubeConfig and resolves with
 * the response once a 2xx status arrived (the body is the caller's to read: whole, or as a watch stream).
 * Another status rejects with UpstreamStatusError (body capped); redirects are never followed.
 */
export async function openGet(cluster: ClusterHandle, pathAndQuery: string, signal: AbortSignal, bytes: ByteBudget, accept = 'application/json'): Promise<http.IncomingMessage> {
  const what = `GET ${pathAndQuery.split('?')[0]}`;
  const options: https.RequestOptions = {};
  await cluster.kc.applyToHTTPSOptions(options);
  const url = apiUrl(cluster, pathAndQuery);
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise<http.IncomingMessage>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        ...options,
        method: 'GET',
        agent: keepAliveAgent(options.agent),
        headers: { ...options.headers, Accept: accept },
        signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) return resolve(res);
        readCappedBody(res, what, OBJECT_MAX_BYTES, bytes).then((body) => reject(new UpstreamStatusError(status, errorBodyText(body, res.headers['content-type']))), reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** An error's body as text: a Status in protobuf (asked for with a list of pods) as its JSON. */
function errorBodyText(body: Buffer, contentType: string | undefined): string {
  return (isProtobuf(contentType) ? statusJsonFromProtobuf(body) : null) ?? body.toString('utf8', 0, 64 * 1024);
}

/** The request URL: the kubeconfig's server (with any user:password, which Node sends as Basic auth) and the API path. */
function apiUrl(cluster: ClusterHandle, pathAndQuery: string): URL {
  const server = new URL(cluster.kc.getCurrentCluster()!.server);
  const url = new URL(server.origin + server.pathname.replace(/\/+$/, '') + pathAndQuery);
  url.username = server.username;
  url.password = server.password;
  return url;
}
