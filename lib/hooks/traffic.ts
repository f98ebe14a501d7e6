'use client';

import { useQuery } from '@tanstack/react-query';
import type { HistoryRange, HistoryScope, IstiodHistoryResponse, TrafficHistoryResponse, TrafficLatencyResponse, TrafficResponse, TrafficWindow } from '@/lib/types/traffic';
import { fetchJson } from './fetch-json';
import { usePollOptions } from './queries';

/** Hooks of the traffic routes (docs/api.md): they poll with the rest, and freeze when paused. */

const enc = encodeURIComponent;

export const trafficUrls = {
  traffic: (window: TrafficWindow) => `/api/traffic?window=${window}`,
  /** The matrix's p99 only (by=pair): the page shows no per-flow percentiles. */
  latency: (window: TrafficWindow) => `/api/traffic/latency?window=${window}&by=pair`,
  history: (p: HistoryParams) =>
    `/api/traffic/history?scope=${p.scope}&cluster=${enc(p.cluster)}&namespace=${enc(p.namespace)}&name=${enc(p.name)}${p.version ? `&version=${enc(p.version)}` : ''}&window=${p.window}&range=${p.range}`,
  istiod: (window: TrafficWindow, range: HistoryRange) => `/api/traffic/istiod?window=${window}&range=${range}`,
};

export interface HistoryParams {
  scope: HistoryScope;
  cluster: string;
  namespace: string;
  name: string;
  version?: string;
  window: TrafficWindow;
  range: HistoryRange;
}

/** `enabled` false holds the request back (a page asks for its primary data first: browsers open few connections per host). */
export function useTraffic(window: TrafficWindow, enabled = true) {
  const poll = usePollOptions();
  return useQuery({
    queryKey: ['traffic', window],
    queryFn: ({ signal }) => fetchJson<TrafficResponse>(trafficUrls.traffic(window), signal),
    enabled,
    ...poll,
    placeholderData: (prev) => prev,
  });
}

/** Latency percentiles (the matrix's p99): a request of its own, so the rates never wait for it. */
export function useTrafficLatency(window: TrafficWindow, enabled = true) {
  const poll = usePollOptions();
  return useQuery({
    queryKey: ['traffic-latency', window],
    queryFn: ({ signal }) => fetchJson<TrafficLatencyResponse>(trafficUrls.latency(window), signal),
    enabled,
    ...poll,
    placeholderData: (prev) => prev,
  });
}

/** Chart lines of one workload, service or pod; disabled while `params` is null. */
export function useTrafficHistory(params: HistoryParams | null) {
  const poll = usePollOptions();
  return useQuery({
    queryKey: ['traffic-history', params],
    queryFn: ({ signal }) => fetchJson<TrafficHistoryResponse>(trafficUrls.history(params!), signal),
    enabled: params !== null,
    ...poll,
  });
}

export function useIstiodHistory(window: TrafficWindow, range: HistoryRange) {
  const poll = usePollOptions();
  return useQuery({
    queryKey: ['istiod-history', window, range],
    queryFn: ({ signal }) => fetchJson<IstiodHistoryResponse>(trafficUrls.istiod(window, range), signal),
    ...poll,
    placeholderData: (prev) => prev,
  });
}
