import type { ClusterMesh } from '@/lib/types/api';
import { StatusPill } from '../StatusPill';

const th = 'px-2 py-1 text-left font-medium text-slate-500 dark:text-slate-400';
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
            <th className={th}>Cluster</th>
            <th className={th}>Name</th>
            <th className={th}>Role</th>
            <th className={th}>Type</th>
            <th className={th}>Cluster IP</th>
            <th className={th}>External IP</th>
            <th className={th}>Ports</th>
            <th className={th}>Network</th>
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
