import 'server-only';
import { buildFlowLatency, buildFlows, buildMatrix, latencyMatrix, mergeFlows, mergeOnce, pairP99Matrix, withPairP99 } from '@/lib/traffic/flows';
import { flowQueries, historyQueries, istiodQueries, NONE_RECORDED, PAIR_LATENCY_RECORDING, PART_LABEL, ratesQuery, recordingsIn, stepSeconds, windowSeconds, type HistoryTarget } from '@/lib/traffic/promql';
import type {
  HistoryRange,
  IstiodHistoryCluster,
  IstiodHistoryResponse,
  IstiodSeries,
  LatencyBy,
  TrafficClusterStatus,
  TrafficHistoryResponse,
  TrafficLatencyResponse,
  TrafficP99,
  TrafficResponse,
  TrafficSeries,
  TrafficWindow,
} from '@/lib/types/traffic';
import { fanOut } from './fanout';
import { createDeadline, type Deadline } from './k8s/deadline';
import { toSourceError } from './k8s/errors';
import type { ClusterHandle, Registry } from './k8s/registry';
import { describeTarget, promQuery, promRange } from './prometheus/client';
import { recordingsFor, recordingsForChart } from './prometheus/recordings';
import { trafficStatus, explicitlyConfigured, knownPrometheus, missingHint, resolvePrometheus, type ClusterPrometheus } from './prometheus/sources';

/**
 * Traffic from Prometheus: every cluster's source queried in parallel under the per-cluster deadline
 * and cached briefly (fanOut); a cluster whose Prometheus is down, slow or missing gets a typed error
 * while the others are shown.
 */

interface Outcome<T> {
  status: TrafficClusterStatus;
  data: T | null;
}

/** Runs `read` against a cluster's Prometheus; any failure becomes that cluster's typed error. */
async function withSource<T>(registry: Registry, cluster: ClusterHandle, deadline: Deadline, read: (source: ClusterPrometheus) => Promise<T>): Promise<Outcome<T>> {
  const source = await resolvePrometheus(registry, cluster, deadline);
  try {
    return { status: trafficStatus(source, null), data: await read(source) };
  } catch (err) {
    return { status: trafficStatus(source, toSourceError(err, { cluster: cluster.name, source: describeTarget(source.target) })), data: null };
  }
}

/** fanOut over clusters, keeping each cluster's source description even when its deadline passed. */
async function eachCluster<T>(registry: Registry, clusters: ClusterHandle[], what: string, read: (source: ClusterPrometheus, deadline: Deadline) => Promise<T>) {
  const { deadlineMs, cacheMs } = registry.config;
  const results = await fanOut(clusters, what, (c, d) => withSource(registry, c, d, (s) => read(s, d)), { deadlineMs, cacheMs, source: 'traffic metrics' });
  return results.map((r, i): Outcome<T> => (r.ok ? r.data : { status: trafficStatus(knownPrometheus(registry, clusters[i]), r.error), data: null }));
}

/** A cluster's answer and the query it answered. */
interface Read<T> {
  data: T;
  query: string;
}

/** The outcome with the recordings its query read said in the cluster's status. */
function sayingRecordings<T>(o: Outcome<Read<T>>): Outcome<T> {
  return o.data ? { status: { ...o.status, recordings: recordingsIn(o.data.query) }, data: o.data.data } : { status: o.status, data: null };
}

/** Without flags, a missing Service everywhere means "not configured" rather than N errors. */
function configuration(registry: Registry, statuses: TrafficClusterStatus[]) {
  const configured = explicitlyConfigured(registry) || statuses.some((s) => s.ok || s.errors[0]?.kind !== 'not-found');
  return { configured, hint: configured ? null : missingHint(registry) };
}

/** One round trip: requests and TCP bytes, and the pairs' p99 when asked and recorded, told apart by PART_LABEL. */
async function readRates(source: ClusterPrometheus, deadline: Deadline, window: TrafficWindow, p99: TrafficP99) {
  const query = ratesQuery(source.target.scope, window, await recordingsFor(source, window, deadline), p99 === 'pair');
  const rates = await promQuery(source.target, query, deadline);
  const part = (name: string) => rates.filter((s) => s.metric[PART_LABEL] === name);
  return { data: { flows: buildFlows({ requests: part('requests'), tcpSent: part('sent'), tcpReceived: part('received') }), pairP99: part('p99') }, query };
}

export async function getTraffic(registry: Registry, window: TrafficWindow, p99: TrafficP99 = 'none'): Promise<TrafficResponse> {
  const outcomes = (await eachCluster(registry, registry.clusters, `traffic:${window}:${p99}`, (s, d) => readRates(s, d, window, p99))).map(sayingRecordings);
  const statuses = outcomes.map((o) => o.status);
  const answers = outcomes.flatMap((o) => (o.data ? [o.data] : []));
  const flows = mergeFlows(answers.map((a) => a.flows));
  const matrix = buildMatrix(flows);
  // Complete when every cluster that answered read the pair recording in its rates query.
  const p99Complete = p99 === 'pair' && statuses.every((s) => !s.ok || s.recordings?.includes(PAIR_LATENCY_RECORDING));
  return {
    window,
    ...configuration(registry, statuses),
    clusters: statuses,
    flows,
    matrix: p99 === 'pair' ? withPairP99(matrix, answers.map((a) => a.pairP99)) : matrix,
    p99Complete,
    generatedAt: new Date().toISOString(),
  };
}

