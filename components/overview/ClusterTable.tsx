import type { ClusterInfo, ClusterMesh } from '@/lib/types/api';
import { reachability } from '@/lib/ui/problems';
import { shortFingerprint } from '@/lib/ui/format';
import { headerCellClass } from '@/lib/ui/classes';
import { StatusPill } from '../StatusPill';

const td = 'px-2 py-0.5 align-top font-mono';

/**
 * Many clusters at a glance: one row per cluster with what its card says (reachability, IDs, versions,
 * istiod), so five or ten clusters still leave the rest of the overview on one screen.
 */
export function ClusterTable({ names, infoByName, meshByName, pending, rootMismatch }: {
  names: string[];
  infoByName: Map<string, ClusterInfo>;
  meshByName: Map<string, ClusterMesh>;
  pending: string[];
  rootMismatch: boolean;
}) {
  return (
    <div className="max-h-48 overflow-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className="w-full text-xs" data-testid="cluster-table">
        <caption className="sr-only">Clusters</caption>
        <thead className="sticky top-0 border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <tr>
            {['Cluster', 'State', 'Istio cluster ID', 'Kubernetes', 'Network', 'Mesh ID', 'Trust domain', 'Root cert', 'istiod'].map((h) => (
              <th key={h} scope="col" className={headerCellClass}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((name) => (
            <ClusterRow key={name} name={name} info={infoByName.get(name)} mesh={meshByName.get(name)} loading={pending.includes(name)} rootMismatch={rootMismatch} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ClusterRow({ name, info, mesh, loading, rootMismatch }: { name: string; info?: ClusterInfo; mesh?: ClusterMesh; loading: boolean; rootMismatch: boolean }) {
  const { reachable, error } = reachability(info, mesh);
  const ready = mesh?.istiod.filter((r) => r.ready).length ?? 0;
  return (
    <tr data-testid="cluster-card" data-cluster={name} className="border-b border-slate-100 last:border-0 dark:border-slate-800">
      <th scope="row" className="max-w-[16rem] truncate px-2 py-0.5 text-left font-mono font-medium" title={name}>
        {name}
      </th>
      <td className="px-2 py-0.5">
        {loading || reachable === null ? (
          <StatusPill tone="muted">checking</StatusPill>
        ) : reachable ? (
          <StatusPill tone="ok">reachable</StatusPill>
        ) : (
          <StatusPill tone="bad" title={error?.message}>
            {error?.kind ?? 'unreachable'}
          </StatusPill>
        )}
      </td>
      {error && reachable === false ? (
        <td colSpan={7} className="px-2 py-0.5 text-red-700 dark:text-red-300">
          {error.message}
        </td>
      ) : (
        <>
          <td className={td}>{mesh?.clusterId ?? info?.clusterId ?? '—'}</td>
          <td className={td}>{info?.kubernetesVersion ?? '—'}</td>
          <td className={td}>{mesh?.network ?? '—'}</td>
          <td className={td}>{mesh?.meshId ?? '—'}</td>
          <td className={td}>{mesh?.trustDomain ?? '—'}</td>
          <td className={td} title={mesh?.rootCertFingerprints.join('\n')}>
            {mesh && mesh.rootCertFingerprints.length > 0 ? mesh.rootCertFingerprints.map(shortFingerprint).join(', ') : '—'}
            {rootMismatch && mesh?.rootCertFingerprints.length ? <span className="ml-1 text-amber-700 dark:text-amber-300">not shared</span> : null}
          </td>
          <td className={td}>
            {mesh ? `${ready}/${mesh.istiod.length} ready${mesh.istiod[0]?.version ? ` · ${mesh.istiod[0].version}` : ''}` : '—'}
          </td>
        </>
      )}
    </tr>
  );
}
