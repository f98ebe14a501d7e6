'use client';

import { useEffect, useState } from 'react';
import { formatAge, isStale } from '@/lib/ui/format';
import { usePolling } from './polling';

/** Current time, re-read every `tickMs` so relative ages count up on screen. */
export function useNow(tickMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), tickMs);
    return () => window.clearInterval(id);
  }, [tickMs]);
  return now;
}

export interface Freshness {
  ageMs: number;
  /** "updated 4 s ago" */
  label: string;
  /** Older than three polling intervals (always false while there is no timestamp). */
  stale: boolean;
}

/** How old an ISO `fetchedAt` is, relative to the shared polling interval. */
export function useFreshness(fetchedAt: string | null | undefined): Freshness {
  const now = useNow();
  const { intervalMs } = usePolling();
  if (!fetchedAt) return { ageMs: 0, label: 'not yet read', stale: false };
  const ageMs = Math.max(0, now - Date.parse(fetchedAt));
  return { ageMs, label: `updated ${formatAge(ageMs)}`, stale: isStale(ageMs, intervalMs) };
}