/**
 * The latency histograms: many times the series of the rates, so a request of their own (see promql.ts).
 * by=pair asks only what the matrix's p99 needs: Prometheus computes it per cluster pair.
 */
export async function getTrafficLatency(registry: Registry, window: TrafficWindow, by: LatencyBy = 'flow'): Promise<TrafficLatencyResponse> {
  const read = async (s: ClusterPrometheus, d: Deadline) => {
    const queries = flowQueries(s.target.scope, window, await recordingsFor(s, window, d));
    const query = by === 'pair' ? queries.pairP99 : queries.latency;
    return { data: await promQuery(s.target, query, d), query };
  };
  const outcomes = (await eachCluster(registry, registry.clusters, `traffic-latency:${window}:${by}`, read)).map(sayingRecordings);
  const statuses = outcomes.map((o) => o.status);
  const answers = outcomes.flatMap((o) => (o.data ? [o.data] : []));
  return {
    window,
    by,
    ...configuration(registry, statuses),
    clusters: statuses,
    flows: by === 'flow' ? mergeOnce(answers.map(buildFlowLatency)) : [],
    matrix: by === 'flow' ? latencyMatrix(answers) : pairP99Matrix(answers),
    generatedAt: new Date().toISOString(),
  };
}

/** Up to now (the newest samples included); the step is the chart's resolution. */
function rangeOf(range: HistoryRange) {
  const step = stepSeconds(range);
  const end = Math.floor(Date.now() / 1000);
  return { start: end - windowSeconds(range), end, step };
}

export async function getTrafficHistory(
  registry: Registry,
  target: { scope: HistoryTarget['scope']; cluster: ClusterHandle; namespace: string; name: string; version?: string },
  window: TrafficWindow,
  range: HistoryRange,
): Promise<TrafficHistoryResponse> {
  const own = await resolvePrometheus(registry, target.cluster, createDeadline(registry.config.deadlineMs));
  const clusterId = own.clusterId ?? target.cluster.name;
  // Inbound reports of a workload or service live in the callers' clusters: ask every cluster.
  const clusters = target.scope === 'pod' ? [target.cluster] : registry.clusters;
  const span = rangeOf(range);
  const what = `traffic-history:${target.scope}:${target.cluster.name}:${target.namespace}:${target.name}:${target.version ?? ''}:${window}:${range}`;
  const outcomes = await eachCluster(registry, clusters, what, async (source, deadline) => {
    const recorded = target.scope === 'pod' ? NONE_RECORDED : await recordingsForChart(source, range, window, deadline);
    const queries = historyQueries({ scope: target.scope, namespace: target.namespace, name: target.name, version: target.version, clusterId }, source.target.scope, window, recorded);
    const answers = await Promise.all(queries.map((q) => promRange(source.target, q.query, span, deadline)));
    return queries.flatMap((q, i) =>
      answers[i].map((s): TrafficSeries => ({ direction: q.direction, metric: q.metric, peerCluster: s.metric.source_cluster ?? s.metric.destination_cluster ?? 'unknown', points: s.points })),
    );
  });
  const series = new Map<string, TrafficSeries>();
  for (const s of outcomes.flatMap((o) => o.data ?? [])) {
    const k = `${s.direction}/${s.metric}/${s.peerCluster}`;
    if (!series.has(k)) series.set(k, s);
  }
  const statuses = outcomes.map((o) => o.status);
  return {
    scope: target.scope,
    cluster: target.cluster.name,
    namespace: target.namespace,
    name: target.name,
    window,
    range,
    stepSeconds: span.step,
    series: [...series.values()],
    clusters: statuses,
    ...configuration(registry, statuses),
    generatedAt: new Date().toISOString(),
  };
}

export async function getIstiodHistory(registry: Registry, window: TrafficWindow, range: HistoryRange): Promise<IstiodHistoryResponse> {
  const span = rangeOf(range);
  const outcomes = await eachCluster(registry, registry.clusters, `istiod-history:${window}:${range}`, async (source, deadline) => {
    const q = istiodQueries(source.target.scope, window);
    const metrics = Object.keys(q) as Array<keyof typeof q>;
    const answers = await Promise.all(metrics.map((m) => promRange(source.target, q[m], span, deadline)));
    return metrics.flatMap((metric, i) => answers[i].map((s): IstiodSeries => ({ metric, pod: s.metric.pod ?? '', points: s.points })));
  });
  const statuses = outcomes.map((o) => o.status);
  const clusters: IstiodHistoryCluster[] = outcomes.map((o) => ({
    ...o.status,
    series: o.data ?? [],
    hasRemoteSyncMetric: (o.data ?? []).some((s) => s.metric === 'remote-not-synced'),
  }));
  return { range, window, stepSeconds: span.step, clusters, ...configuration(registry, statuses), generatedAt: new Date().toISOString() };
}
