import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorld, loadScenario } from '../model';
import { computeFlows, type Flow } from './flows';
import { TrafficMeter } from './metrics';
import { latencyCdf } from './latency';

const SEED = path.resolve(__dirname, '../scenarios/seed.yaml');
const NOW = Date.parse('2024-06-06T12:00:00Z');

function seed() {
  return createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => NOW });
}

/** Sums flow rates by a key. */
function by(flows: Flow[], key: (f: Flow) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const f of flows) out[key(f)] = (out[key(f)] ?? 0) + f.rps;
  return out;
}

describe('flows', () => {
  it('spreads sleep → helloworld over v1 in cluster1 and v2 in cluster2, from both clusters', () => {
    const flows = computeFlows(seed().mesh, NOW).filter((f) => f.service.name === 'helloworld');
    expect(by(flows, (f) => `${f.source.cluster}->${f.destination?.cluster}/${f.destination?.version}`)).toEqual({
      'cluster1->cluster1/v1': 5,
      'cluster1->cluster2/v2': 5,
      'cluster2->cluster2/v2': 3,
      'cluster2->cluster1/v1': 3,
    });
  });

  it('keeps the declared error ratio (ratings: 4 % 500)', () => {
    const flows = computeFlows(seed().mesh, NOW).filter((f) => f.service.name === 'ratings');
    const codes = by(flows, (f) => String(f.responseCode));
    expect(codes['500'] / (codes['500'] + codes['200'])).toBeCloseTo(0.04, 6);
  });

  it('a service-errors fault makes that cluster’s endpoints answer 503 to half the requests', () => {
    const world = seed();
    world.applyFault({ type: 'service-errors', cluster: 'cluster1', namespace: 'sample', service: 'helloworld', ratio: 0.5 });
    const flows = computeFlows(world.mesh, NOW).filter((f) => f.service.name === 'helloworld');
    expect(by(flows, (f) => `${f.destination?.cluster}/${f.responseCode}`)).toEqual({ 'cluster1/503': 4, 'cluster1/200': 4, 'cluster2/200': 8 });
  });

  it('without an east-west gateway address the remote endpoints fail with 503 UF and an unknown destination', () => {
    const world = seed();
    world.applyFault({ type: 'eastwest-pending', cluster: 'cluster2', pending: true });
    const flows = computeFlows(world.mesh, NOW).filter((f) => f.service.name === 'helloworld' && f.source.cluster === 'cluster1');
    expect(by(flows, (f) => `${f.destination?.cluster ?? 'unknown'}/${f.responseCode}/${f.responseFlags}`)).toEqual({ 'cluster1/200/-': 5, 'unknown/503/UF': 5 });
  });
});

describe('sidecar metrics', () => {
  it('counters advance with time at the flows’ rates, on both reporters', () => {
    let now = NOW;
    const world = createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => now });
    const meter = new TrafficMeter(world.mesh);
    const sleep = world.mesh.pods('cluster1').find((p) => p.app === 'sleep')!;
    const v1 = world.mesh.pods('cluster1').find((p) => p.app === 'helloworld')!;
    const value = (text: string, match: string[]) => {
      const line = text.split('\n').find((l) => l.startsWith('istio_requests_total{') && match.every((m) => l.includes(m)));
      return Number(line?.split(' ').pop());
    };
    const toV2 = ['reporter="source"', 'destination_cluster="cluster2"', 'destination_workload="helloworld-v2"', 'source_cluster="cluster1"'];
    const fromC2 = ['reporter="destination"', 'source_cluster="cluster2"', 'destination_cluster="cluster1"', 'connection_security_policy="mutual_tls"'];
    const a = [value(meter.stats(sleep, now), toV2), value(meter.stats(v1, now), fromC2)];
    now += 10_000;
    const b = [value(meter.stats(sleep, now), toV2), value(meter.stats(v1, now), fromC2)];
    expect(b[0] - a[0]).toBe(50); // 5 rps for 10 s
    expect(b[1] - a[1]).toBe(30);
  });

  it('serves Istio’s histogram with cumulative buckets ending at the count', () => {
    const world = seed();
    const meter = new TrafficMeter(world.mesh);
    const sleep = world.mesh.pods('cluster1').find((p) => p.app === 'sleep')!;
    const lines = meter.stats(sleep, NOW).split('\n').filter((l) => l.startsWith('istio_request_duration_milliseconds_bucket{') && l.includes('destination_workload="helloworld-v1"'));
    const values = lines.map((l) => Number(l.split(' ').pop()));
    expect(values).toEqual([...values].sort((x, y) => x - y));
    expect(lines.at(-1)).toContain('le="+Inf"');
    expect(latencyCdf({ p50: 8, p99: 60 }, 8)).toBeCloseTo(0.5, 4);
    expect(latencyCdf({ p50: 8, p99: 60 }, 60)).toBeCloseTo(0.99, 3);
  });
});
