/**
 * Istio's standard metrics as a sidecar's Envoy serves them on :15090/stats/prometheus: one series per
 * label set the istio stats filter would produce (reporter="source" on the caller's proxy,
 * "destination" on the callee's), counters that advance with real time at the flows' current rates.
 * Counters are integers, as Envoy's are: the exact (fractional) totals are kept and floored on output.
 */
import type { Mesh, MeshPod } from '../model/mesh';
import { FlowCache, podKey, type Flow } from './flows';
import { DURATION_BUCKETS_MS, latencyCdf, latencyMean, type Latency } from './latency';

type Reporter = 'source' | 'destination';

/** One label set's totals and the rate they advance at (updated at every read). */
interface Accumulator {
  labels: string;
  protocol: Flow['spec']['protocol'];
  latency: Latency;
  /** Requests (tcp: connections) so far, and per second now. */
  count: number;
  rps: number;
  /** tcp: bytes so far each way, and per second now. */
  sent: number;
  received: number;
  sentRate: number;
  receivedRate: number;
  lastMs: number;
}

/**
 * Counters start with this much history (capped by the pod's age), as if the mesh had been running: a
 * fresh lab is not at zero, and the lab's Prometheus is backfilled with the same counters for up to
 * this long before it starts (lab/prometheus/backfill.ts), so they continue seamlessly.
 */
export const COUNTER_HISTORY_MS = 2 * 3600_000;

function workloadLabels(mesh: Mesh, prefix: 'source' | 'destination', pod: MeshPod | null): Array<[string, string]> {
  if (!pod) {
    return [
      [`${prefix}_workload`, 'unknown'],
      [`${prefix}_workload_namespace`, 'unknown'],
      [`${prefix}_principal`, 'unknown'],
      [`${prefix}_app`, 'unknown'],
      [`${prefix}_version`, 'unknown'],
    ];
  }
  return [
    [`${prefix}_workload`, pod.owner],
    [`${prefix}_workload_namespace`, pod.namespace],
    [`${prefix}_principal`, `spiffe://${mesh.scenario.istio.trustDomain}/ns/${pod.namespace}/sa/${pod.serviceAccount}`],
    [`${prefix}_app`, pod.app],
    [`${prefix}_version`, pod.version ?? 'unknown'],
  ];
}

/** The istio stats filter's labels, in its order (canonical service = app label, revision = version or "latest"). */
function flowLabels(mesh: Mesh, flow: Flow, reporter: Reporter): string {
  // A caller without a sidecar exchanges no peer metadata: the callee reports it as unknown.
  const source = flow.source.proxy ? flow.source : null;
  const src = workloadLabels(mesh, 'source', source);
  const dst = workloadLabels(mesh, 'destination', flow.destination);
  const canonical = (pod: MeshPod | null) => [pod ? pod.app : 'unknown', pod?.version ?? 'latest'];
  const [srcService, srcRevision] = canonical(source);
  const [dstService, dstRevision] = canonical(flow.destination);
  const tcp = flow.spec.protocol === 'tcp';
  const pairs: Array<[string, string]> = [
    ['reporter', reporter],
    src[0],
    ['source_canonical_service', srcService],
    ['source_canonical_revision', srcRevision],
    ...src.slice(1),
    ['source_cluster', source?.cluster ?? 'unknown'],
    ...dst,
    ['destination_service', flow.hostname],
    ['destination_canonical_service', dstService],
    ['destination_canonical_revision', dstRevision],
    ['destination_service_name', flow.service.name],
    ['destination_service_namespace', flow.service.namespace],
    ['destination_cluster', flow.destination?.cluster ?? 'unknown'],
    ['request_protocol', flow.spec.protocol],
    ...(tcp ? [] : ([['response_code', String(flow.responseCode)], ['grpc_response_status', flow.grpcStatus]] as Array<[string, string]>)),
    ['response_flags', flow.responseFlags],
    ['connection_security_policy', reporter === 'destination' ? 'mutual_tls' : 'unknown'],
  ];
  return pairs.map(([k, v]) => `${k}="${v}"`).join(',');
}

