import { Suspense } from 'react';
import type { Metadata } from 'next';
import { ProxyList } from '@/components/proxies/ProxyList';
import { AfterHydration } from '@/components/AfterHydration';
import { SkeletonRows } from '@/components/Skeleton';

export const metadata: Metadata = { title: 'Proxy sync' };

export default function ProxiesPage() {
  return (
    <Suspense fallback={<SkeletonRows rows={6} label="loading proxies" />}>
      <AfterHydration fallback={<SkeletonRows rows={6} label="loading proxies" />}>
        <ProxyList />
      </AfterHydration>
    </Suspense>
  );
}
