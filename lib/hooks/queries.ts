'use client';

import { useQuery } from '@tanstack/react-query';
import type { ClustersResponse, EndpointsResponse, MeshResponse, PodsResponse, TopologyResponse } from '@/lib/types/api';
import { fetchJson } from './fetch-json';
import { usePolling } from './polling';
import { apiUrls, queryKeys } from './query-keys';

/** One hook per API route; all poll at the shared interval and keep showing the last data while refetching
   (never another cluster's or pod's). */

export function useClusters() {
  const { refetchInterval } = usePolling();
  return useQuery({
    queryKey: queryKeys.clusters(),
    queryFn: ({ signal }) => fetchJson<ClustersResponse>(apiUrls.clusters(), signal),
    refetchInterval,
  });
}

export function useMesh() {
  const { refetchInterval } = usePolling();
  return useQuery({
    queryKey: queryKeys.mesh(),
    queryFn: ({ signal }) => fetchJson<MeshResponse>(apiUrls.mesh(), signal),
    refetchInterval,
  });
}

export function useTopology() {
  const { refetchInterval } = usePolling();
  return useQuery({
    queryKey: queryKeys.topology(),
    queryFn: ({ signal }) => fetchJson<TopologyResponse>(apiUrls.topology(), signal),
    refetchInterval,
  });
}

/** Pods of one cluster, optionally one namespace; disabled until a cluster is chosen. */
export function usePods(cluster: string | null, namespace = '') {
  const { refetchInterval } = usePolling();
  return useQuery({
    queryKey: queryKeys.pods(cluster ?? '', namespace),
    queryFn: ({ signal }) => fetchJson<PodsResponse>(apiUrls.pods(cluster ?? '', namespace), signal),
    enabled: !!cluster,
    refetchInterval,
    // Keep the last list only while the cluster stays the same (a namespace change): another cluster's
    // pods would link into this one.
    placeholderData: (prev) => (prev?.cluster === cluster ? prev : undefined),
  });
}

export function useEndpoints(cluster: string, namespace: string, pod: string, filterQuery: string) {
  const { refetchInterval } = usePolling();
  return useQuery({
    queryKey: queryKeys.endpoints(cluster, namespace, pod, filterQuery),
    queryFn: ({ signal }) => fetchJson<EndpointsResponse>(apiUrls.endpoints(cluster, namespace, pod, filterQuery), signal),
    refetchInterval,
    // Keep the last rows only while the filter changes: another pod's endpoints must never show as this one's.
    placeholderData: (prev) => (prev?.cluster === cluster && prev.namespace === namespace && prev.pod === pod ? prev : undefined),
  });
}
