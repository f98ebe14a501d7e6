'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';

export const POLL_INTERVALS_MS = [2000, 5000, 10000, 30000] as const;
const DEFAULT_INTERVAL_MS = 5000;
const STORAGE_KEY = 'isthmus.polling';

export interface Polling {
  intervalMs: number;
  paused: boolean;
  setIntervalMs(ms: number): void;
  setPaused(paused: boolean): void;
  /** What react-query's refetchInterval wants: a number, or false while paused. */
  refetchInterval: number | false;
}

const PollingContext = createContext<Polling | null>(null);

function readStored(): { intervalMs: number; paused: boolean } | null {
  try {
    const raw = window.localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as { intervalMs?: unknown; paused?: unknown };
    const intervalMs = (POLL_INTERVALS_MS as readonly number[]).includes(v.intervalMs as number) ? (v.intervalMs as number) : DEFAULT_INTERVAL_MS;
    return { intervalMs, paused: v.paused === true };
  } catch {
    return null; // storage disabled or corrupt: defaults
  }
}

/** The polling interval and pause switch, shared by every page and persisted in localStorage. */
export function PollingProvider({ children }: { children: React.ReactNode }) {
  const [intervalMs, setIntervalState] = useState<number>(DEFAULT_INTERVAL_MS);
  const [paused, setPausedState] = useState(false);

  // Read storage after hydration so the server and first client render agree.
  useEffect(() => {
    const stored = readStored();
    if (stored) {
      setIntervalState(stored.intervalMs);
      setPausedState(stored.paused);
    }
  }, []);

  const persist = useCallback((next: { intervalMs: number; paused: boolean }) => {
    try {
      window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // storage unavailable: the choice lasts for this page only
    }
  }, []);

  const value = useMemo<Polling>(
    () => ({
      intervalMs,
      paused,
      refetchInterval: paused ? false : intervalMs,
      setIntervalMs(ms) {
        setIntervalState(ms);
        persist({ intervalMs: ms, paused });
      },
      setPaused(p) {
        setPausedState(p);
        persist({ intervalMs, paused: p });
      },
    }),
    [intervalMs, paused, persist],
  );

  return <PollingContext.Provider value={value}>{children}</PollingContext.Provider>;
}

export function usePolling(): Polling {
  const ctx = useContext(PollingContext);
  if (!ctx) throw new Error('usePolling needs <PollingProvider> (app/providers.tsx)');
  return ctx;
}