/** Envoy's /stats/prometheus text of a pod's series (totals floored: Envoy's counters are integers). */
function exposition(series: Accumulator[], pod: MeshPod, atMs: number): string {
  const http = series.filter((a) => a.protocol !== 'tcp');
  const tcp = series.filter((a) => a.protocol === 'tcp');
  const lines: string[] = [];
  if (http.length) {
    lines.push('# TYPE istio_requests_total counter');
    for (const a of http) lines.push(`istio_requests_total{${a.labels}} ${Math.floor(a.count)}`);
    lines.push('# TYPE istio_request_duration_milliseconds histogram');
    for (const a of http) {
      const count = Math.floor(a.count);
      for (const le of DURATION_BUCKETS_MS) lines.push(`istio_request_duration_milliseconds_bucket{${a.labels},le="${le}"} ${Math.floor(count * latencyCdf(a.latency, le))}`);
      lines.push(`istio_request_duration_milliseconds_bucket{${a.labels},le="+Inf"} ${count}`);
      lines.push(`istio_request_duration_milliseconds_sum{${a.labels}} ${(count * latencyMean(a.latency)).toFixed(1)}`);
      lines.push(`istio_request_duration_milliseconds_count{${a.labels}} ${count}`);
    }
  }
  if (tcp.length) {
    const counter = (name: string, value: (a: Accumulator) => number) => {
      lines.push(`# TYPE ${name} counter`);
      for (const a of tcp) lines.push(`${name}{${a.labels}} ${Math.floor(value(a))}`);
    };
    counter('istio_tcp_sent_bytes_total', (a) => a.sent);
    counter('istio_tcp_received_bytes_total', (a) => a.received);
    counter('istio_tcp_connections_opened_total', (a) => a.count);
    counter('istio_tcp_connections_closed_total', (a) => a.count);
  }
  const uptime = Math.max(0, Math.floor((atMs - pod.createdMs) / 1000));
  lines.push('# TYPE envoy_server_live gauge', 'envoy_server_live{} 1', '# TYPE envoy_server_uptime gauge', `envoy_server_uptime{} ${uptime}`);
  return lines.join('\n') + '\n';
}

/** The metrics of every proxy of one lab world: accumulators per pod, shared by every scraper. */
export class TrafficMeter {
  private readonly flows: FlowCache;
  private readonly accumulators = new Map<string, Map<string, Accumulator>>();

  constructor(private readonly mesh: Mesh) {
    this.flows = new FlowCache(mesh);
  }

  /** The pod's Envoy /stats/prometheus body. */
  stats(pod: MeshPod, nowMs: number): string {
    return exposition(this.advance(pod, nowMs), pod, nowMs);
  }

  /**
   * The body the pod would have served at `atMs` (≤ nowMs), had its flows run at today's rates: each
   * counter taken back from now at its rate. A label set whose history does not reach back that far is
   * left out (it did not exist yet), as is everything before the pod was created.
   */
  statsAt(pod: MeshPod, nowMs: number, atMs: number): string | null {
    if (atMs < pod.createdMs) return null;
    const back = Math.max(0, nowMs - atMs) / 1000;
    const then = this.advance(pod, nowMs)
      .map((a) => ({ ...a, count: a.count - a.rps * back, sent: a.sent - a.sentRate * back, received: a.received - a.receivedRate * back }))
      .filter((a) => a.count >= 0 && a.sent >= 0 && a.received >= 0);
    return exposition(then, pod, atMs);
  }

  /** Brings the pod's totals up to now at the rates they had, then sets the rates of its current flows. */
  private advance(pod: MeshPod, nowMs: number): Accumulator[] {
    const k = podKey(pod);
    let own = this.accumulators.get(k);
    if (!own) this.accumulators.set(k, (own = new Map()));
    for (const a of own.values()) {
      const dt = Math.max(0, nowMs - a.lastMs) / 1000;
      a.count += a.rps * dt;
      a.sent += a.sentRate * dt;
      a.received += a.receivedRate * dt;
      a.lastMs = nowMs;
      a.rps = a.sentRate = a.receivedRate = 0;
    }
    const index = this.flows.index(nowMs);
    const reported: Array<[Reporter, Flow[]]> = [
      ['source', index.bySource.get(k) ?? []],
      ['destination', index.byDestination.get(k) ?? []],
    ];
    const historyS = Math.max(0, Math.min(COUNTER_HISTORY_MS, nowMs - pod.createdMs)) / 1000;
    for (const [reporter, flows] of reported) {
      for (const flow of flows) {
        if (reporter === 'source' && !flow.source.proxy) continue; // no sidecar: only the callee reports
        const labels = flowLabels(this.mesh, flow, reporter);
        const { sent, received } = flow.spec.bytesPerSecond;
        const perConnection = flow.spec.rps > 0 ? flow.rps / flow.spec.rps : 0;
        let a = own.get(labels);
        if (!a) {
          // The destination's proxy sees less of the latency than the caller (no client-side hops).
          const scale = reporter === 'destination' ? 0.8 : 1;
          const latency = { p50: flow.spec.latencyMs.p50 * scale, p99: flow.spec.latencyMs.p99 * scale };
          a = { labels, protocol: flow.spec.protocol, latency, count: flow.rps * historyS, rps: 0, sent: sent * perConnection * historyS, received: received * perConnection * historyS, sentRate: 0, receivedRate: 0, lastMs: nowMs };
          own.set(labels, a);
        }
        a.rps += flow.rps;
        a.sentRate += sent * perConnection;
        a.receivedRate += received * perConnection;
      }
    }
    return [...own.values()].sort((x, y) => (x.labels < y.labels ? -1 : x.labels > y.labels ? 1 : 0));
  }
}
