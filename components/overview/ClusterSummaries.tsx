import type { ClusterInfo, ClusterMesh } from '@/lib/types/api';
import { Skeleton } from '../Skeleton';
import { ClusterCard } from './ClusterCard';
import { ClusterTable } from './ClusterTable';

/** Above this many clusters the cards become a table, so the overview still fits one screen. */
const MAX_CARDS = 4;

/** One card per cluster, or one table row per cluster in a large fleet; a cluster still answering shows a skeleton. */
export function ClusterSummaries({
  names,
  infoByName,
  meshByName,
  pending,
  rootMismatch,
}: {
  names: string[];
  infoByName: Map<string, ClusterInfo>;
  meshByName: Map<string, ClusterMesh>;
  pending: string[];
  rootMismatch: boolean;
}) {
  if (names.length > MAX_CARDS) return <ClusterTable names={names} infoByName={infoByName} meshByName={meshByName} pending={pending} rootMismatch={rootMismatch} />;
  return (
    <div className="grid grid-cols-[repeat(auto-fit,minmax(360px,1fr))] gap-2" aria-busy={names.length === 0}>
      {names.length === 0 ? (
        <>
          <Skeleton className="h-40" label="loading clusters" />
          <Skeleton className="h-40" label="loading clusters" />
        </>
      ) : (
        names.map((n) => (pending.includes(n) ? <Skeleton key={n} className="h-40" label={`loading ${n}`} /> : <ClusterCard key={n} name={n} info={infoByName.get(n)} mesh={meshByName.get(n)} rootMismatch={rootMismatch} />))
      )}
    </div>
  );
}
