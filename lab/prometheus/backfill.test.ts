import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorld, loadScenario, scaleScenario } from '../model';
import { backfillText, EOF, parseSample, scrapeTimes } from './backfill';
import { recordedSeries, recordingRuleGroups } from './rules';
import { scrapeTargets, targetLabels } from './targets';

const SEED = path.resolve(__dirname, '../scenarios/seed.yaml');
const NOW = Date.parse('2024-06-06T12:00:00Z');

/** A world whose clock the test moves. */
function seed() {
  let now = NOW;
  const world = createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => now });
  return { world, advance: (ms: number) => (now += ms) };
}

/** Backfill lines of the series whose name and labels contain every one of `parts`: [value, seconds]. */
function samplesOf(text: string, parts: string[]): Array<[number, number]> {
  return text
    .split('\n')
    .filter((l) => parts.every((p) => l.includes(p)))
    .map((l) => l.split(' ').slice(-2).map(Number) as [number, number]);
}

describe('parseSample', () => {
  it('reads name, labels and value, and skips comments', () => {
    expect(parseSample('istio_requests_total{reporter="source",response_code="200"} 12')).toEqual({
      name: 'istio_requests_total',
      labels: [
        ['reporter', 'source'],
        ['response_code', '200'],
      ],
      value: '12',
    });
    expect(parseSample('pilot_services 5')).toEqual({ name: 'pilot_services', labels: [], value: '5' });
    expect(parseSample('# TYPE pilot_services gauge')).toBeNull();
  });
});

describe('scrapeTimes', () => {
  it('is sparse in the past and as dense as the scrapes over the recent part, up to (not including) the end', () => {
    expect(scrapeTimes({ fromMs: 0, toMs: 100, stepMs: 30, recentMs: 20, recentStepMs: 5 })).toEqual([0, 30, 60, 80, 85, 90, 95]);
    expect(scrapeTimes({ fromMs: 90, toMs: 100, stepMs: 30, recentMs: 20, recentStepMs: 5 })).toEqual([90, 95]);
  });
});

describe('backfillText', () => {
  it('gives the past hour of a sidecar counter at its rate, labelled as the scrape labels it, continuing into the live counter', () => {
    const { world, advance } = seed();
    const sleep = scrapeTargets(world, 'cluster1').find((t) => t.pod.startsWith('sleep-'))!;
    const text = backfillText(world, [sleep], (t) => targetLabels(t, true), scrapeTimes({ fromMs: NOW - 3600_000, toMs: NOW, stepMs: 15_000, recentMs: 0, recentStepMs: 1000 }));
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    // sleep in cluster1 sends helloworld 5/s to v1 in cluster1 (and 5/s to v2 in cluster2).
    const series = ['istio_requests_total{', 'reporter="source"', 'destination_cluster="cluster1"', 'destination_service_name="helloworld"', `pod="${sleep.pod}"`, 'cluster="cluster1"', 'job="kubernetes-pods"'];
    const samples = samplesOf(text, series);
    // From the first step after the pod was created (the seed's sleep is minutes old), not before.
    const created = world.mesh.findPod('cluster1', sleep.namespace, sleep.pod)!.createdMs;
    const first = NOW - 3600_000 + Math.ceil((created - (NOW - 3600_000)) / 15_000) * 15_000;
    expect(samples.length).toBe((NOW - first) / 15_000);
    expect(samples.length).toBeGreaterThan(20); // 5 minutes and more
    expect(samples[0][1]).toBe(first / 1000);
    for (let i = 1; i < samples.length; i++) {
      expect(samples[i][1] - samples[i - 1][1]).toBe(15);
      expect(samples[i][0] - samples[i - 1][0]).toBeGreaterThanOrEqual(5 * 15 - 1); // floored integers
      expect(samples[i][0] - samples[i - 1][0]).toBeLessThanOrEqual(5 * 15 + 1);
    }
    // Ten seconds later the live endpoint continues from the last backfilled sample (15 s before NOW).
    advance(10_000);
    const live = world.metricsAt!('cluster1', sleep.namespace, sleep.pod, sleep.port, sleep.path, NOW + 10_000)!;
    const line = live.split('\n').find((l) => l.startsWith('istio_requests_total{') && l.includes('reporter="source"') && l.includes('destination_cluster="cluster1"') && l.includes('helloworld'))!;
    expect(Number(line.split(' ').pop()) - samples[samples.length - 1][0]).toBeCloseTo(5 * 25, -1);
  });

  it('has istiod’s counters too, and nothing from before a pod existed', () => {
    const { world } = seed();
    const targets = scrapeTargets(world, 'cluster1');
    const istiod = targets.find((t) => t.pod.startsWith('istiod-'))!;
    const text = backfillText(world, [istiod], (t) => targetLabels(t, false), scrapeTimes({ fromMs: NOW - 600_000, toMs: NOW, stepMs: 60_000, recentMs: 0, recentStepMs: 1000 }));
    expect(samplesOf(text, ['pilot_xds_pushes{', 'type="eds"'])).toHaveLength(10);
    expect(text).not.toContain('cluster="cluster1"'); // the per-cluster Prometheus adds no cluster label
    const young = backfillText(world, targets, (t) => targetLabels(t, false), scrapeTimes({ fromMs: NOW - 400 * 86_400_000, toMs: NOW - 399 * 86_400_000, stepMs: 3600_000, recentMs: 0, recentStepMs: 1000 }));
    expect(young).toBe(EOF);
  });
});

