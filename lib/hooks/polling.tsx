'use client';

import { createContext, useCallback, useContext, useMemo, useSyncExternalStore } from 'react';

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

/* The setting lives in localStorage: one store, read with useSyncExternalStore so the server render
   (no storage) and hydration agree, and other tabs' changes arrive through the storage event. */
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

function readRaw(): string | null {
  try {
    return window.localStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage disabled
  }
}

function writeRaw(value: { intervalMs: number; paused: boolean }): void {
  try {
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
  } catch {
    // storage unavailable: the choice cannot persist
  }
  for (const l of listeners) l();
}

export function parsePolling(raw: string | null): { intervalMs: number; paused: boolean } {
  try {
    const v = JSON.parse(raw ?? '{}') as { intervalMs?: unknown; paused?: unknown };
    const intervalMs = (POLL_INTERVALS_MS as readonly number[]).includes(v.intervalMs as number) ? (v.intervalMs as number) : DEFAULT_INTERVAL_MS;
    return { intervalMs, paused: v.paused === true };
  } catch {
    return { intervalMs: DEFAULT_INTERVAL_MS, paused: false }; // corrupt: defaults
  }
}

/** The polling interval and pause switch, shared by every page and persisted in localStorage. */
export function PollingProvider({ children }: { children: React.ReactNode }) {
  const raw = useSyncExternalStore(subscribe, readRaw, () => null);
  const { intervalMs, paused } = useMemo(() => parsePolling(raw), [raw]);
  const setIntervalMs = useCallback((ms: number) => writeRaw({ intervalMs: ms, paused }), [paused]);
  const setPaused = useCallback((p: boolean) => writeRaw({ intervalMs, paused: p }), [intervalMs]);

  const value = useMemo<Polling>(
    () => ({ intervalMs, paused, refetchInterval: paused ? false : intervalMs, setIntervalMs, setPaused }),
    [intervalMs, paused, setIntervalMs, setPaused],
  );
  return <PollingContext.Provider value={value}>{children}</PollingContext.Provider>;
}

export function usePolling(): Polling {
  const ctx = useContext(PollingContext);
  if (!ctx) throw new Error('usePolling needs <PollingProvider> (app/providers.tsx)');
  return ctx;
}
