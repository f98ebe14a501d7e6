import { ApiError, isRefused } from '../hooks/fetch-json';
import type { ClusterMesh, SourceError } from '@/lib/types/api';

/** One failed cluster, or one failed source inside a cluster, as the error banners list them. */
export interface ClusterProblem {
  cluster: string;
  error: SourceError;
}

/** Failed clusters as errors, and failed sources inside readable clusters as warnings. */
export function meshProblems(mesh: ClusterMesh[] | undefined, fromClusters: ClusterProblem[] = []): { errors: ClusterProblem[]; warnings: ClusterProblem[] } {
  const errors = [...fromClusters];
  const warnings: ClusterProblem[] = [];
  for (const c of mesh ?? []) {
    if (!c.ok && c.error && !errors.some((e) => e.cluster === c.cluster)) errors.push({ cluster: c.cluster, error: c.error });
    if (c.ok) for (const e of c.errors) warnings.push({ cluster: c.cluster, error: e });
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
