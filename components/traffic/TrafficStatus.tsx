import type { TrafficClusterStatus } from '@/lib/types/traffic';
import { ClusterErrorBanner } from '../ClusterErrorBanner';
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
  const failed = clusters.filter((c) => c.error);
  if (failed.length === 0) return null;
  return (
    <div data-testid="traffic-errors" className={compact ? 'text-xs' : ''}>
      <ClusterErrorBanner severity="warning" problems={failed.map((c) => ({ cluster: c.cluster, error: { ...c.error!, message: `traffic unavailable — ${c.error!.message}` } }))} />
    </div>
  );
}
