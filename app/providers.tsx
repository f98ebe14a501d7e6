'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { LiveUpdatesProvider } from '@/lib/hooks/live-updates';
import { PollingProvider } from '@/lib/hooks/polling';
import { isConfigurationError, isRefused } from '@/lib/hooks/fetch-json';

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // The server already caches briefly and answers partial data with 200: a failed request is rare
        // and retrying 4xx (or a configuration with no usable cluster) never helps.
        retry: (failures, error) => !isRefused(error) && !isConfigurationError(error) && failures < 2,
        // While polling is paused every query overrides these to freeze its data (usePollOptions, lib/hooks/queries.ts).
        staleTime: 1000,
        refetchOnWindowFocus: true,
      },
    },
  });
}

export function Providers({ children }: { children: React.ReactNode }) {
  const [client] = useState(makeQueryClient);
  return (
    <QueryClientProvider client={client}>
      <PollingProvider>
        <LiveUpdatesProvider>{children}</LiveUpdatesProvider>
      </PollingProvider>
    </QueryClientProvider>
  );
}
