import type { Metadata } from 'next';
import { Suspense } from 'react';
import { Skeleton } from '@/components/Skeleton';
import { TraceView } from '@/components/trace/TraceView';

export const metadata: Metadata = { title: 'Trace' };

export default function TracePage() {
  // useSearchParams (from= and to= live in the URL) needs a Suspense boundary.
  return (
    <Suspense fallback={<Skeleton className="h-40 w-full" label="loading the trace" />}>
      <TraceView />
    </Suspense>
  );
}
