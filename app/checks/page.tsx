import { Suspense } from 'react';
import type { Metadata } from 'next';
import { ChecksView } from '@/components/checks/ChecksView';
import { AfterHydration } from '@/components/AfterHydration';
import { SkeletonRows } from '@/components/Skeleton';

export const metadata: Metadata = { title: 'Checks' };

export default function ChecksPage() {
  return (
    <Suspense fallback={<SkeletonRows rows={8} label="loading checks" />}>
      <AfterHydration fallback={<SkeletonRows rows={8} label="loading checks" />}>
        <ChecksView />
      </AfterHydration>
    </Suspense>
  );
}