describe('backfillText with the recording rules', () => {
  it('writes each workload: and cluster_pair: series as the sum of what it sums at every step', () => {
    // Five replicas per app: app-1 calls app-2 in both clusters.
    const world = createWorld(scaleScenario({ clusters: 2, namespaces: 1, pods: 26, traffic: true }), { nowMs: NOW, clock: () => NOW });
    const callers = scrapeTargets(world, 'cluster1').filter((t) => t.pod.startsWith('app-1-'));
    expect(callers).toHaveLength(5);
    const times = scrapeTimes({ fromMs: NOW - 600_000, toMs: NOW, stepMs: 60_000, recentMs: 0, recentStepMs: 1000 });
    const text = backfillText(world, callers, (t) => targetLabels(t, false), times, recordedSeries(true, false));
    const parts = ['reporter="source"', 'destination_cluster="cluster2"', 'response_code="200"'];
    const perPod = callers.map((t) => samplesOf(text, ['istio_requests_total{', `pod="${t.pod}"`, ...parts]));
    const recorded = samplesOf(text, ['workload:istio_requests_total{', ...parts]);
    expect(recorded).toHaveLength(times.length);
    recorded.forEach(([value, at], i) => {
      expect(at).toBe(times[i] / 1000);
      expect(value).toBe(perPod.reduce((sum, samples) => sum + samples[i][0], 0));
    });
    const line = text.split('\n').find((l) => l.startsWith('workload:istio_request_duration_milliseconds_bucket{'))!;
    expect(line).not.toMatch(/\b(pod|instance|namespace)=/);
    expect(line).toContain('pod_template_hash='); // the Deployment's, the same on every pod
    // The pair recording: per reporter, cluster pair and le, every response code and pod summed.
    const le = ['reporter="source"', 'destination_cluster="cluster2"', 'le="50"'];
    const pair = samplesOf(text, ['cluster_pair:istio_request_duration_milliseconds_bucket{', ...le]);
    const buckets = callers.flatMap((t) => samplesOf(text, ['istio_request_duration_milliseconds_bucket{', `pod="${t.pod}"`, ...le]));
    expect(buckets.length).toBeGreaterThanOrEqual(callers.length * times.length);
    expect(pair).toHaveLength(times.length);
    pair.forEach(([value, at]) => expect(value).toBe(buckets.filter(([, t]) => t === at).reduce((sum, [v]) => sum + v, 0)));
    expect(text.split('\n').find((l) => l.startsWith('cluster_pair:'))).toMatch(/^cluster_pair:istio_request_duration_milliseconds_bucket\{destination_cluster="[^"]+",le="[^"]+",reporter="[^"]+",source_cluster="[^"]+"\} /);
    // Istio's rules only: no pair recording; without the rules, no recorded series.
    expect(backfillText(world, callers, (t) => targetLabels(t, false), times, recordedSeries('istio', false))).not.toContain('cluster_pair:');
    expect(backfillText(world, callers, (t) => targetLabels(t, false), times)).not.toMatch(/workload:|cluster_pair:/);
  });

  it('the global Prometheus’s pair recording keeps the cluster label', () => {
    const world = createWorld(scaleScenario({ clusters: 2, namespaces: 1, pods: 26, traffic: true }), { nowMs: NOW, clock: () => NOW });
    const callers = scrapeTargets(world, 'cluster1').filter((t) => t.pod.startsWith('app-1-'));
    const text = backfillText(world, callers, (t) => targetLabels(t, true), [NOW - 1000], recordedSeries(true, true));
    expect(text.split('\n').find((l) => l.startsWith('cluster_pair:'))).toMatch(/^cluster_pair:[a-z_]+\{cluster="cluster1",destination_cluster=/);
    expect(recordingRuleGroups(5, true, true).groups[0].rules.at(-1)).toEqual({
      record: 'cluster_pair:istio_request_duration_milliseconds_bucket',
      expr: 'sum by (cluster, reporter, source_cluster, destination_cluster, le) (workload:istio_request_duration_milliseconds_bucket)',
    });
  });

  it('the rule file sums the addon’s pod labels away, every metric Istio’s doc lists, then Isthmus’s pair rule sums the buckets’ recording', () => {
    const { groups } = recordingRuleGroups(5, true, false);
    expect(groups.map((g) => [g.name, g.interval])).toEqual([['istio.recording-rules', '5s']]);
    const rules = groups[0].rules;
    expect(rules).toContainEqual({ record: 'workload:istio_request_duration_milliseconds_bucket', expr: 'sum without(instance, namespace, pod) (istio_request_duration_milliseconds_bucket)' });
    expect(rules).toHaveLength(15);
    // Last: a group's rules run in order, so it reads this evaluation's workload: buckets.
    expect(rules.at(-1)).toEqual({
      record: 'cluster_pair:istio_request_duration_milliseconds_bucket',
      expr: 'sum by (reporter, source_cluster, destination_cluster, le) (workload:istio_request_duration_milliseconds_bucket)',
    });
    expect(recordingRuleGroups(5, 'istio', false).groups[0].rules).toHaveLength(14);
  });
});
