import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AfterHydration } from '@/components/AfterHydration';
import { Skeleton } from '@/components/Skeleton';
import { TopologyPreload } from '@/components/topology/early-topology';
import { TopologyView } from '@/components/topology/TopologyView';

export const metadata: Metadata = { title: 'Topology' };

export default function TopologyPage() {
  // useSearchParams (the view state lives in the URL) needs a Suspense boundary.
  return (
    <>
      <TopologyPreload />
      <Suspense fallback={<Skeleton className="h-[70vh] w-full" label="loading the topology" />}>
        <AfterHydration fallback={<Skeleton className="h-[70vh] w-full" label="loading the topology" />}>
          <TopologyView />
        </AfterHydration>
      </Suspense>
    </>
  );
}
