'use client';

import { useIsFetching } from '@tanstack/react-query';
import { POLL_INTERVALS_MS, usePolling } from '@/lib/hooks/polling';

/** Interval select plus pause/resume; applies to every query on every page. */
export function PollingControl() {
  const { intervalMs, paused, setIntervalMs, setPaused } = usePolling();
  const fetching = useIsFetching() > 0;
  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor="poll-interval" className="text-slate-600 dark:text-slate-300">
        Refresh
      </label>
      <select
        id="poll-interval"
        value={intervalMs}
        disabled={paused}
        onChange={(e) => setIntervalMs(Number(e.target.value))}
        className="rounded border border-slate-300 bg-white px-1.5 py-0.5 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-900"
      >
        {POLL_INTERVALS_MS.map((ms) => (
          <option key={ms} value={ms}>
            every {ms / 1000} s
          </option>
        ))}
      </select>
      <button
        type="button"
        onClick={() => setPaused(!paused)}
        aria-pressed={paused}
        className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
      >
        {paused ? '▶ Resume' : '❚❚ Pause'}
      </button>
      <span aria-live="polite" className="w-16 text-xs text-slate-500 dark:text-slate-400">
        {paused ? 'paused' : fetching ? 'refreshing' : ''}
      </span>
    </div>
  );
}
