'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { useClusters, usePods } from '@/lib/hooks/queries';
import { useDraft } from '@/lib/hooks/use-draft';
import { useSearchState } from '@/lib/hooks/use-search-state';
import { podPath } from '@/lib/ui/format';
import { podMatches, sortPods } from '@/lib/ui/pods';
import { ClusterErrorBanner } from '../ClusterErrorBanner';
import { EmptyState } from '../EmptyState';
import { FreshnessBadge } from '../FreshnessBadge';
import { SkeletonRows } from '../Skeleton';
import { StatusPill } from '../StatusPill';
import { controlClass, fieldLabelClass } from '@/lib/ui/classes';


/** Cluster → namespace → pod, with search; every choice lives in the URL. */
export function PodPicker() {
  const [params, update] = useSearchState();
  const cluster = params.get('cluster');
  const namespace = params.get('namespace') ?? '';
  const search = params.get('q') ?? '';
  const [searchDraft, setSearchDraft, flushSearch] = useDraft(search, (v) => update({ q: v }), 200);
  const clusters = useClusters();
  const pods = usePods(cluster, namespace);

  const shown = useMemo(() => sortPods((pods.data?.pods ?? []).filter((p) => (!namespace || p.namespace === namespace) && podMatches(p, search))), [pods.data, namespace, search]);

  return (
    <main className="space-y-2">
      <h1 className="text-base font-semibold">Pick a pod to see its outbound endpoints</h1>
      <div className="flex flex-wrap items-end gap-3">
        <label className={fieldLabelClass}>
          Cluster
          <select className={controlClass} value={cluster ?? ''} onChange={(e) => update({ cluster: e.target.value, namespace: null })} data-testid="picker-cluster">
            <option value="">Choose a cluster…</option>
            {(clusters.data?.clusters ?? []).map((c) => (
              <option key={c.name} value={c.name} disabled={!c.reachable}>
                {c.name}
                {c.reachable ? '' : ` (${c.error?.kind ?? 'unreachable'})`}
              </option>
            ))}
          </select>
        </label>
        <label className={fieldLabelClass}>
          Namespace
          <select className={controlClass} value={namespace} disabled={!cluster} onChange={(e) => update({ namespace: e.target.value })} data-testid="picker-namespace">
            <option value="">All namespaces</option>
            {(pods.data?.namespaces ?? []).map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <label className={fieldLabelClass}>
          Search
          <input type="search" className={`${controlClass} w-64`} placeholder="name, app, version or IP" value={searchDraft} onChange={(e) => setSearchDraft(e.target.value)} onBlur={flushSearch} data-testid="picker-search" />
        </label>
        {pods.data && <FreshnessBadge fetchedAt={pods.data.fetchedAt} failed={!!pods.data.error && pods.data.pods.length === 0} className="mb-1.5" />}
      </div>

      {!cluster ? (
        <EmptyState title="Choose a cluster">Then a namespace, or search across all of them. Pods with an Istio sidecar are listed first.</EmptyState>
      ) : pods.isPending ? (
        <SkeletonRows rows={8} label="loading pods" />
      ) : pods.isError ? (
        <ClusterErrorBanner problems={[{ cluster, error: { kind: 'bad-response', message: pods.error.message, source: 'pods' } }]} />
      ) : (
        <>
          {pods.data.error && <ClusterErrorBanner problems={[{ cluster, error: pods.data.error }]} />}
          {shown.length === 0 && pods.data.error ? (
            <EmptyState title="Pods could not be listed">The error above says why. Pick another cluster, or wait for the next poll.</EmptyState>
          ) : shown.length === 0 ? (
            <EmptyState title={search ? `No pod matches “${search}”` : 'No pods here'}>{search ? 'Clear the search or pick another namespace.' : 'Pick another namespace or cluster.'}</EmptyState>
          ) : (
            <table className="w-full text-sm" data-testid="pod-list">
              <thead className="border-b border-slate-200 text-left text-xs text-slate-500 dark:border-slate-800">
                <tr>
                  <th className="px-2 py-1 font-medium">Pod</th>
                  <th className="px-2 py-1 font-medium">Namespace</th>
                  <th className="px-2 py-1 font-medium">App / version</th>
                  <th className="px-2 py-1 font-medium">IP</th>
                  <th className="px-2 py-1 font-medium">Phase</th>
                  <th className="px-2 py-1 font-medium">Sidecar</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((p) => (
                  <tr key={`${p.namespace}/${p.name}`} className="border-b border-slate-100 hover:bg-slate-100/60 dark:border-slate-800 dark:hover:bg-slate-800/60">
                    <td className="px-2 py-1 font-mono text-xs">
                      {p.hasSidecar ? (
                        <Link className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-300" href={podPath(cluster, p.namespace, p.name)}>
                          {p.name}
                        </Link>
                      ) : (
                        <span className="text-slate-500" title="No Istio sidecar: no outbound endpoints to show">
                          {p.name}
                        </span>
                      )}
                    </td>
                    <td className="px-2 py-1 font-mono text-xs">{p.namespace}</td>
                    <td className="px-2 py-1 text-xs">{[p.app, p.version].filter(Boolean).join(' / ') || '—'}</td>
                    <td className="px-2 py-1 font-mono text-xs">{p.ip ?? '—'}</td>
                    <td className="px-2 py-1 text-xs">
                      <StatusPill tone={p.phase === 'Running' && p.ready ? 'ok' : p.phase === 'Pending' ? 'warn' : p.phase === 'Running' ? 'warn' : 'muted'}>
                        {p.phase}
                        {p.phase === 'Running' && !p.ready ? ', not ready' : ''}
                      </StatusPill>
                    </td>
                    <td className="px-2 py-1 text-xs">{p.hasSidecar ? 'istio-proxy' : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </main>
  );
}
