import 'server-only';
import { ConfigError } from './config';
import { getRegistry, noUsableCluster, RegistryError, type ClusterHandle, type Registry } from './k8s/registry';
import { clusterByName } from './cluster-id';
import { AuthConfigError } from './auth/config';
import { viewerRegistry } from './auth/viewer';

/** Helpers for the thin route handlers in app/api: JSON/text responses, validation, registry errors. */

const NO_STORE = { 'Cache-Control': 'no-store' };

export function json(data: unknown, status = 200): Response {
  return jsonText(JSON.stringify(data), status);
}

/**
 * Above this size a body is sent as it is: Next gzips every answer again on every request (about 12 ms
 * per MB: 150 ms for the 13 MB workloads view of 50 clusters, which is already serialized once and
 * cached), and a route handler cannot send bytes it compressed once (Next drops its Content-Encoding).
 * `no-transform` is how Next's compression is told to leave a body alone.
 */
export const COMPRESS_MAX_CHARS = 1024 * 1024;

/** A JSON response from an already serialized body: a string, its UTF-8 bytes, or those in parts (sent one after the other, never copied together). */
export function jsonText(body: string | Uint8Array<ArrayBuffer> | Uint8Array<ArrayBuffer>[], status = 200): Response {
  const size = typeof body === 'string' ? body.length : Array.isArray(body) ? body.reduce((n, part) => n + part.byteLength, 0) : body.byteLength;
  const cacheControl = size > COMPRESS_MAX_CHARS ? 'no-store, no-transform' : NO_STORE['Cache-Control'];
  const headers = { 'Cache-Control': cacheControl, 'Content-Type': 'application/json; charset=utf-8' };
  if (!Array.isArray(body)) return new Response(body, { status, headers });
  const parts = [...body];
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const part = parts.shift();
      if (part) controller.enqueue(part);
      else controller.close();
    },
  });
  return new Response(stream, { status, headers });
}

export function text(body: string, status = 200): Response {
  return new Response(body, { status, headers: { ...NO_STORE, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** An error answer: `{ error: { kind, message } }` (kinds: invalid, not-found, no-clusters, config, internal). */
export function problem(status: number, kind: string, message: string): Response {
  return json({ error: { kind, message } }, status);
}

export class BadRequest extends Error {}
export class NotFound extends Error {}

/**
 * Runs a route body with the current cluster registry. Answers 503 when no configured cluster is usable
 * (the message says why, entry by entry) or the environment is invalid, 400/404 for BadRequest/NotFound, and 500 with a generic message for anything
 * unexpected (never the exception text: it may carry credentials or headers).
 */
export async function withRegistry(handler: (registry: Registry) => Promise<Response>): Promise<Response> {
  let registry: Registry;
  try {
    registry = getRegistry();
  } catch (e) {
    if (e instanceof RegistryError || e instanceof ConfigError) return problem(503, 'config', e.message);
    return problem(503, 'config', 'the cluster configuration could not be read');
  }
  const fatal = noUsableCluster(registry);
  if (fatal) return problem(503, 'no-clusters', fatal);
  try {
    const viewer = await viewerRegistry(registry);
    if (!viewer) return problem(401, 'unauthenticated', 'sign in first');
    return await handler(viewer);
  } catch (e) {
    if (e instanceof BadRequest) return problem(400, 'invalid', e.message);
    if (e instanceof NotFound) return problem(404, 'not-found', e.message);
    if (e instanceof AuthConfigError) return problem(503, 'config', e.message);
    console.error(`isthmus: internal error while serving a request (${e instanceof Error ? e.name : 'unknown'})`);
    return problem(500, 'internal', 'internal error');
  }
}

/** `?output=table` or nothing; anything else is a 400. */
export function wantsTable(url: URL): boolean {
  const output = url.searchParams.get('output');
  if (output === null || output === '' || output === 'json') return false;
  if (output === 'table') return true;
  throw new BadRequest(`output must be "table" or "json", got "${output.slice(0, 40)}"`);
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function validNamespace(ns: string): string {
  if (ns.length > 63 || !DNS1123_LABEL.test(ns)) throw new BadRequest(`invalid namespace name "${ns.slice(0, 80)}" (must be a DNS-1123 label)`);
  return ns;
}

export function validPodName(name: string): string {
  if (name.length > 253 || !DNS1123_SUBDOMAIN.test(name)) throw new BadRequest(`invalid pod name "${name.slice(0, 80)}" (must be a DNS-1123 subdomain)`);
  return name;
}

const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** `?revision=<istio.io/rev>`: a label value, or null when absent or empty (istioctl without --revision). */
export function revisionParam(url: URL): string | null {
  const revision = url.searchParams.get('revision');
  if (revision === null || revision === '') return null;
  if (revision.length > 63 || !LABEL_VALUE.test(revision)) throw new BadRequest(`invalid revision "${revision.slice(0, 80)}" (must be an istio.io/rev label value)`);
  return revision;
}

/**
 * A cluster path segment or parameter: a configured context name or the Istio cluster ID of one
 * (clusterByName; Next hands path segments over decoded once, some clients double-encode). Unknown: 400.
 */
export async function configuredCluster(registry: Registry, segment: string): Promise<ClusterHandle> {
  let cluster = await clusterByName(registry, segment);
  if (!cluster) {
    let decoded = segment;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      /* keep as is */
    }
    if (decoded !== segment) cluster = await clusterByName(registry, decoded);
  }
  if (!cluster) throw new BadRequest(`unknown cluster "${segment.slice(0, 120)}": neither a configured context nor the Istio cluster ID of one`);
  return cluster;
}
