/**
 * Traffic against a real Prometheus: the seed lab with one Prometheus per cluster and a global one
 * (scrape interval 1 s). The numbers the server derives are compared with the lab's own flows, which
 * is what the proxies' counters advance by. The lab's Prometheus servers start with the past hour
 * backfilled (lab/prometheus/backfill.ts), as a mesh that has been running would have it, so every
 * window is right from the start: no test waits for a window to fill.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultScenarioPath, startLab, type Lab } from '@/lab/index';
import { createWorld, parseScenario, type LabWorld } from '@/lab/model';
import { computeFlows } from '@/lab/traffic/flows';
import { DURATION_BUCKETS_MS, latencyCdf } from '@/lab/traffic/latency';
import { histogramQuantile } from '@/lib/traffic/quantile';
import type { IstiodHistoryResponse, TrafficFlow, TrafficHistoryResponse, TrafficLatencyResponse, TrafficResponse } from '@/lib/types/traffic';
import { GET as trafficGET } from '@/app/api/traffic/route';
import { GET as latencyGET } from '@/app/api/traffic/latency/route';
import { GET as historyGET } from '@/app/api/traffic/history/route';
import { GET as istiodGET } from '@/app/api/traffic/istiod/route';
import { clearReadings, resetClusterState } from '@/server/k8s/cluster-state';
import { getRegistry } from '@/server/k8s/registry';
import { apiRequest, CLUSTER1, CLUSTER2 } from './api-helpers';

const DEADLINE_MS = 2500;

let lab: Lab;
let world: LabWorld;

async function traffic(window = '1m', p99 = 'none'): Promise<TrafficResponse> {
  clearReadings();
  const res = await trafficGET(apiRequest(`/api/traffic?window=${window}&p99=${p99}`));
  expect(res.status).toBe(200);
  return (await res.json()) as TrafficResponse;
}

async function latency(window = '1m', by = 'flow'): Promise<TrafficLatencyResponse> {
  clearReadings();
  const res = await latencyGET(apiRequest(`/api/traffic/latency?window=${window}&by=${by}`));
  expect(res.status).toBe(200);
  return (await res.json()) as TrafficLatencyResponse;
}

/** Flow rates keyed as the lab's model keys them. */
type Key = string;
const keyOf = (sourceCluster: string, service: string, destinationCluster: string, destinationWorkload: string): Key => `${sourceCluster} ${service} → ${destinationCluster}/${destinationWorkload}`;

function measured(flows: TrafficFlow[]): Map<Key, { rps: number; errorRps: number }> {
  const out = new Map<Key, { rps: number; errorRps: number }>();
  for (const f of flows) {
    const k = keyOf(f.sourceCluster, `${f.serviceName}.${f.serviceNamespace}`, f.destinationCluster, f.destinationWorkload);
    const v = out.get(k) ?? { rps: 0, errorRps: 0 };
    out.set(k, { rps: v.rps + f.rps, errorRps: v.errorRps + f.errorRps });
  }
  return out;
}

function expected(of: LabWorld = world): Map<Key, { rps: number; errorRps: number }> {
  const out = new Map<Key, { rps: number; errorRps: number }>();
  for (const f of computeFlows(of.mesh, Date.now())) {
    const k = keyOf(f.source.proxy ? f.source.cluster : 'unknown', `${f.service.name}.${f.service.namespace}`, f.destination?.cluster ?? 'unknown', f.destination?.owner ?? 'unknown');
    const v = out.get(k) ?? { rps: 0, errorRps: 0 };
    out.set(k, { rps: v.rps + f.rps, errorRps: v.errorRps + (f.responseCode >= 500 ? f.rps : 0) });
  }
  return out;
}

/**
 * The scenario's p99 per cluster pair as Istio's buckets can tell it: its flows' latency distributions
 * (what the proxies count into the buckets; a sidecar-less caller's as its callee sees it), weighted by
 * their rates, through the 0.99 quantile of those buckets.
 */
