/**
 * The checks' common parts: a check is a pure function from the mesh snapshot to findings and
 * `unknown` results; `Outcome` collects them and turns every unreadable source into an `unknown` for
 * its cluster (never a finding, never a pass).
 */
import type { CheckId, ClusterSnapshot, Finding, MeshSnapshot, Read, Severity, ServiceFacts, UnknownResult } from './types';

export interface Check {
  id: CheckId;
  title: string;
  docs: string;
  run(snapshot: MeshSnapshot, out: Outcome): void;
}

export type FindingInput = Omit<Finding, 'check' | 'docs' | 'severity'> & { severity: Severity };

export class Outcome {
  readonly findings: Finding[] = [];
  readonly unknown: UnknownResult[] = [];

  constructor(private readonly check: Pick<Check, 'id' | 'docs'>) {}

  /** The value of a source, or undefined after recording the cluster as unknown. */
  need<T>(cluster: string, read: Read<T>): T | undefined {
    if (read.ok) return read.value;
    this.undecided(cluster, read.reason);
    return undefined;
  }

  undecided(cluster: string, reason: string): void {
    if (!this.unknown.some((u) => u.cluster === cluster)) this.unknown.push({ check: this.check.id, cluster, reason });
  }

  find(finding: FindingInput): void {
    this.findings.push({ check: this.check.id, docs: this.check.docs, ...finding });
  }
}

/** Several sources of one cluster at once: all values, or undefined (unknown recorded with the first reason). */
export function needAll<T extends unknown[]>(out: Outcome, cluster: string, ...reads: { [K in keyof T]: Read<T[K]> }): T | undefined {
  for (const r of reads) if (!r.ok) return void out.undecided(cluster, r.reason);
  return reads.map((r) => (r as { ok: true; value: unknown }).value) as T;
}

/**
 * The value most clusters share (ties: the first configured cluster's), the reference a disagreeing
 * cluster is measured against.
 */
export function referenceValue<T>(entries: Array<{ cluster: string; value: T }>, key: (v: T) => string = String): string | null {
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(key(e.value), (counts.get(key(e.value)) ?? 0) + 1);
  let best: string | null = null;
  for (const e of entries) {
    const k = key(e.value);
    if (best === null || counts.get(k)! > counts.get(best)!) best = k;
  }
  return best;
}

export const ISTIO_NAMESPACE = 'istio-system';
export const NETWORK_LABEL = 'topology.istio.io/network';
export const CONTROL_PLANE_CLUSTERS = 'topology.istio.io/controlPlaneClusters';

export function eastwestServices(services: ServiceFacts[]): ServiceFacts[] {
  return services.filter((s) => s.role === 'eastwest');
}

/** A cluster's network: istio-system's label, else its east-west gateway's. */
export function clusterNetwork(c: ClusterSnapshot): string | null {
  const ns = c.istioNamespace.ok ? c.istioNamespace.value?.labels[NETWORK_LABEL] : undefined;
  if (ns) return ns;
  const ew = c.services.ok ? eastwestServices(c.services.value).find((s) => s.labels[NETWORK_LABEL]) : undefined;
  return ew?.labels[NETWORK_LABEL] ?? null;
}

/** The pods a label selector picks in one namespace (null namespace: any). */
export function selectedPods<P extends { namespace: string; labels: Record<string, string> }>(pods: P[], selector: Record<string, string>, namespace: string | null): P[] {
  const entries = Object.entries(selector);
  return pods.filter((p) => (namespace === null || p.namespace === namespace) && entries.every(([k, v]) => p.labels[k] === v));
}

/** `kubectl --context=<c>`, quoted when the context name needs it. */
export function kubectl(cluster: string): string {
  return /^[\w.@:/-]+$/.test(cluster) ? `kubectl --context=${cluster}` : `kubectl --context='${cluster.replace(/'/g, `'\\''`)}'`;
}

/** A list for a message, at most `max` items then "and N more". */
export function listed(items: string[], max = 5): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** [major, minor] of a version like "1.21.2" or "v1.22.0-beta.1", null when not one. */
export function minorVersion(version: string | null | undefined): [number, number] | null {
  const m = version ? /^v?(\d+)\.(\d+)/.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Minor versions apart (same major assumed; a different major counts as far apart). */
export function minorsApart(a: [number, number], b: [number, number]): number {
  return a[0] !== b[0] ? 100 : a[1] - b[1];
}

/** Clusters that run istiod (primaries and config clusters). */
export function istiodsOf(c: ClusterSnapshot) {
  return c.istiods.ok ? c.istiods.value : [];
}
