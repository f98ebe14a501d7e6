import type { ClusterMesh, RemoteClusterRow, SourceError } from '@/lib/types/api';
import { notOkReason } from './problems';

/**
 * Why a readable cluster shows no istiod: an istiod source's error first (its pods forbidden, its debug
 * endpoint down), else the cluster's first error; null when nothing failed (a remote-only cluster).
 */
export function istiodReadError(c: ClusterMesh): SourceError | null {
  return c.errors.find((e) => e.source.startsWith('istiod')) ?? c.errors[0] ?? null;
}

/**
 * A cell's state: what istiod reports, `missing` when it does not read a configured cluster, `local`
 * for its own cluster when istiod does not list it (before 1.22 clusterz holds remote secrets only), or
 * `unknown` when its istiod could not be read.
 */
export type MatrixState = string; // 'synced' | 'syncing' | 'timeout' | 'closed' | 'missing' | 'local' | 'unknown' | other istiod words

export interface MatrixCell {
  state: MatrixState;
  /** The remote-clusters rows behind this cell (one per istiod replica). */
  rows: RemoteClusterRow[];
}

export interface MatrixRow {
  /** Context name of the cluster whose istiod reports. */
  cluster: string;
  clusterId: string | null;
  /** Set when the cluster's mesh data could not be read: the row has no cells to show. */
  error: string | null;
  cells: Record<string, MatrixCell>;
}

export interface SyncMatrix {
  /** Istio cluster IDs, configured clusters first (in configuration order), then any extra ones istiod reports. */
  columns: string[];
  rows: MatrixRow[];
}

/** Worst state first: one replica out of sync makes the cell out of sync. */
const SEVERITY = ['closed', 'timeout', 'missing', 'syncing', 'synced'];

function worst(states: string[]): string {
  const rank = (s: string) => {
    const i = SEVERITY.indexOf(s);
    return i === -1 ? -1 : i; // unknown words rank worst: someone should look
  };
  return [...states].sort((a, b) => rank(a) - rank(b))[0];
}

/**
 * Builds the remote-sync matrix: rows are clusters with istiod, columns every cluster ID in play.
 * A configured cluster an istiod does not read is `missing` (the remote secret is absent or broken).
 */
export function buildSyncMatrix(mesh: ClusterMesh[]): SyncMatrix {
  const columns: string[] = [];
  const add = (id: string | null) => {
    if (id && !columns.includes(id)) columns.push(id);
  };
  for (const c of mesh) add(c.clusterId);
  for (const c of mesh) for (const r of c.remoteClusters) add(r.name);

  const rows: MatrixRow[] = [];
  for (const c of mesh) {
    if (!c.ok) {
      rows.push({ cluster: c.cluster, clusterId: c.clusterId, error: notOkReason(c, 'not readable'), cells: {} });
      continue;
    }
    if (c.istiod.length === 0 && c.remoteClusters.length === 0) {
      // Nothing failed: no control plane here, a remote-only cluster. Something failed: istiod may be
      // there unseen, so the row stays and says why.
      const failed = istiodReadError(c);
      if (failed) rows.push({ cluster: c.cluster, clusterId: c.clusterId, error: failed.message, cells: {} });
      continue;
    }
    const cells: Record<string, MatrixCell> = {};
    // No rows and an istiod source failed: clusterz was not read. No rows otherwise: an istiod before
    // 1.22 with no remote secret (its clusterz is null).
    const unread = c.remoteClusters.length === 0 && (c.istiod.length === 0 || c.errors.some((e) => e.source.startsWith('istiod')));
    for (const col of columns) {
      if (unread) {
        cells[col] = { state: 'unknown', rows: [] };
        continue;
      }
      const rs = c.remoteClusters.filter((r) => r.name === col);
      if (rs.length > 0) cells[col] = { state: worst(rs.map((r) => r.status)), rows: rs };
      else cells[col] = { state: col === c.clusterId ? 'local' : 'missing', rows: [] };
    }
    rows.push({ cluster: c.cluster, clusterId: c.clusterId, error: null, cells });
  }
  return { columns, rows };
}

/** True when the readable clusters have at least one root certificate in common (a rotation may add a second). */
export function sharesRootCert(mesh: ClusterMesh[]): boolean {
  const sets = mesh.filter((c) => c.ok && c.rootCertFingerprints.length > 0).map((c) => c.rootCertFingerprints);
  if (sets.length <= 1) return true;
  return sets[0].some((fp) => sets.every((s) => s.includes(fp)));
}
