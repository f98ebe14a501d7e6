'use client';

import { useQueries, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { useCallback } from 'react';
import type { ClustersResponse, ContextsResponse, EndpointsResponse, MeshResponse, PodsResponse, TopologyResponse } from '@/lib/types/api';
import type { ChecksResponse } from '@/lib/checks/types';
import type { TraceResponse } from '@/lib/trace/types';
import { fetchJson, isRefused } from './fetch-json';
import { useLiveState } from './live-updates';
import { usePolling } from './polling';
import { apiUrls, queryKeys } from './query-keys';

/** One hook per API route; all poll at the shared interval and keep showing the last data while refetching
   (never another cluster's or pod's). */

/** Paused data stays frozen: no polling, and no refetch on page change, window focus or reconnect. */
const FROZEN = { staleTime: Infinity, refetchOnWindowFocus: false, refetchOnReconnect: false } as const;

/**
 * The shared polling options of every query. A request the server refused (4xx: an unknown cluster, a
 * pod that does not exist) stops polling: asking again gives the same answer.
 */
export function usePollOptions() {
  const { refetchInterval, paused } = usePolling();
  const interval = (query: { state: { error: Error | null } }) => (isRefused(query.state.error) ? false : refetchInterval);
  return paused ? { refetchInterval: interval, ...FROZEN } : { refetchInterval: interval };
}

/** Kubernetes state (the watch-fed cache): pushed while /api/events is open, polled only when it dropped. */
function useKubeStateOptions() {
  const poll = usePollOptions();
  const live = useLiveState() === 'live';
  return live && !('staleTime' in poll) ? { ...poll, refetchInterval: false as const } : poll;
}

/** The configured context names: answers at once, whatever state the clusters are in. */
export function useContexts() {
  return useQuery({
    queryKey: queryKeys.contexts(),
    queryFn: ({ signal }) => fetchJson<ContextsResponse>(apiUrls.contexts(), signal),
    staleTime: 30_000,
  });
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

/** The mesh read one request per cluster, combined as the clusters answer. */
export interface MeshOfClusters {
  /** The clusters that have answered, in the order asked; undefined until the first one does. */
  data: MeshResponse | undefined;
  /** Clusters whose first answer has not arrived yet (each shows its own skeleton). */
  pending: string[];
  /** Clusters whose request itself failed (not a cluster error, which is data): the API's message. */
  failed: Array<{ cluster: string; message: string }>;
}

/** Latest generatedAt of the answers, so the history charts get one sample per new answer. */
function latest(times: string[]): string {
  return times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

/** The per-cluster answers (in the order of `clusters`) as one MeshResponse of those that answered. */
export function combineMeshAnswers(
  clusters: readonly string[],
  results: ReadonlyArray<Pick<UseQueryResult<MeshResponse>, 'data' | 'error' | 'isPending'>>,
): MeshOfClusters {
  const answered = results.flatMap((r) => (r.data ? [r.data] : []));
  return {
    data: answered.length === 0 ? undefined : { clusters: answered.flatMap((a) => a.clusters), generatedAt: latest(answered.map((a) => a.generatedAt)) },
    pending: clusters.filter((_, i) => results[i]?.isPending),
    failed: clusters.flatMap((cluster, i) => {
      const error = results[i]?.error;
      return error ? [{ cluster, message: error.message }] : [];
    }),
  };
}

/**
 * /api/mesh?cluster= for each of `clusters`, so a slow cluster never holds back the others' data.
 * The result keeps MeshResponse's shape for the components that take it.
 */
export function useMeshOfClusters(clusters: readonly string[]): MeshOfClusters {
  const poll = usePollOptions();
  // One combine per cluster list: react-query memoises its result while the answers stay the same, so
  // `data` changes identity only when a cluster answers.
  const key = clusters.join('\n');
  const combine = useCallback((results: UseQueryResult<MeshResponse>[]) => combineMeshAnswers(key === '' ? [] : key.split('\n'), results), [key]);
  return useQueries({
    queries: clusters.map((cluster) => ({
      queryKey: queryKeys.meshOfCluster(cluster),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchJson<MeshResponse>(apiUrls.meshOfCluster(cluster), signal),
      ...poll,
    })),
    combine,
  });
}

/**
 * The mesh checks (every cluster: the checks compare them); the page filters on the client. `enabled`
 * false holds the request back (the topology asks once its graph is drawn).
 */
export function useChecks(enabled = true) {
  const poll = usePollOptions();
  return useQuery({
    queryKey: queryKeys.checks(),
    queryFn: ({ signal }) => fetchJson<ChecksResponse>(apiUrls.checks(), signal),
    enabled,
    ...poll,
  });
}

/** The topology at a level ('auto': the server's choice, the most detailed that fits) and cluster scope ('' = all). */
export function useTopology(level = 'auto', scope = '') {
  const poll = useKubeStateOptions();
  return useQuery({
    queryKey: queryKeys.topology(level, scope),
    queryFn: ({ signal }) => fetchJson<TopologyResponse>(apiUrls.topology(level, scope), signal),
    ...poll,
    // Another level or scope (a cluster expanded) keeps the drawn graph until its data arrives, so the
    // canvas stays and what it drew keeps its place.
    placeholderData: (previous) => previous,
  });
}

/** Pods of one cluster, optionally one namespace; disabled until a cluster is chosen. */
export function usePods(cluster: string | null, namespace = '') {
  const poll = useKubeStateOptions();
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

/** Pods of several clusters (the picker's search across clusters): one request per cluster, each as it answers. */
export function usePodsOfClusters(clusters: readonly string[]) {
  const poll = useKubeStateOptions();
  return useQueries({
    queries: clusters.map((cluster) => ({
      queryKey: queryKeys.pods(cluster, ''),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchJson<PodsResponse>(apiUrls.pods(cluster, ''), signal),
      ...poll,
    })),
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

/**
 * One trace, read when asked for (from and to both set): no polling, since every run reads every
 * cluster afresh; the page's "run again" refetches.
 */
export function useTrace(from: string, to: string) {
  return useQuery({
    queryKey: queryKeys.trace(from, to),
    queryFn: ({ signal }) => fetchJson<TraceResponse>(apiUrls.trace(from, to), signal),
    enabled: from !== '' && to !== '',
    staleTime: Infinity,
    refetchOnWindowFocus: false,
    retry: false,
  });
}
