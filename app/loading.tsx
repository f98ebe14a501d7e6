import { SkeletonRows } from '@/components/Skeleton';

export default function Loading() {
  return (
    <main className="p-2">
      <SkeletonRows rows={6} label="loading page" />
    </main>
  );
}
