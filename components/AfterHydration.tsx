'use client';

import { useSyncExternalStore } from 'react';

const subscribe = () => () => {};

/**
 * Renders `fallback` on the server and while hydrating, `children` after.
 * Pages inside a Suspense boundary (useSearchParams) hydrate late, when react-query may already hold
 * data the server never had; rendering data only after hydration keeps server and client HTML equal.
 */
export function AfterHydration({ children, fallback }: { children: React.ReactNode; fallback: React.ReactNode }) {
  const hydrated = useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
  return hydrated ? children : fallback;
}
