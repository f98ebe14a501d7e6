'use client';

import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useMemo } from 'react';
import { useClusters, useEndpoints } from '@/lib/hooks/queries';
import { apiUrls } from '@/lib/hooks/query-keys';
import { useSearchState } from '@/lib/hooks/use-search-state';
import { endpointFilterQuery, readEndpointFilters, type EndpointFilters } from '@/lib/ui/endpoints';
import { resolveCluster } from '@/lib/ui/pods';
import { requestProblem } from '@/lib/ui/problems';
import { ClusterStatusBanner } from '../ClusterStatusBanner';
import { CopyTableButton } from '../CopyTableButton';
import { EmptyState } from '../EmptyState';
import { FreshnessBadge } from '../FreshnessBadge';
import { Skeleton, SkeletonRows } from '../Skeleton';
import { EndpointFiltersForm } from './EndpointFiltersForm';
import { EndpointsTable, type ClusterNames } from './EndpointsTable';

const TrafficHistoryCharts = dynamic(() => import('../traffic/TrafficHistoryCharts'), { ssr: false, loading: () => <Skeleton className="h-24 w-full" label="loading charts" /> });
const HealthDonut = dynamic(() => import('./HealthDonut'), { ssr: false, loading: () => <Skeleton className="h-16 w-16 rounded-full" label="loading chart" /> });

/** A pod's outbound endpoints (`istioctl proxy-config endpoints`), filters and grouping in the URL. */
export function EndpointsView({ cluster, namespace, pod }: { cluster: string; namespace: string; pod: string }) {
  const [params, update] = useSearchState();
  const filters = readEndpointFilters(params);
  const grouped = params.get('group') === '1';
  const filterQuery = endpointFilterQuery(filters);
  const endpoints = useEndpoints(cluster, namespace, pod, filterQuery);
  const clusters = useClusters();

  const names = useMemo<ClusterNames>(() => {
    const list = clusters.data?.clusters ?? [];
    return { context: (c) => resolveCluster(c, list).context, id: (c) => resolveCluster(c, list).id };
  }, [clusters.data]);

  const data = endpoints.data;
  // The pod's cluster (the first envelope) gave nothing: it must not look like a fresh, empty proxy.
  const own = data?.clusters[0];
  const readFailed = own?.ok === false;
  // RBAC denials do not heal by themselves: the page must not promise that the next poll helps.
  const denied = !!own && own.errors.some((e) => e.kind === 'forbidden' || e.kind === 'unauthorized' || e.kind === 'config');
  const tableUrl = apiUrls.endpoints(cluster, namespace, pod, endpointFilterQuery(filters, { output: 'table' }));

  return (
    <main className="space-y-2">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <nav aria-label="Breadcrumb" className="text-xs text-slate-500">
          <Link className="underline" href={`/pods?cluster=${encodeURIComponent(cluster)}&namespace=${encodeURIComponent(namespace)}`}>
            Pods
          </Link>{' '}
          / {cluster} / {namespace}
        </nav>
        <h1 className="font-mono text-base font-semibold">{pod}</h1>
        <span className="text-xs text-slate-500">outbound endpoints</span>
        <FreshnessBadge fetchedAt={data?.fetchedAt} failed={readFailed} />
        <span className="ml-auto">
          <CopyTableButton url={tableUrl} label="copy as istioctl table" />
        </span>
      </div>

      <div className="flex items-end gap-3">
        <div className="min-w-0 flex-1">
          <EndpointFiltersForm
            filters={filters}
            envoyClusters={data?.envoyClusters ?? []}
            grouped={grouped}
            onChange={(patch: Partial<EndpointFilters>) => update(patch)}
            onGroupedChange={(g) => update({ group: g ? '1' : null })}
          />
        </div>
        {data && data.rows.length > 0 && (
          <aside aria-label="Endpoint health mix" className="shrink-0">
            <HealthDonut rows={data.rows} />
          </aside>
        )}
      </div>

      {endpoints.isPending ? (
        <SkeletonRows rows={6} label="loading endpoints" />
      ) : endpoints.isError ? (
        <ClusterStatusBanner failed={[requestProblem(cluster, endpoints.error, `pod ${namespace}/${pod}`)]} />
      ) : (
        <>
          <ClusterStatusBanner clusters={data!.clusters} />
          {data!.noEnvoy ? (
            <EmptyState title={`No Envoy to ask: ${data!.noEnvoy}`}>
              Outbound endpoints come from the pod&apos;s istio-proxy sidecar. Pick a running pod with a sidecar from the <Link className="underline" href="/pods">pod list</Link>.
            </EmptyState>
          ) : readFailed ? (
            <EmptyState title="No endpoints could be read (see above)">
              {denied
                ? 'Retrying will not help: the permission named above must be granted first (the page picks it up on the next poll once it is).'
                : "The pod's Envoy or its cluster did not answer; the next poll tries again."}
            </EmptyState>
          ) : data!.rows.length === 0 && data!.emptyClusters.length === 0 ? (
            <EmptyState title={filterQuery ? 'No endpoint matches these filters' : 'This proxy reports no endpoints'}>
              {filterQuery ? 'Clear or widen the filters.' : 'Is the pod running with an istio-proxy sidecar? Check the sidecar and the errors above.'}
            </EmptyState>
          ) : (
            <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
              <EndpointsTable rows={data!.rows} emptyClusters={data!.emptyClusters} grouped={grouped} names={names} from={{ cluster, namespace, pod }} />
            </div>
          )}
        </>
      )}

      {data && (
        // Only for a pod the server knows: an unknown cluster or pod is the page's one error, not two.
        <details className="rounded-lg border border-slate-200 bg-white p-2.5 dark:border-slate-800 dark:bg-slate-900" data-testid="pod-traffic">
          <summary className="cursor-pointer text-sm font-semibold text-slate-700 dark:text-slate-200">Traffic of this pod (Prometheus, last hour)</summary>
          <div className="mt-2 grid grid-cols-1">
            <TrafficHistoryCharts params={{ scope: 'pod', cluster, namespace, name: pod, window: '5m', range: '1h' }} />
          </div>
        </details>
      )}
    </main>
  );
}
