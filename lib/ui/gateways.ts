import type { ClusterMesh, GatewayService } from '@/lib/types/api';
import { notOkReason } from './problems';

/** One row of the gateways table: a gateway Service, or a cluster whose gateways could not be read. */
export type GatewayRow =
  | { kind: 'gateway'; cluster: string; clusterId: string | null; gateway: GatewayService }
  | { kind: 'unknown'; cluster: string; clusterId: string | null; reason: string };

/**
 * The gateways of every cluster, in cluster order. A cluster that could not be read, or whose Services
 * could not be listed, is one "unknown" row with the reason: its gateways must not silently vanish.
 */
export function gatewayRows(clusters: ClusterMesh[]): GatewayRow[] {
  return clusters.flatMap((c): GatewayRow[] => {
    const base = { cluster: c.cluster, clusterId: c.clusterId };
    if (!c.ok) return [{ kind: 'unknown', ...base, reason: notOkReason(c) }];
    const unlisted = c.errors.find((e) => e.source.startsWith('services'));
    const rows: GatewayRow[] = c.gateways.map((gateway) => ({ kind: 'gateway', ...base, gateway }));
    return unlisted ? [...rows, { kind: 'unknown', ...base, reason: unlisted.message }] : rows;
  });
}
