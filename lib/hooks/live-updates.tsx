'use client';

import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import { usePolling } from './polling';
import { apiUrls, queryKeys } from './query-keys';

/**
 * Pushed updates: one EventSource on /api/events for the whole app. While it is open, Kubernetes state
 * (topology, pods, the clusters' watch state) is refetched when the server says it changed, not polled;
 * when it drops, the page says so and those queries poll again until it is back (EventSource reconnects
 * by itself). istiod and Envoy views keep polling either way.
 */
export type LiveState = 'connecting' | 'live' | 'dropped';

const LiveContext = createContext<LiveState>('connecting');

/** Which queries a change of one cluster's Kubernetes state makes stale. */
export function staleKeysFor(clusters: string[]): ReadonlyArray<readonly unknown[]> {
  return [queryKeys.topology(), queryKeys.clusters(), ...clusters.map((c) => ['pods', c] as const)];
}

export function LiveUpdatesProvider({ children }: { children: React.ReactNode }) {
  const client = useQueryClient();
  const { paused } = usePolling();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (paused || typeof EventSource === 'undefined') return;
    const source = new EventSource(apiUrls.events());
    source.onopen = () => setState('live');
    source.onerror = () => setState('dropped');
    source.addEventListener('change', (e) => {
      let clusters: string[];
      try {
        clusters = Object.keys((JSON.parse((e as MessageEvent<string>).data) as { clusters: Record<string, unknown> }).clusters);
      } catch {
        return;
      }
      for (const queryKey of staleKeysFor(clusters)) void client.invalidateQueries({ queryKey });
    });
    source.addEventListener('clusters', () => void client.invalidateQueries());
    return () => {
      source.close();
      setState('connecting');
    };
  }, [client, paused]);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export function useLiveState(): LiveState {
  return useContext(LiveContext);
}
