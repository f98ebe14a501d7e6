'use client';

import { useLiveState } from '@/lib/hooks/live-updates';
import { usePolling } from '@/lib/hooks/polling';

/** Whether Kubernetes changes are pushed to this page, or (the stream dropped) polled. */
export function LiveStatus() {
  const state = useLiveState();
  const { intervalMs, paused } = usePolling();
  if (paused) return null;
  const text =
    state === 'live'
      ? 'live'
      : state === 'dropped'
        ? `live updates lost: polling every ${intervalMs / 1000} s`
        : 'connecting…';
  const tone = state === 'live' ? 'text-emerald-700 dark:text-emerald-400' : state === 'dropped' ? 'text-amber-700 dark:text-amber-400' : 'text-slate-500';
  return (
    <span role="status" data-testid="live-status" data-state={state} className={`text-xs ${tone}`} title="Kubernetes changes (pods, services, namespaces) are pushed from the server's watches">
      {state === 'live' ? '● ' : ''}
      {text}
    </span>
  );
}