function expectedPairP99(of: LabWorld = world): Map<string, number | null> {
  type Part = { rps: number; latency: { p50: number; p99: number } };
  const pairs = new Map<string, Part[]>();
  for (const f of computeFlows(of.mesh, Date.now())) {
    const scale = f.source.proxy ? 1 : 0.8;
    const k = `${f.source.proxy ? f.source.cluster : 'unknown'} → ${f.destination?.cluster ?? 'unknown'}`;
    pairs.set(k, [...(pairs.get(k) ?? []), { rps: f.rps, latency: { p50: f.spec.latencyMs.p50 * scale, p99: f.spec.latencyMs.p99 * scale } }]);
  }
  const sum = (parts: Part[], of: (p: Part) => number) => parts.reduce((s, p) => s + of(p), 0);
  return new Map(
    [...pairs].map(([k, flows]) => [
      k,
      histogramQuantile(0.99, [...DURATION_BUCKETS_MS.map((le) => ({ le, value: sum(flows, (f) => f.rps * latencyCdf(f.latency, le)) })), { le: Infinity, value: sum(flows, (f) => f.rps) }]),
    ]),
  );
}

/** Every cell's p99 within ±20 % of the scenario's (/api/traffic/latency's matrix, or /api/traffic's with p99=pair). */
function expectScenarioP99(l: { matrix: Array<{ sourceCluster: string; destinationCluster: string; p99Ms?: number | null }> }, of: LabWorld = world) {
  const want = expectedPairP99(of);
  const got = new Map(l.matrix.map((c) => [`${c.sourceCluster} → ${c.destinationCluster}`, c.p99Ms]));
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [cell, p99] of want) {
    expect(got.get(cell), cell).toBeGreaterThanOrEqual(p99! * 0.8);
    expect(got.get(cell), cell).toBeLessThanOrEqual(p99! * 1.2);
  }
}

function setEnv(extra: Record<string, string> = {}) {
  for (const k of ['ISTHMUS_PROMETHEUS', 'ISTHMUS_PROMETHEUS_URL', 'ISTHMUS_PROMETHEUS_SERVICE']) delete process.env[k];
  Object.assign(process.env, { ISTHMUS_KUBECONFIG: lab.kubeconfigPath, ISTHMUS_CONTEXTS: '', ISTHMUS_DEADLINE_MS: String(DEADLINE_MS), ISTHMUS_CACHE_MS: '0' }, extra);
}

/**
 * The seed, with cluster1's east-west gateway lacking its address: cluster2's calls to helloworld-v1
 * then fail before reaching a peer, which Istio reports with destination_cluster="unknown". Its
 * Prometheus servers load Istio's workload-level recording rules unless `recordingRules` is false.
 */
async function startTrafficLab(of: LabWorld, options: { global: boolean; recordingRules: boolean }): Promise<Lab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-traffic-'));
  const started = await startLab({ world: of, kubeconfigOut: path.join(dir, 'kubeconfig'), prometheus: { scrapeIntervalS: 1, waitForScrapes: true, ...options } });
  if (!started.prometheus || started.prometheusNotice) throw new Error(`the lab's Prometheus is missing or has no history: ${started.prometheusNotice}`);
  return started;
}

function seedWorld(): LabWorld {
  const seed = parseYaml(fs.readFileSync(defaultScenarioPath, 'utf8'));
  // A caller without a sidecar: only its callee reports it, with source_workload and source_cluster "unknown".
  seed.namespaces.push({ name: 'legacy', injection: false });
  seed.workloads.push({ name: 'curl', namespace: 'legacy', cluster: 'cluster1', app: 'curl', age: '30m' });
  // Its p99 as the callee sees it (× 0.8, ~75 ms) mid-bucket (50-100 ms): near a bound a few requests move it by 20 %.
  seed.traffic.push({ from: { cluster: 'cluster1', namespace: 'legacy', app: 'curl' }, to: 'details.default', rps: 4, latencyMs: { p50: 20, p99: 94 } });
  const scenario = parseScenario(seed);
  scenario.faults.push({ type: 'eastwest-pending', cluster: 'cluster1', pending: true });
  return createWorld(scenario);
}

