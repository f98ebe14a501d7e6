import type { TrafficClusterStatus } from '@/lib/types/traffic';
import { ClusterStatusBanner } from '../ClusterStatusBanner';
import { EmptyState } from '../EmptyState';

/**
 * What is missing from a traffic answer: no Prometheus at all (what to configure), or some clusters'
 * Prometheus failing (their traffic is unavailable; the rest is shown).
 */
export function TrafficStatus({ configured, hint, clusters, compact = false }: { configured: boolean; hint: string | null; clusters: TrafficClusterStatus[]; compact?: boolean }) {
  if (!configured) {
    return (
      <div data-testid="traffic-not-configured">
        <EmptyState title="No traffic metrics">{hint}</EmptyState>
      </div>
    );
  }
  if (clusters.every((c) => c.ok)) return null;
  return (
    <div data-testid="traffic-errors" className={compact ? 'text-xs' : ''}>
      <ClusterStatusBanner clusters={clusters} notOk="warning" what="traffic unavailable" />
    </div>
  );
}
