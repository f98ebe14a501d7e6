'use client';

import { useFreshness } from '@/lib/hooks/use-freshness';
import { formatAge } from '@/lib/ui/format';
import { StatusPill } from './StatusPill';

/**
 * "updated 4 s ago", plus a stale badge when the data is older than three polling intervals.
 * `failed`: the answer carried only errors, so nothing was updated: "read failed 4 s ago".
 */
export function FreshnessBadge({ fetchedAt, failed = false, className = '' }: { fetchedAt: string | null | undefined; failed?: boolean; className?: string }) {
  const { label, stale, ageMs } = useFreshness(fetchedAt);
  return (
    <span className={`inline-flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400 ${className}`} data-testid="freshness">
      <span suppressHydrationWarning>{failed && fetchedAt ? `read failed ${formatAge(ageMs)}` : label}</span>
      {stale && !failed && (
        <StatusPill tone="warn" title="Older than three polling intervals">
          stale
        </StatusPill>
      )}
    </span>
  );
}
