import { ApiError, isRefused } from '../hooks/fetch-json';
import type { ClusterMesh, ClusterStatus, SourceError } from '@/lib/types/api';

/** One failed cluster, or one failed source inside a cluster, as the error banners list them. */
export interface ClusterProblem {
  cluster: string;
  error: SourceError;
}

/**
 * Result envelopes (of one answer or of several a page shows) as banner lines: a cluster that gave
 * nothing is one error line (why, from the first answer saying so; a down cluster fails every answer
 * alike); the failed sources of readable clusters are warnings, each once.
 */
export function statusProblems(statuses: ClusterStatus[]): { errors: ClusterProblem[]; warnings: ClusterProblem[] } {
  const errors: ClusterProblem[] = [];
  for (const s of statuses) {
    if (!s.ok && s.errors.length > 0 && !errors.some((e) => e.cluster === s.cluster)) errors.push({ cluster: s.cluster, error: s.errors[0] });
  }
  const warnings: ClusterProblem[] = [];
  const seen = new Set<string>();
  for (const s of statuses) {
    if (!s.ok || errors.some((e) => e.cluster === s.cluster)) continue;
    for (const error of s.errors) {
      const key = JSON.stringify([s.cluster, error.kind, error.source, error.message]);
      if (!seen.has(key)) warnings.push({ cluster: s.cluster, error });
      seen.add(key);
    }
  }
  return { errors, warnings };
}

/** The cluster's proxy status could not be read: the cluster is down, or it has istiod sources that failed. */
export function proxySyncUnread(c: ClusterMesh): boolean {
  return !c.ok || (c.proxySync === null && c.errors.length > 0);
}

/**
 * A failed API request as a banner line. A request the server refused (4xx: an unknown cluster, a
 * malformed or missing pod) reads as not-found with the server's message; the page stops asking.
 */
export function requestProblem(cluster: string, error: Error, source: string): ClusterProblem {
  const kind = isRefused(error) ? 'not-found' : error instanceof ApiError && (error.kind === 'config' || error.kind === 'internal') ? error.kind : 'bad-response';
  return { cluster, error: { kind, message: error.message, source } };
}

/** Why a cluster gave an answer nothing (its envelope's first error). */
export function notOkReason(s: ClusterStatus, fallback = 'the cluster could not be read'): string {
  return s.errors[0]?.message ?? fallback;
}

/**
 * A cluster's reachability as the overview shows it, from its /api/clusters entry (else its mesh entry
 * while that one is pending): null until either answered; the error of the first that gave nothing.
 */
export function reachability(...statuses: Array<ClusterStatus | undefined>): { reachable: boolean | null; error: SourceError | null } {
  const answered = statuses.filter((s) => s !== undefined);
  if (answered.length === 0) return { reachable: null, error: null };
  return { reachable: answered[0].ok, error: answered.find((s) => !s.ok)?.errors[0] ?? null };
}
