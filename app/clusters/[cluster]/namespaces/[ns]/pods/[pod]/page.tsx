import { Suspense } from 'react';
import type { Metadata } from 'next';
import { EndpointsView } from '@/components/pods/EndpointsView';
import { AfterHydration } from '@/components/AfterHydration';
import { SkeletonRows } from '@/components/Skeleton';

type Params = Promise<{ cluster: string; ns: string; pod: string }>;

/** Next hands segments over decoded in most versions; decoding again is a no-op then, and never throws. */
function segment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { pod } = await params;
  return { title: segment(pod) };
}

export default async function PodEndpointsPage({ params }: { params: Params }) {
  const { cluster, ns, pod } = await params;
  return (
    <Suspense fallback={<SkeletonRows rows={6} label="loading endpoints" />}>
      <AfterHydration fallback={<SkeletonRows rows={6} label="loading endpoints" />}>
        <EndpointsView cluster={segment(cluster)} namespace={segment(ns)} pod={segment(pod)} />
      </AfterHydration>
    </Suspense>
  );
}