beforeAll(async () => {
  world = seedWorld();
  lab = await startTrafficLab(world, { global: true, recordingRules: true });
  setEnv();
}, 120_000);

afterAll(async () => {
  setEnv();
  resetClusterState();
  await lab?.stop();
});

/** Every flow's rate and error ratio within ±20 % of the scenario's. */
function expectScenarioRates(flows: TrafficFlow[], of: LabWorld = world) {
  const want = expected(of);
  const got = measured(flows);
  expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
  for (const [k, w] of want) {
    const g = got.get(k)!;
    expect(g.rps, k).toBeGreaterThanOrEqual(w.rps * 0.8);
    expect(g.rps, k).toBeLessThanOrEqual(w.rps * 1.2);
    const wantRatio = w.errorRps / w.rps;
    const gotRatio = g.errorRps / g.rps;
    expect(gotRatio, k).toBeGreaterThanOrEqual(wantRatio * 0.8);
    expect(gotRatio, k).toBeLessThanOrEqual(wantRatio * 1.2 + 1e-9);
  }
}

/** What the lab's rules record and Isthmus reads (the seed has no TCP flows). */
const RECORDED = ['cluster_pair:istio_request_duration_milliseconds_bucket', 'workload:istio_request_duration_milliseconds_bucket', 'workload:istio_requests_total'];

/** Per cluster, the recordings Isthmus learnt its Prometheus holds for a 1 m window. */
function recordingsRead(): string[][] {
  return getRegistry().clusters.map((c) => [...(c.state.prometheusRecordings.peek()?.get('1m') ?? [])].sort());
}

// First: the fault drills below leave errors in the last minute's window.
describe('with and without Istio’s workload-level recording rules', () => {
  let rawLab: Lab;
  let rawWorld: LabWorld;
  beforeAll(async () => {
    rawWorld = seedWorld();
    rawLab = await startTrafficLab(rawWorld, { global: false, recordingRules: false });
  }, 120_000);
  afterAll(async () => {
    setEnv();
    resetClusterState();
    await rawLab?.stop();
  });

  it('the same flows’ rates, errors and p99 from the recordings as from the raw series, the scenario’s', async () => {
    resetClusterState();
    setEnv();
    const recorded = { rates: await traffic(), latency: await latency(), pairs: await latency('1m', 'pair'), combined: await traffic('1m', 'pair') };
    // Rules loaded, and what a 1 m window reads learnt from each Prometheus (the seed has no TCP flows).
    expect(recordingsRead()).toEqual([RECORDED, RECORDED]);
    resetClusterState();
    setEnv({ ISTHMUS_KUBECONFIG: rawLab.kubeconfigPath });
    try {
      const raw = { rates: await traffic(), latency: await latency(), pairs: await latency('1m', 'pair'), combined: await traffic('1m', 'pair') };
      expect(recordingsRead()).toEqual([[], []]);
      expectScenarioRates(recorded.rates.flows);
      expectScenarioRates(raw.rates.flows, rawWorld);
      // The matrix's p99: from the pair recording, from the workload buckets and from the raw ones.
      const said = (l: TrafficLatencyResponse) => l.clusters.map((c) => c.recordings);
      expect(said(recorded.pairs)).toEqual([['cluster_pair:istio_request_duration_milliseconds_bucket'], ['cluster_pair:istio_request_duration_milliseconds_bucket']]);
      expect(said(recorded.latency)).toEqual([['workload:istio_request_duration_milliseconds_bucket'], ['workload:istio_request_duration_milliseconds_bucket']]);
      expect([...said(raw.pairs), ...said(raw.latency)]).toEqual([[], [], [], []]);
      expectScenarioP99(recorded.pairs);
      expectScenarioP99(recorded.latency);
      expectScenarioP99(raw.pairs, rawWorld);
      expectScenarioP99(raw.latency, rawWorld);
      // p99=pair: the pair recording's p99 in the rates' own answer, complete; without the recording the rates alone.
      expect(recorded.combined.p99Complete).toBe(true);
      expect(recorded.combined.clusters.map((c) => c.recordings?.includes('cluster_pair:istio_request_duration_milliseconds_bucket'))).toEqual([true, true]);
      expectScenarioRates(recorded.combined.flows);
      expectScenarioP99(recorded.combined);
      expect(recorded.rates.p99Complete).toBe(false);
      expect(recorded.rates.matrix.every((c) => c.p99Ms === undefined)).toBe(true);
      expect(raw.combined.p99Complete).toBe(false);
      expect(raw.combined.matrix.map((c) => c.p99Ms)).toEqual(raw.combined.matrix.map(() => null));
      expectScenarioRates(raw.combined.flows, rawWorld);
    } finally {
      resetClusterState();
      setEnv();
    }
  });

  it('a counter’s recording younger than a window is not read for it (it would under-report the rate); the buckets’ are', async () => {
    resetClusterState();
    setEnv();
    await traffic('1h');
    // Backfilled an hour and recording since: every window is covered, a 6 h chart's rates are not.
    for (const c of getRegistry().clusters) {
      const read = c.state.prometheusRecordings.peek()!;
      for (const span of ['1m', '5m', '15m', '1h'] as const) expect([...read.get(span)!].sort(), span).toEqual(RECORDED);
      expect([...read.get('6h')!].sort()).toEqual(['cluster_pair:istio_request_duration_milliseconds_bucket', 'workload:istio_request_duration_milliseconds_bucket']);
    }
  });
});

