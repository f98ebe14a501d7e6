'use client';

import { useQuery } from '@tanstack/react-query';
import type { ClustersResponse, EndpointsResponse, MeshResponse, PodsResponse, TopologyResponse } from '@/lib/types/api';
import { fetchJson } from './fetch-json';
import { usePolling } from './polling';
import { apiUrls, queryKeys } from './query-keys';

/** One hook per API route; all poll at the shared interval and keep showing the last data while refetching
   (never another cluster's or pod's). */

/** Paused data stays frozen: no polling, and no refetch on page change, window focus or reconnect. */
const FROZEN = { staleTime: Infinity, refetchOnWindowFocus: false, refetchOnReconnect: false } as const;

/** The shared polling options of every query. */
function usePollOptions() {
  const { refetchInterval, paused } = usePolling();
  return paused ? { refetchInterval, ...FROZEN } : { refetchInterval };
}

export function useClusters() {
  const poll = usePollOptions();
  return useQuery({
    queryKey: queryKeys.clusters(),
    queryFn: ({ signal }) => fetchJson<ClustersResponse>(apiUrls.clusters(), signal),
    ...poll,
  });
}

export function useMesh() {
  const poll = usePollOptions();
  return useQuery({
    queryKey: queryKeys.mesh(),
    queryFn: ({ signal }) => fetchJson<MeshResponse>(apiUrls.mesh(), signal),
    ...poll,
  });
}

export function useTopology() {
  const poll = usePollOptions();
  return useQuery({
    queryKey: queryKeys.topology(),
    queryFn: ({ signal }) => fetchJson<TopologyResponse>(apiUrls.topology(), signal),
    ...poll,
  });
}

/** Pods of one cluster, optionally one namespace; disabled until a cluster is chosen. */
export function usePods(cluster: string | null, namespace = '') {
  const poll = usePollOptions();
  return useQuery({
    queryKey: queryKeys.pods(cluster ?? '', namespace),
    queryFn: ({ signal }) => fetchJson<PodsResponse>(apiUrls.pods(cluster ?? '', namespace), signal),
    enabled: !!cluster,
    ...poll,
    // Keep the last list only while the cluster stays the same (a namespace change): another cluster's
    // pods would link into this one.
    placeholderData: (prev) => (prev?.cluster === cluster ? prev : undefined),
  });
}

export function useEndpoints(cluster: string, namespace: string, pod: string, filterQuery: string) {
  const poll = usePollOptions();
  return useQuery({
    queryKey: queryKeys.endpoints(cluster, namespace, pod, filterQuery),
    queryFn: ({ signal }) => fetchJson<EndpointsResponse>(apiUrls.endpoints(cluster, namespace, pod, filterQuery), signal),
    ...poll,
    // Keep the last rows only while the filter changes: another pod's endpoints must never show as this one's.
    placeholderData: (prev) => (prev?.cluster === cluster && prev.namespace === namespace && prev.pod === pod ? prev : undefined),
  });
}
