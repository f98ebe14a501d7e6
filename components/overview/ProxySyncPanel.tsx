import Link from 'next/link';
import type { ClusterMesh, ProxyStatusRow } from '@/lib/types/api';
import { proxyStatusTone, TONE_CLASSES, TONE_ICON } from '@/lib/ui/format';

export const PROXY_STATES: Array<ProxyStatusRow['overall']> = ['SYNCED', 'NOT SENT', 'STALE', 'ERROR'];

/**
 * Per cluster: how many proxies its istiod sees in each state (the worst of CDS/LDS/EDS/RDS/ECDS; a type
 * istiod never sent, such as ECDS without extension config, does not count); every non-zero count links to the list.
 */
export function ProxySyncPanel({ clusters }: { clusters: ClusterMesh[] }) {
  return (
    <table className="w-full text-xs" data-testid="proxy-sync">
      <thead>
        <tr>
          <th className="px-1 py-1 text-left font-medium text-slate-500">istiod in</th>
          {PROXY_STATES.map((s) => (
            <th key={s} className="px-1 py-1 text-left font-medium text-slate-500">
              {s}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {clusters.map((c) => (
          <tr key={c.cluster} data-cluster={c.cluster}>
            <th scope="row" className="px-1 py-1 text-left font-mono font-medium" title={c.cluster}>
              {c.clusterId ?? c.cluster}
            </th>
            {!c.ok || !c.proxySync ? (
              <td colSpan={PROXY_STATES.length} className="px-1 text-slate-500">
                {c.ok ? 'not available (istiod unreadable)' : 'unknown: cluster not readable'}
              </td>
            ) : (
              PROXY_STATES.map((s) => {
                const n = c.proxySync!.counts[s] ?? 0;
                const tone = n === 0 ? 'muted' : proxyStatusTone(s);
                const body = (
                  <span className={`inline-flex min-w-10 items-center gap-1 rounded px-1.5 py-0.5 ring-1 ring-inset ${TONE_CLASSES[tone]}`}>
                    <span aria-hidden="true">{TONE_ICON[tone]}</span>
                    {n}
                  </span>
                );
                return (
                  <td key={s} className="px-1 py-0.5">
                    {n > 0 ? (
                      <Link href={`/proxies?cluster=${encodeURIComponent(c.cluster)}&status=${encodeURIComponent(s)}`} aria-label={`${n} ${s} proxies in ${c.cluster}`}>
                        {body}
                      </Link>
                    ) : (
                      body
                    )}
                  </td>
                );
              })
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
