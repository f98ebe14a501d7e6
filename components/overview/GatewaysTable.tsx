import type { ClusterMesh } from '@/lib/types/api';
import { gatewayRows } from '@/lib/ui/gateways';
import { StatusPill } from '../StatusPill';
import { headerCellClass } from '@/lib/ui/classes';

const td = 'px-2 py-1 align-top';

/** Gateway Services of every cluster, as `kubectl get svc` would show them; an unreadable cluster is an "unknown" row. */
export function GatewaysTable({ clusters }: { clusters: ClusterMesh[] }) {
  const rows = gatewayRows(clusters);
  if (rows.length === 0) return <p className="text-xs text-slate-500">No gateway Services found.</p>;
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
          {rows.map((row) => {
            const clusterCell = (
              <td className={`${td} font-mono`} title={row.cluster}>
                {row.clusterId ?? row.cluster}
              </td>
            );
            if (row.kind === 'unknown') {
              return (
                <tr key={`${row.cluster}/unknown`} data-testid="gateway-unknown" data-cluster={row.cluster} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                  {clusterCell}
                  <td className={td}>
                    <StatusPill tone="muted">unknown</StatusPill>
                  </td>
                  <td className={`${td} text-slate-600 dark:text-slate-300`} colSpan={6}>
                    gateways not read: {row.reason}
                  </td>
                </tr>
              );
            }
            const g = row.gateway;
            return (
              <tr key={`${row.cluster}/${g.namespace}/${g.name}`} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
                {clusterCell}
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
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
