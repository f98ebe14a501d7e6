'use client';

import { useMemo } from 'react';
import { XDS_TYPES, type ProxyStatusRow } from '@/lib/types/api';
import { useMesh } from '@/lib/hooks/queries';
import { apiUrls } from '@/lib/hooks/query-keys';
import { useSearchState } from '@/lib/hooks/use-search-state';
import Link from 'next/link';
import { podPath, proxyStatusTone } from '@/lib/ui/format';
import { proxyPod } from '@/lib/ui/pods';
import { proxySyncUnread } from '@/lib/ui/problems';
import { resolveCluster } from '@/lib/ui/pods';
import { ClusterStatusBanner } from '../ClusterStatusBanner';
import { CopyTableButton } from '../CopyTableButton';
import { EmptyState } from '../EmptyState';
import { FreshnessBadge } from '../FreshnessBadge';
import { SkeletonRows } from '../Skeleton';
import { StatusPill } from '../StatusPill';
import { PROXY_STATES } from '../overview/ProxySyncPanel';
import { controlClass, fieldLabelClass, headerCellClass } from '@/lib/ui/classes';

/** `status=problems` (the default): STALE or ERROR, the states an SRE acts on. */
const PROBLEMS = 'problems';

/** Proxies as `istioctl proxy-status` lists them, by default only the stale or errored ones. */
export function ProxyList() {
  const [params, update] = useSearchState();
  const status = params.get('status') ?? PROBLEMS;
  const mesh = useMesh();
  // ?cluster= names a context or an Istio cluster ID.
  const named = params.get('cluster') ?? '';
  const cluster = named && resolveCluster(named, mesh.data?.clusters ?? []).context;

  const rows = useMemo(() => {
    const out: Array<ProxyStatusRow & { context: string }> = [];
    for (const c of mesh.data?.clusters ?? []) {
      if (cluster && c.cluster !== cluster) continue;
      for (const p of c.proxySync?.proxies ?? []) {
        if (status === PROBLEMS ? p.overall !== 'STALE' && p.overall !== 'ERROR' : status !== 'all' && p.overall !== status) continue;
        out.push({ ...p, context: c.cluster });
      }
    }
    return out;
  }, [mesh.data, cluster, status]);

  // A proxy's CLUSTER is its Istio cluster ID; pod URLs take the context that has that ID.
  const contextOf = useMemo(() => {
    const byId = new Map((mesh.data?.clusters ?? []).flatMap((c) => (c.clusterId ? [[c.clusterId, c.cluster] as const] : [])));
    return (p: ProxyStatusRow & { context: string }) => byId.get(p.cluster) ?? p.context;
  }, [mesh.data]);

  // An empty list proves nothing about clusters whose proxy status could not be read.
  const someUnread = (mesh.data?.clusters ?? []).some((c) => (!cluster || c.cluster === cluster) && proxySyncUnread(c));

  return (
    <main className="space-y-2">
      <div className="flex flex-wrap items-end gap-3">
        <h1 className="mr-2 text-base font-semibold">Proxy sync</h1>
        <label className={fieldLabelClass}>
          Reported by istiod in
          <select className={controlClass} value={cluster} onChange={(e) => update({ cluster: e.target.value })}>
            <option value="">every cluster</option>
            {(mesh.data?.clusters ?? []).map((c) => (
              <option key={c.cluster} value={c.cluster}>
                {c.cluster}
              </option>
            ))}
          </select>
        </label>
        <label className={fieldLabelClass}>
          Status
          <select className={controlClass} value={status} onChange={(e) => update({ status: e.target.value === PROBLEMS ? null : e.target.value })}>
            <option value={PROBLEMS}>STALE or ERROR</option>
            <option value="all">all</option>
            {PROXY_STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <FreshnessBadge fetchedAt={mesh.data?.generatedAt} className="mb-1.5" />
        <span className="mb-1 ml-auto">
          <CopyTableButton url={apiUrls.proxyStatusTable()} label="copy as istioctl" />
        </span>
      </div>
      <ClusterStatusBanner clusters={mesh.data?.clusters} />
      {mesh.isPending ? (
        <SkeletonRows rows={6} label="loading proxies" />
      ) : mesh.isError ? (
        <EmptyState title="Could not load proxy status">{mesh.error.message}</EmptyState>
      ) : rows.length === 0 ? (
        <EmptyState title={`${status === PROBLEMS ? 'No proxy is STALE or ERROR' : 'No proxy in this state'}${someUnread ? ' among the clusters that could be read' : ''}`}>
          {someUnread ? 'Some proxy status could not be read (see above): those proxies may be in this state. ' : 'Nothing to look at here; '}choose “all” to list every proxy.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className="w-full text-xs" data-testid="proxy-list">
            <thead className="border-b border-slate-200 dark:border-slate-800">
              <tr>
                <th className={headerCellClass}>NAME</th>
                <th className={headerCellClass}>CLUSTER</th>
                {XDS_TYPES.map((t) => (
                  <th key={t} className={headerCellClass}>
                    {t}
                  </th>
                ))}
                <th className={headerCellClass}>ISTIOD</th>
                <th className={headerCellClass}>VERSION</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((p) => (
                <tr key={`${p.context}/${p.istiod}/${p.name}`} className="border-b border-slate-100 dark:border-slate-800">
                  <td className="px-2 py-1 font-mono">
                    <ProxyName row={p} context={contextOf(p)} />
                  </td>
                  <td className="px-2 py-1 font-mono">{p.cluster}</td>
                  {XDS_TYPES.map((t) => {
                    const s: string = p.types[t] ?? ''; // older istiods omit ECDS
                    return (
                      <td key={t} className="px-2 py-1">
                        {s === 'SYNCED' || s === 'IGNORED' || s === '' ? <span className="text-slate-600 dark:text-slate-300">{s}</span> : <StatusPill tone={proxyStatusTone(s)}>{s}</StatusPill>}
                      </td>
                    );
                  })}
                  <td className="px-2 py-1 font-mono">{p.istiod}</td>
                  <td className="px-2 py-1 font-mono">{p.version}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

/** The proxy's name, linked to its pod's outbound endpoints. */
function ProxyName({ row, context }: { row: ProxyStatusRow; context: string }) {
  const ref = proxyPod(row.name);
  if (!ref) return <>{row.name}</>;
  return (
    <Link className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-300" href={podPath(context, ref.namespace, ref.pod)} title="outbound endpoints of this proxy">
      {row.name}
    </Link>
  );
}
