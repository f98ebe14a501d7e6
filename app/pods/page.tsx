import { Suspense } from 'react';
import type { Metadata } from 'next';
import { PodPicker } from '@/components/pods/PodPicker';
import { AfterHydration } from '@/components/AfterHydration';
import { SkeletonRows } from '@/components/Skeleton';

export const metadata: Metadata = { title: 'Pods' };

export default function PodsPage() {
  return (
    <Suspense fallback={<SkeletonRows rows={8} label="loading pod picker" />}>
      <AfterHydration fallback={<SkeletonRows rows={8} label="loading pod picker" />}>
        <PodPicker />
      </AfterHydration>
    </Suspense>
  );
}
