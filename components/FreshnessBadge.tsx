'use client';

import { useFreshness, useNow } from '@/lib/hooks/use-freshness';
import { useLiveState } from '@/lib/hooks/live-updates';
import type { ClusterWatch } from '@/lib/types/api';
import { formatAge } from '@/lib/ui/format';
import { StatusPill } from './StatusPill';

/**
 * "updated 4 s ago", plus a stale badge when the data is older than three polling intervals.
 * `failed`: the answer carried only errors, so nothing was updated: "read failed 4 s ago".
 * `watch`: the cluster's watch-fed cache (Kubernetes state): watching, syncing, or reconnecting and why.
 * `pushed`: Kubernetes state, refetched when the server's watches report a change rather than polled:
 * while /api/events is live, an old answer means a quiet mesh, not stale data.
 */
export function FreshnessBadge({ fetchedAt, failed = false, className = '', watch, pushed = false }: { fetchedAt: string | null | undefined; failed?: boolean; className?: string; watch?: ClusterWatch; pushed?: boolean }) {
  const freshness = useFreshness(fetchedAt);
  const live = useLiveState() === 'live';
  const { label, ageMs } = freshness;
  const stale = freshness.stale && !(pushed && live);
  return (
    <span className={`inline-flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400 ${className}`} data-testid="freshness">
      <span suppressHydrationWarning>{failed && fetchedAt ? `read failed ${formatAge(ageMs)}` : label}</span>
      {stale && !failed && (
        <StatusPill tone="warn" title="Older than three polling intervals">
          stale
        </StatusPill>
      )}
      {watch && <WatchPill watch={watch} />}
    </span>
  );
}

function WatchPill({ watch }: { watch: ClusterWatch }) {
  const now = useNow();
  const ago = (iso: string | null) => (iso ? formatAge(Math.max(0, now - Date.parse(iso))) : 'never');
  const title = [
    `Kubernetes state from a watch: ${watch.state}`,
    `listed ${ago(watch.syncedAt)}`,
    `last event or bookmark ${ago(watch.lastEventAt)}`,
    ...(watch.error ? [`reconnecting: ${watch.error.message}`] : []),
  ].join('; ');
  const tone = watch.state === 'synced' ? 'ok' : watch.state === 'syncing' ? 'muted' : 'warn';
  return (
    <StatusPill tone={tone} title={title}>
      <span data-testid="watch-state" data-state={watch.state}>
        {watch.state === 'synced' ? 'watching' : watch.state}
      </span>
    </StatusPill>
  );
}
