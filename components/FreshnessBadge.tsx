'use client';

import { useFreshness } from '@/lib/hooks/use-freshness';
import { StatusPill } from './StatusPill';

/** "updated 4 s ago", plus a stale badge when the data is older than three polling intervals. */
export function FreshnessBadge({ fetchedAt, className = '' }: { fetchedAt: string | null | undefined; className?: string }) {
  const { label, stale } = useFreshness(fetchedAt);
  return (
    <span className={`inline-flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400 ${className}`} data-testid="freshness">
      <span suppressHydrationWarning>{label}</span>
      {stale && (
        <StatusPill tone="warn" title="Older than three polling intervals">
          stale
        </StatusPill>
      )}
    </span>
  );
}
