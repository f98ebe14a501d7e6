'use client';

import Link from 'next/link';
import { useMemo } from 'react';
import { useClusters, usePods, usePodsOfClusters } from '@/lib/hooks/queries';
import type { PodSummary } from '@/lib/types/api';
import { noEnvoyReason } from '@/lib/format/kube';
import { useDraft } from '@/lib/hooks/use-draft';
import { useSearchState } from '@/lib/hooks/use-search-state';
import { podPath } from '@/lib/ui/format';
import { podMatches, resolveCluster, sortPods } from '@/lib/ui/pods';
import { requestProblem } from '@/lib/ui/problems';
import { ClusterStatusBanner } from '../ClusterStatusBanner';
import { EmptyState } from '../EmptyState';
import { FreshnessBadge } from '../FreshnessBadge';
import { SkeletonRows } from '../Skeleton';
import { StatusPill } from '../StatusPill';
import { controlClass, fieldLabelClass } from '@/lib/ui/classes';


/** A picked pod, with the cluster it is in (the search across clusters mixes them). */
type PickedPod = PodSummary & { cluster: string };

/** Cluster → namespace → pod, with search (across every cluster while none is chosen); every choice lives in the URL. */
export function PodPicker() {
  const [params, update] = useSearchState();
  const cluster = params.get('cluster');
  const namespace = params.get('namespace') ?? '';
  const search = params.get('q') ?? '';
  const [searchDraft, setSearchDraft, flushSearch] = useDraft(search, (v) => update({ q: v }), 200);
  const clusters = useClusters();
  const pods = usePods(cluster, namespace);
  // No cluster chosen and a search typed: look in every reachable cluster.
  const everywhere = !cluster && search !== '';
  const reachable = useMemo(() => (clusters.data?.clusters ?? []).filter((c) => c.ok).map((c) => c.cluster), [clusters.data]);
  const allPods = usePodsOfClusters(everywhere ? reachable : []);

  // ?cluster= may name an Istio cluster ID: the choice shown is its context.
  const selected = cluster ? resolveCluster(cluster, clusters.data?.clusters ?? []).context : '';
  const shown = useMemo<PickedPod[]>(() => {
    const answers = everywhere ? allPods.flatMap((q) => (q.data ? [q.data] : [])) : pods.data && cluster ? [pods.data] : [];
    const list = answers.flatMap((a) => a.pods.map((p) => ({ ...p, cluster: a.cluster })));
    return sortPods(list.filter((p) => (everywhere || !namespace || p.namespace === namespace) && podMatches(p, search)));
  }, [everywhere, allPods, pods.data, cluster, namespace, search]);
  const searching = everywhere && allPods.some((q) => q.isPending);
  // The chosen cluster's pods could not be listed (its envelope not ok).
  const ownOk = pods.data?.clusters[0]?.ok !== false;

  return (
    <main className="space-y-2">
      <h1 className="text-base font-semibold">Pick a pod to see its outbound endpoints</h1>
      <div className="flex flex-wrap items-end gap-3">
        <label className={fieldLabelClass}>
          Cluster
          <select className={controlClass} value={selected} onChange={(e) => update({ cluster: e.target.value || null, namespace: null })} data-testid="picker-cluster">
            <option value="">All clusters (search)…</option>
            {(clusters.data?.clusters ?? []).map((c) => (
              <option key={c.cluster} value={c.cluster} disabled={!c.ok}>
                {c.cluster}
                {c.ok ? '' : ` (${c.errors[0]?.kind ?? 'unreachable'})`}
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
          <input type="search" className={`${controlClass} w-64`} placeholder="e.g. reviews, v2 or 10.244.1.7" value={searchDraft} onChange={(e) => setSearchDraft(e.target.value)} onBlur={flushSearch} data-testid="picker-search" />
        </label>
        {pods.data && cluster && <FreshnessBadge fetchedAt={pods.data.fetchedAt} failed={!ownOk} className="mb-1.5" pushed />}
      </div>

      {!cluster && !search ? (
        <EmptyState title="Choose a cluster, or search them all">Type a pod name, app, version or IP to see matches from every cluster. Pods with an Istio sidecar are listed first.</EmptyState>
      ) : !everywhere && pods.isPending ? (
        <SkeletonRows rows={8} label="loading pods" />
      ) : !everywhere && pods.isError ? (
        <ClusterStatusBanner failed={[requestProblem(cluster!, pods.error, 'pods')]} />
      ) : (
        <>
          <ClusterStatusBanner clusters={everywhere ? allPods.flatMap((q) => q.data?.clusters ?? []) : pods.data?.clusters} />
          {shown.length === 0 && searching ? (
            <SkeletonRows rows={4} label="searching every cluster" />
          ) : shown.length === 0 && !everywhere && !ownOk ? (
            <EmptyState title="Pods could not be listed">The error above says why. Pick another cluster, or wait for the next poll.</EmptyState>
          ) : shown.length === 0 ? (
            <EmptyState title={search ? `No pod matches “${search}”${everywhere ? ' in any cluster' : ''}` : 'No pods here'}>
              {search ? 'Clear the search or pick another namespace.' : 'Pick another namespace or cluster.'}
            </EmptyState>
          ) : (
            <PodTable pods={shown} showCluster={everywhere} />
          )}
        </>
      )}
    </main>
  );
}

function PodTable({ pods, showCluster }: { pods: PickedPod[]; showCluster: boolean }) {
  const th = 'px-2 py-1 font-medium';
  return (
    <table className="w-full text-sm" data-testid="pod-list">
      <thead className="border-b border-slate-200 text-left text-xs text-slate-500 dark:border-slate-800">
        <tr>
          <th className={th}>Pod</th>
          {showCluster && <th className={th}>Cluster</th>}
          <th className={th}>Namespace</th>
          <th className={th}>App / version</th>
          <th className={th}>IP</th>
          <th className={th}>Phase</th>
          <th className={th}>Envoy</th>
        </tr>
      </thead>
      <tbody>
        {pods.map((p) => {
          // Only a running pod with a sidecar has an Envoy to ask: the others are marked, not linked.
          const noEnvoy = noEnvoyReason(p);
          return (
            <tr key={`${p.cluster}/${p.namespace}/${p.name}`} data-no-envoy={noEnvoy ? true : undefined} className="border-b border-slate-100 hover:bg-slate-100/60 dark:border-slate-800 dark:hover:bg-slate-800/60">
              <td className="px-2 py-1 font-mono text-xs">
                {noEnvoy ? (
                  <span className="text-slate-500" title={noEnvoy}>
                    {p.name}
                  </span>
                ) : (
                  <Link className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-300" href={podPath(p.cluster, p.namespace, p.name)}>
                    {p.name}
                  </Link>
                )}
              </td>
              {showCluster && <td className="px-2 py-1 font-mono text-xs">{p.cluster}</td>}
              <td className="px-2 py-1 font-mono text-xs">{p.namespace}</td>
              <td className="px-2 py-1 text-xs">{p.workload.name} / {p.workload.version}</td>
              <td className="px-2 py-1 font-mono text-xs">{p.ip ?? '—'}</td>
              <td className="px-2 py-1 text-xs">
                <StatusPill tone={p.phase === 'Running' && p.ready ? 'ok' : p.phase === 'Pending' ? 'warn' : p.phase === 'Running' ? 'warn' : 'muted'}>
                  {p.phase}
                  {p.phase === 'Running' && !p.ready ? ', not ready' : ''}
                </StatusPill>
              </td>
              <td className="px-2 py-1 text-xs" data-testid="pod-envoy">
                {!p.hasSidecar ? (
                  <span className="text-slate-500" title={noEnvoy ?? undefined}>
                    no istio-proxy
                  </span>
                ) : noEnvoy ? (
                  <StatusPill tone="warn" title={noEnvoy}>
                    no Envoy yet
                  </StatusPill>
                ) : (
                  'istio-proxy'
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
