import 'server-only';
import http from 'node:http';
import https from 'node:https';
import type { Scope } from '@/lib/traffic/promql';
import { keepAliveAgent } from '../k8s/agents';
import { withDeadline, type Deadline } from '../k8s/deadline';
import { readCappedBody } from '../k8s/capped-body';
import { DescribedError, statusMessage } from '../k8s/errors';
import type { ClusterHandle } from '../k8s/registry';

/**
 * The Prometheus HTTP API (GET /api/v1/query and /api/v1/query_range), reached either at a URL
 * (--prometheus, --prometheus-url) or through a cluster's API server service proxy with that cluster's
 * own credentials, as `kubectl get --raw` would. Bodies are capped, redirects refused, answers checked
 * before use, and failures described in our words (typed by kind).
 */
export type PromTarget =
  | { kind: 'url'; url: string; scope: Scope }
  | { kind: 'service-proxy'; cluster: ClusterHandle; service: { namespace: string; name: string; port: number }; scope: Scope };

export interface PromSample {
  metric: Record<string, string>;
  value: number;
}

export interface PromRangeSeries {
  metric: Record<string, string>;
  points: Array<[number, number]>;
}

const MAX_BYTES = 16 * 1024 * 1024;
const MAX_SERIES = 50_000;

export function describeTarget(t: PromTarget): string {
  return t.kind === 'url' ? `Prometheus ${t.url}` : `Prometheus ${t.service.namespace}/${t.service.name}:${t.service.port} (through the API server)`;
}

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'refused the connection',
  ENOTFOUND: 'has a host name that does not resolve',
  EAI_AGAIN: 'has a host name that could not be resolved',
  ECONNRESET: 'reset the connection',
  EHOSTUNREACH: 'is not reachable',
  ETIMEDOUT: 'did not accept the connection in time',
};

async function get(t: PromTarget, apiPath: string, deadline: Deadline): Promise<unknown> {
  const options: https.RequestOptions = {};
  let url: URL;
  if (t.kind === 'url') {
    url = new URL(t.url + apiPath);
  } else {
    await t.cluster.kc.applyToHTTPSOptions(options);
    const { namespace, name, port } = t.service;
    url = new URL(`${t.cluster.server.replace(/\/+$/, '')}/api/v1/namespaces/${namespace}/services/http:${name}:${port}/proxy${apiPath}`);
  }
  const transport = url.protocol === 'http:' ? http : https;
  const { status, body } = await withDeadline(deadline, (signal) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = transport.request(url, { ...options, method: 'GET', agent: t.kind === 'url' ? undefined : keepAliveAgent(options.agent), headers: { ...options.headers, Accept: 'application/json' }, signal }, (res) => {
        readCappedBody(res, describeTarget(t), MAX_BYTES, deadline.bytes).then((body) => resolve({ status: res.statusCode ?? 0, body: body.toString('utf8') }), reject);
      });
      req.on('error', (err: NodeJS.ErrnoException) => {
        // A direct URL's network failure is Prometheus's, not the API server's (errors.ts would say so).
        if (t.kind === 'url' && err.code && NETWORK[err.code]) reject(new DescribedError('unreachable', `${describeTarget(t)} ${NETWORK[err.code]}`));
        else reject(err);
      });
      req.end();
    }),
  );
  return parseAnswer(t, status, body);
}

function parseAnswer(t: PromTarget, status: number, body: string): unknown {
  if (status >= 300 && status < 400) throw new DescribedError('bad-response', `${describeTarget(t)} answered a redirect (${status}), which Isthmus does not follow`);
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(body);
  } catch {
    /* handled below */
  }
  const kube = statusMessage(parsed);
  if (t.kind === 'service-proxy' && kube) {
    // The API server itself answered: the Service is missing, has no endpoint, or we may not proxy.
    const what = `${t.service.namespace}/${t.service.name}:${t.service.port}`;
    if (status === 404) throw new DescribedError('not-found', `no Prometheus Service ${what} (install Istio's Prometheus addon, or name one with --prometheus / --prometheus-url)`);
    if (status === 503) throw new DescribedError('unreachable', `Prometheus ${what} is not answering: ${kube}`);
    if (status === 401) throw new DescribedError('unauthorized', `the API server rejected the credentials (401): ${kube}`);
    if (status === 403) throw new DescribedError('forbidden', `forbidden: ${kube}`);
  }
  const answer = parsed as { status?: unknown; data?: unknown; errorType?: unknown; error?: unknown } | null;
  if (answer && answer.status === 'error') {
    const why = typeof answer.error === 'string' ? answer.error.replace(/\s+/g, ' ').slice(0, 200) : 'no reason given';
    throw new DescribedError('bad-response', `${describeTarget(t)} rejected a query (${String(answer.errorType ?? status)}): ${why}`);
  }
  if (status < 200 || status >= 300) throw new DescribedError('bad-response', `${describeTarget(t)} answered HTTP ${status}`);
  if (!answer || answer.status !== 'success' || !answer.data || typeof answer.data !== 'object') {
    throw new DescribedError('bad-response', `${describeTarget(t)} answered something that is not a Prometheus API response`);
  }
  return answer.data;
}

function labels(metric: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (metric && typeof metric === 'object') for (const [k, v] of Object.entries(metric)) if (typeof v === 'string') out[k] = v;
  return out;
}

function number(v: unknown): number | null {
  const n = typeof v === 'string' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null; // NaN (0/0 rates, empty histograms) and ±Inf are "no value"
}

function results(t: PromTarget, data: unknown, type: 'vector' | 'matrix'): unknown[] {
  const d = data as { resultType?: unknown; result?: unknown };
  if (d.resultType !== type || !Array.isArray(d.result)) throw new DescribedError('bad-response', `${describeTarget(t)} answered a ${String(d.resultType)} where a ${type} was expected`);
  if (d.result.length > MAX_SERIES) throw new DescribedError('bad-response', `${describeTarget(t)} answered more than ${MAX_SERIES} series`);
  return d.result;
}

/** An instant query at now; samples without a finite value are left out. */
export async function promQuery(t: PromTarget, query: string, deadline: Deadline): Promise<PromSample[]> {
  const data = await get(t, `/api/v1/query?${new URLSearchParams({ query })}`, deadline);
  const out: PromSample[] = [];
  for (const r of results(t, data, 'vector')) {
    const value = number((r as { value?: unknown[] }).value?.[1]);
    if (value !== null) out.push({ metric: labels((r as { metric?: unknown }).metric), value });
  }
  return out;
}

export async function promRange(t: PromTarget, query: string, range: { start: number; end: number; step: number }, deadline: Deadline): Promise<PromRangeSeries[]> {
  const params = new URLSearchParams({ query, start: String(range.start), end: String(range.end), step: String(range.step) });
  const data = await get(t, `/api/v1/query_range?${params}`, deadline);
  return results(t, data, 'matrix').map((r) => {
    const values = (r as { values?: unknown }).values;
    const points: Array<[number, number]> = [];
    if (Array.isArray(values)) {
      for (const p of values) {
        const ts = Array.isArray(p) && typeof p[0] === 'number' ? p[0] : null;
        const v = Array.isArray(p) ? number(p[1]) : null;
        if (ts !== null && v !== null) points.push([ts, v]);
      }
    }
    return { metric: labels((r as { metric?: unknown }).metric), points };
  });
}
