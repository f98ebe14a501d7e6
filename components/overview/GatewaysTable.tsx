import type { ClusterMesh } from '@/lib/types/api';
import { StatusPill } from '../StatusPill';
import { headerCellClass } from '@/lib/ui/classes';

const td = 'px-2 py-1 align-top';

/** istio-system gateway Services of every readable cluster, as `kubectl get svc` would show them. */
export function GatewaysTable({ clusters }: { clusters: ClusterMesh[] }) {
  const rows = clusters.filter((c) => c.ok).flatMap((c) => c.gateways.map((g) => ({ cluster: c.cluster, clusterId: c.clusterId, g })));
  if (rows.length === 0) return <p className="text-xs text-slate-500">No gateway Services found in istio-system.</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-xs" data-testid="gateways">
        <thead className="border-b border-slate-200 dark:border-slate-800">
          <tr>
            <th className={headerCellClass}>Cluster</th>
            <th className={headerCellClass}>Name</th>
            <th className={headerCellClass}>Role</th>
            <th className={headerCellClass}>Type</th>
            <th className={headerCellClass}>Cluster IP</th>
            <th className={headerCellClass}>External IP</th>
            <th className={headerCellClass}>Ports</th>
            <th className={headerCellClass}>Network</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ cluster, clusterId, g }) => (
            <tr key={`${cluster}/${g.namespace}/${g.name}`} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
              <td className={`${td} font-mono`} title={cluster}>
                {clusterId ?? cluster}
              </td>
              <td className={`${td} font-mono`}>{g.name}</td>
              <td className={td}>{g.role}</td>
              <td className={td}>{g.type}</td>
              <td className={`${td} font-mono`}>{g.clusterIP ?? '—'}</td>
              <td className={`${td} font-mono`} data-testid="gateway-external">
                {g.pending ? (
                  <StatusPill tone="warn" title="LoadBalancer has no external address yet">
                    pending
                  </StatusPill>
                ) : (
                  [...g.externalIPs, ...(g.hostname ? [g.hostname] : [])].join(', ') || '—'
                )}
              </td>
              <td className={`${td} font-mono text-[11px] text-slate-600 dark:text-slate-300`} title={g.ports.join(', ')}>
                {g.ports.join(' ')}
              </td>
              <td className={`${td} font-mono`}>{g.network ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
