/**
 * Every page and API route of a running Isthmus, visited over HTTP the way a browser and curl would:
 * the proof that a deployment works as a whole (the standalone server, in-cluster mode, a signed-in
 * user), every JSON answer with its result envelope. The tour discovers clusters and pods from the API
 * itself, so it fits any context names.
 */
import type { ContextsResponse, PodsResponse } from '@/lib/types/api';

export interface TourStop {
  path: string;
  status: number;
  /** Every per-cluster or per-source error found in a JSON answer (`error` and `errors[]` fields, at any depth). */
  errors: Array<{ kind: string; message: string; source?: string }>;
}

/**
 * Collects `error` (non-null) and `errors[]` values anywhere in a JSON document, and the checks'
 * `unknown[]` (a source a check needed could not be read).
 */
export function collectErrors(value: unknown, found: TourStop['errors'] = []): TourStop['errors'] {
  if (Array.isArray(value)) {
    for (const v of value) collectErrors(v, found);
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'error' && v && typeof v === 'object') {
        found.push(v as TourStop['errors'][number]);
      } else if (key === 'errors' && Array.isArray(v)) {
        for (const e of v) if (e && typeof e === 'object') found.push(e as TourStop['errors'][number]);
      } else if (key === 'unknown' && Array.isArray(v)) {
        for (const u of v as Array<{ check?: string; reason?: string }>) found.push({ kind: 'unknown', message: `${u.check}: ${u.reason}` });
      } else {
        collectErrors(v, found);
      }
    }
  }
  return found;
}

export type Get = (path: string) => Promise<Response>;

/** Routes that read no cluster, so carry no result envelope. */
const WITHOUT_ENVELOPE = ['/api/contexts', '/api/session'];

/** A JSON answer of an /api route without the result envelope (`clusters` of {cluster, ok, errors}): an error of the stop. */
function missingEnvelope(path: string, body: unknown): TourStop['errors'] {
  if (!path.startsWith('/api/') || body === null || WITHOUT_ENVELOPE.some((p) => path.split('?')[0] === p)) return [];
  const clusters = (body as { clusters?: unknown }).clusters;
  const valid = (c: unknown) => {
    const e = c as { cluster?: unknown; ok?: unknown; errors?: unknown };
    return typeof e?.cluster === 'string' && typeof e.ok === 'boolean' && Array.isArray(e.errors);
  };
  return Array.isArray(clusters) && clusters.length > 0 && clusters.every(valid) ? [] : [{ kind: 'no-envelope', message: `${path}: no result envelope (clusters[])` }];
}

async function visit(get: Get, path: string): Promise<TourStop & { body: unknown }> {
  const res = await get(path);
  const text = await res.text();
  let body: unknown = null;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { path, status: res.status, errors: [...collectErrors(body), ...missingEnvelope(path, body)], body };
}

/** Visits every route; the pod page per cluster is the first ready pod with a sidecar its pod list shows. */
export async function routeTour(get: Get): Promise<TourStop[]> {
  const stops: TourStop[] = [];
  const go = async (path: string) => {
    const stop = await visit(get, path);
    stops.push({ path: stop.path, status: stop.status, errors: stop.errors });
    return stop.body;
  };
  // Independent stops run side by side (as a browser's page does): the tour stays a few seconds long.
  const pages = ['/healthz', '/readyz', '/', '/pods', '/proxies', '/topology', '/checks'];
  const [contextsBody] = await Promise.all([go('/api/contexts'), ...pages.map(go)]);
  const { contexts } = (contextsBody ?? { contexts: [] }) as ContextsResponse;
  const api = ['/api/clusters', '/api/mesh', '/api/topology', '/api/checks', '/api/traffic', '/api/traffic/latency', '/api/traffic/istiod'];
  const tables = ['', '?output=table'].flatMap((output) => [`/api/mesh/remote-clusters${output}`, `/api/mesh/proxy-status${output}`]);
  await Promise.all([...api, ...tables].map(go));
  await Promise.all(contexts.map((context) => clusterTour(go, context)));
  return stops;
}

/** One cluster's own routes: its mesh, its pods, and the drill-down, trace and history of one pod with a sidecar. */
async function clusterTour(go: (path: string) => Promise<unknown>, context: string): Promise<void> {
  const c = encodeURIComponent(context);
  const [, podsBody] = await Promise.all([go(`/api/mesh?cluster=${c}`), go(`/api/clusters/${c}/pods`)]);
  const pod = (podsBody as PodsResponse | null)?.pods?.find((p) => p.hasSidecar && p.ready);
  if (!pod) return;
  const podPath = `/clusters/${c}/namespaces/${pod.namespace}/pods/${encodeURIComponent(pod.name)}`;
  const stops = [
    podPath,
    `/api${podPath}/endpoints`,
    `/api${podPath}/endpoints?output=table`,
    // Every pod has a workload (the server derives it): its name is the Service the trace asks for.
    `/api/trace?from=${c}/${pod.namespace}/${encodeURIComponent(pod.name)}&to=${encodeURIComponent(`${pod.workload.name}.${pod.namespace}`)}:9080`,
    `/api/traffic/history?scope=pod&cluster=${c}&namespace=${pod.namespace}&name=${encodeURIComponent(pod.name)}`,
  ];
  await Promise.all(stops.map(go));
}

/** The stops that did not answer 200 or that carry an error, for an assertion message that explains itself. */
export function failedStops(stops: TourStop[]): TourStop[] {
  return stops.filter((s) => s.status !== 200 || s.errors.length > 0);
}