describe('traffic from one Prometheus per cluster', () => {
  it('right after the lab starts, a 5 m window already has the scenario’s rates (the history is backfilled)', async () => {
    expectScenarioRates((await traffic('5m')).flows);
  });

  it('edge rates and error % are within ±20 % of the scenario’s, each request counted once', async () => {
    const t = await traffic();
    expect(t.configured).toBe(true);
    expect(t.clusters.map((c) => [c.cluster, c.ok, c.source])).toEqual([
      [CLUSTER1, true, 'service-proxy'],
      [CLUSTER2, true, 'service-proxy'],
    ]);
    expectScenarioRates(t.flows);
    // Once: the total is what the callers send, not twice the cross-cluster part.
    const total = t.flows.reduce((s, f) => s + f.rps, 0);
    const sent = world.mesh.scenario.traffic.reduce((s, spec) => s + spec.rps, 0);
    expect(total).toBeGreaterThan(sent * 0.8);
    expect(total).toBeLessThan(sent * 1.2);
    const keys = t.flows.map((f) => JSON.stringify([f.sourceCluster, f.sourceWorkload, f.serviceName, f.destinationCluster, f.destinationWorkload, f.destinationVersion]));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('keeps requests whose destination is unknown, in the flows and in the matrix', async () => {
    const t = await traffic();
    const unknown = t.flows.filter((f) => f.destinationCluster === 'unknown');
    expect(unknown.map((f) => [f.sourceCluster, f.serviceName, f.destinationWorkload])).toEqual([['cluster2', 'helloworld', 'unknown']]);
    const cell = t.matrix.find((c) => c.sourceCluster === 'cluster2' && c.destinationCluster === 'unknown')!;
    expect(cell.rps).toBeGreaterThan(3 * 0.8);
    expect(cell.errorRps / cell.rps).toBeCloseTo(1, 5);
    const c1c2 = t.matrix.find((c) => c.sourceCluster === 'cluster1' && c.destinationCluster === 'cluster2')!;
    expect(c1c2.rps).toBeGreaterThan(0);
  });

  it('latency comes on its own route: percentiles per flow and p99 per cluster pair, unknown destination kept', async () => {
    const l = await latency();
    expect(l.clusters.map((c) => c.ok)).toEqual([true, true]);
    const flow = l.flows.find((f) => f.serviceName === 'helloworld' && f.sourceCluster === 'cluster1' && f.destinationCluster === 'cluster2')!;
    expect(flow.p50Ms).toBeGreaterThan(0);
    expect(flow.p50Ms!).toBeLessThanOrEqual(flow.p95Ms!);
    expect(flow.p95Ms!).toBeLessThanOrEqual(flow.p99Ms!);
    expect(l.matrix.find((c) => c.sourceCluster === 'cluster1' && c.destinationCluster === 'cluster2')?.p99Ms).toBeGreaterThan(0);
    expect(l.matrix.some((c) => c.sourceCluster === 'cluster2' && c.destinationCluster === 'unknown')).toBe(true);
  });

  it('by=pair answers the matrix’s p99 alone, as the flows’ buckets do: the scenario’s', async () => {
    const [byFlow, byPair] = [await latency('5m'), await latency('5m', 'pair')];
    expect(byPair.by).toBe('pair');
    expect(byPair.flows).toEqual([]);
    // Not compared with each other closer than with the scenario: a pair's p99 near a bucket bound (50 ms)
    // moves by 10-15 % between two reads as a few requests land on either side of it.
    expectScenarioP99(byFlow);
    expectScenarioP99(byPair);
  });

  it('the global store (one Prometheus, `cluster` label) gives the same numbers', async () => {
    const perCluster = measured((await traffic()).flows);
    setEnv({ ISTHMUS_PROMETHEUS_URL: lab.prometheus!.globalUrl! });
    try {
      const t = await traffic();
      expect(t.clusters.map((c) => [c.source, c.ok])).toEqual([
        ['global', true],
        ['global', true],
      ]);
      const global = measured(t.flows);
      expect([...global.keys()].sort()).toEqual([...perCluster.keys()].sort());
      for (const [k, v] of perCluster) {
        expect(global.get(k)!.rps, k).toBeGreaterThan(v.rps * 0.9);
        expect(global.get(k)!.rps, k).toBeLessThan(v.rps * 1.1);
      }
      // The matrix's p99 from the global store's pair recording, which keeps the cluster label.
      expectScenarioP99(await latency('1m', 'pair'));
      const combined = await traffic('1m', 'pair');
      expect(combined.p99Complete).toBe(true);
      expectScenarioP99(combined);
      expect(recordingsRead()).toEqual([RECORDED, RECORDED]);
    } finally {
      setEnv();
    }
  });

  it('--prometheus CLUSTER=URL by Istio cluster ID reads that URL', async () => {
    setEnv({ ISTHMUS_PROMETHEUS: `cluster1=${lab.prometheus!.clusters.cluster1}` });
    try {
      const t = await traffic();
      expect(t.clusters.map((c) => c.source)).toEqual(['flag', 'service-proxy']);
      expect(t.flows.some((f) => f.sourceCluster === 'cluster1')).toBe(true);
    } finally {
      setEnv();
    }
  });

  it('a cluster’s Prometheus down: its traffic is unavailable with a typed error, the others intact', async () => {
    lab.applyFault({ type: 'prometheus-down', cluster: 'cluster2', down: true });
    try {
      const t = await traffic();
      const c2 = t.clusters.find((c) => c.cluster === CLUSTER2)!;
      expect(c2.ok).toBe(false);
      expect(c2.errors[0]?.kind).toBe('unreachable');
      expect(c2.errors[0]?.message).toMatch(/no endpoints available/);
      expect(t.clusters.find((c) => c.cluster === CLUSTER1)!.ok).toBe(true);
      expect(t.flows.some((f) => f.sourceCluster === 'cluster1' && f.destinationCluster === 'cluster2')).toBe(true);
      expect(t.flows.some((f) => f.sourceCluster === 'cluster2')).toBe(false);
    } finally {
      lab.applyFault({ type: 'prometheus-down', cluster: 'cluster2', down: false });
    }
  });

  it('a slow Prometheus times out within the deadline without holding back the others', async () => {
    lab.applyFault({ type: 'prometheus-latency', cluster: 'cluster1', ms: DEADLINE_MS + 2000 });
    try {
      const started = Date.now();
      const t = await traffic();
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1000);
      expect(t.clusters.find((c) => c.cluster === CLUSTER1)!.errors[0]?.kind).toBe('timeout');
      expect(t.clusters.find((c) => c.cluster === CLUSTER2)!.ok).toBe(true);
    } finally {
      lab.applyFault({ type: 'prometheus-latency', cluster: 'cluster1', ms: 0 });
    }
  });

  it('a service failing 50 % 503 shows within a few scrapes', async () => {
    const before = (await traffic()).flows.filter((f) => f.serviceName === 'helloworld' && f.destinationCluster === 'cluster2' && f.sourceCluster === 'cluster1');
    expect(before.reduce((s, f) => s + f.errorRps, 0)).toBe(0);
    lab.applyFault({ type: 'service-errors', cluster: 'cluster2', namespace: 'sample', service: 'helloworld', ratio: 0.5 });
    try {
      await new Promise((resolve) => setTimeout(resolve, 3500));
      const after = (await traffic()).flows.filter((f) => f.serviceName === 'helloworld' && f.destinationCluster === 'cluster2' && f.sourceCluster === 'cluster1');
      expect(after.reduce((s, f) => s + f.errorRps, 0)).toBeGreaterThan(0);
    } finally {
      lab.applyFault({ type: 'service-errors', cluster: 'cluster2', namespace: 'sample', service: 'helloworld', ratio: 0 });
    }
  });

  it('history lines of a workload are split by peer cluster, inbound and outbound', async () => {
    clearReadings();
    const res = await historyGET(apiRequest(`/api/traffic/history?scope=workload&cluster=${encodeURIComponent(CLUSTER2)}&namespace=sample&name=helloworld&version=v2&window=1m&range=15m`));
    expect(res.status).toBe(200);
    const h = (await res.json()) as TrafficHistoryResponse;
    const rps = h.series.filter((s) => s.metric === 'rps' && s.direction === 'inbound');
    expect(rps.map((s) => s.peerCluster).sort()).toEqual(['cluster1', 'cluster2']);
    const last = rps.find((s) => s.peerCluster === 'cluster1')!.points.at(-1)![1];
    expect(last).toBeGreaterThan(5 * 0.8);
    expect(last).toBeLessThan(5 * 1.2);
  });

  it('rejects what it cannot turn into a query', async () => {
    for (const q of ['scope=bogus', 'scope=workload&cluster=nope&namespace=a&name=b', `scope=workload&cluster=${encodeURIComponent(CLUSTER1)}&namespace=a%22b&name=x`]) {
      expect((await historyGET(apiRequest(`/api/traffic/history?${q}`))).status, q).toBe(400);
    }
    for (const [GET, url] of [[trafficGET, '/api/traffic'], [latencyGET, '/api/traffic/latency']] as const) {
      for (const q of ['window=2m', 'window=5m%22%7D']) expect((await GET(apiRequest(`${url}?${q}`))).status, `${url}?${q}`).toBe(400);
    }
    expect((await latencyGET(apiRequest('/api/traffic/latency?by=workload'))).status).toBe(400);
  });

  it('istiod lines per replica: connected proxies and pushes', async () => {
    clearReadings();
    const res = await istiodGET(apiRequest('/api/traffic/istiod?window=1m&range=15m'));
    const h = (await res.json()) as IstiodHistoryResponse;
    for (const c of h.clusters) {
      expect(c.ok).toBe(true);
      expect(c.series.find((s) => s.metric === 'connected-proxies')?.points.at(-1)?.[1]).toBeGreaterThan(0);
      expect(c.series.find((s) => s.metric === 'pushes')?.pod).toMatch(/^istiod-/);
      expect(c.hasRemoteSyncMetric).toBe(false); // Istio 1.21 has no istiod_remote_cluster_sync_status
    }
  });

  it('without any Prometheus the answer says what to configure', async () => {
    setEnv({ ISTHMUS_PROMETHEUS_SERVICE: 'istio-system/no-such-prometheus:9090' });
    try {
      const t = await traffic();
      expect(t.configured).toBe(false);
      expect(t.hint).toMatch(/--prometheus-url/);
      expect(t.clusters.every((c) => c.errors[0]?.kind === 'not-found')).toBe(true);
    } finally {
      setEnv();
    }
  });
});
