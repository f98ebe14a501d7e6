/**
 * Every page and API route of a running Isthmus, visited over HTTP the way a browser and curl would:
 * the proof that a deployment works as a whole (the standalone server, in-cluster mode, a signed-in
 * user). The tour discovers clusters and pods from the API itself, so it fits any context names.
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

async function visit(get: Get, path: string): Promise<TourStop & { body: unknown }> {
  const res = await get(path);
  const text = await res.text();
  let body: unknown = null;
  if ((res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { path, status: res.status, errors: collectErrors(body), body };
}

/** Visits every route; the pod page per cluster is the first ready pod with a sidecar its pod list shows. */
export async function routeTour(get: Get): Promise<TourStop[]> {
  const stops: TourStop[] = [];
  const go = async (path: string) => {
    const stop = await visit(get, path);
    stops.push({ path: stop.path, status: stop.status, errors: stop.errors });
    return stop.body;
  };
  for (const path of ['/healthz', '/readyz', '/', '/pods', '/proxies', '/topology']) await go(path);
  const { contexts } = ((await go('/api/contexts')) ?? { contexts: [] }) as ContextsResponse;
  await go('/api/clusters');
  await go('/api/mesh');
  await go('/api/topology');
  await go('/api/checks');
  await go('/api/traffic');
  await go('/api/traffic/istiod');
  for (const output of ['', '?output=table']) {
    await go(`/api/mesh/remote-clusters${output}`);
    await go(`/api/mesh/proxy-status${output}`);
  }
  for (const context of contexts) {
    const c = encodeURIComponent(context);
    await go(`/api/mesh?cluster=${c}`);
    const pods = (await go(`/api/clusters/${c}/pods`)) as PodsResponse | null;
    const pod = pods?.pods?.find((p) => p.hasSidecar && p.ready);
    if (!pod) continue;
    const podPath = `/clusters/${c}/namespaces/${pod.namespace}/pods/${encodeURIComponent(pod.name)}`;
    await go(podPath);
    await go(`/api${podPath}/endpoints`);
    await go(`/api${podPath}/endpoints?output=table`);
    const app = pods!.pods.find((p) => p.name === pod.name)?.app;
    if (app) {
      await go(`/api/trace?from=${c}/${pod.namespace}/${encodeURIComponent(pod.name)}&to=${encodeURIComponent(`${app}.${pod.namespace}`)}:9080`);
      await go(`/api/traffic/history?scope=pod&cluster=${c}&namespace=${pod.namespace}&name=${encodeURIComponent(pod.name)}`);
    }
  }
  return stops;
}

/** The stops that did not answer 200 or that carry an error, for an assertion message that explains itself. */
export function failedStops(stops: TourStop[]): TourStop[] {
  return stops.filter((s) => s.status !== 200 || s.errors.length > 0);
}
