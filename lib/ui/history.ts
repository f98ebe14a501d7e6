import type { MeshResponse } from '@/lib/types/api';

/** One poll's sync state per cluster, kept in the browser for the "since this page opened" charts. */
export interface SyncSample {
  /** Epoch ms of the response. */
  t: number;
  /** Keyed by context name; clusters whose data could not be read are absent (a gap in the chart). */
  remoteSynced: Record<string, number>;
  remoteNotSynced: Record<string, number>;
  proxiesSynced: Record<string, number>;
  /** STALE or ERROR: NOT SENT is normal (istiod sends no ECDS without extension config). */
  proxiesStaleOrError: Record<string, number>;
}

export function sampleOf(mesh: MeshResponse): SyncSample {
  const s: SyncSample = { t: Date.parse(mesh.generatedAt), remoteSynced: {}, remoteNotSynced: {}, proxiesSynced: {}, proxiesStaleOrError: {} };
  for (const c of mesh.clusters) {
    if (!c.ok) continue;
    const synced = c.remoteClusters.filter((r) => r.status === 'synced').length;
    s.remoteSynced[c.cluster] = synced;
    s.remoteNotSynced[c.cluster] = c.remoteClusters.length - synced;
    if (c.proxySync) {
      const { counts } = c.proxySync;
      s.proxiesSynced[c.cluster] = counts.SYNCED ?? 0;
      s.proxiesStaleOrError[c.cluster] = (counts.STALE ?? 0) + (counts.ERROR ?? 0);
    }
  }
  return s;
}

/** Appends a sample unless it repeats the last one's time (a cached answer); keeps the newest `max`. */
export function appendSample(history: SyncSample[], sample: SyncSample, max = 360): SyncSample[] {
  if (!Number.isFinite(sample.t)) return history;
  const last = history[history.length - 1];
  if (last && last.t >= sample.t) return history;
  const next = [...history, sample];
  return next.length > max ? next.slice(next.length - max) : next;
}
