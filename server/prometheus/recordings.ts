import 'server-only';
import { NONE_RECORDED, recordedBySpan, recordedProbe, windowSeconds, type Recorded, type Span } from '@/lib/traffic/promql';
import { HISTORY_RANGES, TRAFFIC_WINDOWS, type HistoryRange, type TrafficWindow } from '@/lib/types/traffic';
import { createDeadline, type Deadline } from '../k8s/deadline';
import { toSourceError } from '../k8s/errors';
import type { KeepPolicy } from '../k8s/kept-reading';
import { describeTarget, promQuery } from './client';
import type { ClusterPrometheus } from './sources';

/**
 * Whether a cluster's Prometheus (or the global store, for that cluster) holds Istio's workload-level
 * recordings (`workload:istio_requests_total`…, lib/traffic/promql.ts Recorded), and since when: flow
 * and workload/service queries read them instead of the raw per-pod series when they cover the window
 * or chart range asked. Rules are added or removed rarely, so this is learnt once per source (awaited
 * the first time) and kept on the cluster's state, re-read in the background every few minutes.
 */

/** Per span, the recordings to read (lib/traffic/promql.ts recordedBySpan). */
export type Recordings = ReadonlyMap<Span, Recorded>;

const SPANS: readonly Span[] = [...new Set<Span>([...TRAFFIC_WINDOWS, ...HISTORY_RANGES])];
/** The spans, shortest first: a chart takes the first that reaches back far enough. */
const SPANS_BY_LENGTH = [...SPANS].sort((a, b) => windowSeconds(a) - windowSeconds(b));

/** What a failed probe leaves: nothing recorded (the raw metrics answer, or say why they cannot), read again next time. */
const PROBE_FAILED: Recordings = new Map();

export const RECORDINGS_KEPT: KeepPolicy<Recordings> = { maxAgeMs: 5 * 60_000, failed: (r) => r === PROBE_FAILED };

/**
 * A probe that fails (Prometheus down, slow, refusing) is no reason to fail the traffic itself: the raw
 * queries answer or say why. A programming error is still logged (toSourceError logs `internal` ones).
 */
async function readRecordings(source: ClusterPrometheus, deadline: Deadline): Promise<Recordings> {
  try {
    return recordedBySpan(await promQuery(source.target, recordedProbe(source.target.scope, SPANS), deadline), SPANS);
  } catch (err) {
    toSourceError(err, { cluster: source.cluster.name, source: `the recording rules in ${describeTarget(source.target)}` });
    return PROBE_FAILED;
  }
}

/** The recordings of `source` that cover `span` (none: read the raw metrics). */
export async function recordingsFor(source: ClusterPrometheus, span: Span, deadline: Deadline): Promise<Recorded> {
  const kept = source.cluster.state.prometheusRecordings;
  // Until known, read under the request's deadline; a background re-read gets a deadline of its own.
  const recordings = await kept.get(RECORDINGS_KEPT, (background) => readRecordings(source, background ? createDeadline(deadline.ms) : deadline), `${describeTarget(source.target)}${source.target.scope}`);
  return recordings.get(span) ?? NONE_RECORDED;
}

/**
 * The recordings for a chart over `range`: its first point's rate reads `window` before the range starts,
 * so the counters' recordings must reach back over both; the shortest probed span that does (the longest
 * one when none does: a recording between 6 and 7 hours old is the one case read a little short).
 */
export function recordingsForChart(source: ClusterPrometheus, range: HistoryRange, window: TrafficWindow, deadline: Deadline): Promise<Recorded> {
  const needed = windowSeconds(range) + windowSeconds(window);
  return recordingsFor(source, SPANS_BY_LENGTH.find((s) => windowSeconds(s) >= needed) ?? SPANS_BY_LENGTH[SPANS_BY_LENGTH.length - 1], deadline);
}
