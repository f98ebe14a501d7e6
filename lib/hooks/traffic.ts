'use client';

import { useQuery } from '@tanstack/react-query';
import type { HistoryRange, HistoryScope, IstiodHistoryResponse, TrafficHistoryResponse, TrafficLatencyResponse, TrafficP99, TrafficResponse, TrafficWindow } from '@/lib/types/traffic';
import { fetchJson } from './fetch-json';
import { usePollOptions } from './queries';

/** Hooks of the traffic routes (docs/api.md): they poll with the rest, and freeze when paused. */

const enc = encodeURIComponent;

export const trafficUrls = {
  /** p99 `pair`: the matrix's p99 with the rates where the sources hold the pair recording. */
  traffic: (window: TrafficWindow, p99: TrafficP99 = 'none') => `/api/traffic?window=${window}${p99 === 'pair' ? '&p99=pair' : ''}`,
  /** The matrix's p99 only (by=pair), for when the rates' answer did not complete it. */
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
export function useTraffic(window: TrafficWindow, enabled = true, p99: TrafficP99 = 'none') {
  const poll = usePollOptions();
  return useQuery({
    queryKey: ['traffic', window, p99],
    queryFn: ({ signal }) => fetchJson<TrafficResponse>(trafficUrls.traffic(window, p99), signal),
    enabled,
    ...poll,
    placeholderData: (prev) => prev,
  });
}

/** The matrix's p99 on its own route (by=pair): for sources that could not send it with the rates. */
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
