import { Overview } from '@/components/overview/Overview';
import { AfterHydration } from '@/components/AfterHydration';
import { SkeletonRows } from '@/components/Skeleton';

export default function OverviewPage() {
  // The page hydrates in its own boundary (app/loading.tsx), possibly after the header's
  // /api/clusters answer is cached: render data only after hydration so server and client HTML agree.
  return (
    <AfterHydration fallback={<SkeletonRows rows={8} label="loading overview" />}>
      <Overview />
    </AfterHydration>
  );
}
