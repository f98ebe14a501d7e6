import type { ClusterInfo, ClusterMesh } from '@/lib/types/api';
import { reachability } from '@/lib/ui/problems';
import { shortFingerprint } from '@/lib/ui/format';
import { istiodReadError } from '@/lib/ui/sync-matrix';
import { FreshnessBadge } from '../FreshnessBadge';
import { StatusPill } from '../StatusPill';

function Field({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="truncate font-mono text-xs leading-5">{children ?? <span className="text-slate-400">—</span>}</dd>
    </>
  );
}

function NoIstiod({ mesh }: { mesh: ClusterMesh }) {
  const failed = istiodReadError(mesh);
  if (!failed) return <p className="text-xs text-slate-500">No istiod in this cluster (remote cluster, or Istio not installed).</p>;
  return (
    <p className="text-xs text-amber-700 dark:text-amber-300" title={failed.message} data-testid="istiod-unreadable">
      istiod not readable: {failed.kind}
    </p>
  );
}

/** One cluster at a glance: reachability, versions, istiod replicas and mesh identity. */
export function ClusterCard({ name, info, mesh, rootMismatch }: { name: string; info?: ClusterInfo; mesh?: ClusterMesh; rootMismatch: boolean }) {
  const { reachable, error } = reachability(info, mesh);
  return (
    <article className="rounded-lg border border-slate-200 bg-white p-2.5 dark:border-slate-800 dark:bg-slate-900" data-testid="cluster-card" data-cluster={name}>
      <header className="mb-1 flex items-center gap-2">
        <h2 className="truncate text-sm font-semibold" title={name}>
          {name}
        </h2>
        {reachable === null ? (
          <StatusPill tone="muted">checking</StatusPill>
        ) : reachable ? (
          <StatusPill tone="ok">reachable</StatusPill>
        ) : (
          <StatusPill tone="bad">{error?.kind ?? 'unreachable'}</StatusPill>
        )}
        <FreshnessBadge fetchedAt={mesh?.fetchedAt ?? info?.fetchedAt} failed={reachable === false} className="ml-auto" watch={info?.watch} />
      </header>
      {error && !reachable && <p className="mb-1 text-xs text-red-700 dark:text-red-300">{error.message}</p>}
      <dl className="grid grid-cols-[7.5rem_1fr] gap-x-2 text-xs">
        <Field label="Istio cluster ID">{mesh?.clusterId ?? info?.clusterId}</Field>
        <Field label="Kubernetes">{info?.kubernetesVersion}</Field>
        <Field label="Network">{mesh?.network}</Field>
        <Field label="Mesh ID">{mesh?.meshId}</Field>
        <Field label="Trust domain">{mesh?.trustDomain}</Field>
        <Field label="Root cert">
          {mesh && mesh.rootCertFingerprints.length > 0 ? (
            <span title={mesh.rootCertFingerprints.join('\n')}>
              {mesh.rootCertFingerprints.map(shortFingerprint).join(', ')}
              {rootMismatch && (
                <span className="ml-1">
                  <StatusPill tone="warn" title="Clusters share no root certificate: cross-cluster mTLS will fail">
                    not shared
                  </StatusPill>
                </span>
              )}
            </span>
          ) : null}
        </Field>
      </dl>
      {mesh?.ok && (
        <div className="mt-1.5 border-t border-slate-100 pt-1 dark:border-slate-800">
          {mesh.istiod.length === 0 ? (
            <NoIstiod mesh={mesh} />
          ) : (
            <ul className="space-y-0.5 text-xs">
              {mesh.istiod.map((r) => (
                <li key={`${r.namespace}/${r.pod}`} className="flex items-center gap-2">
                  <span className="truncate font-mono" title={`${r.namespace}/${r.pod}`}>
                    {r.pod}
                  </span>
                  <span className="text-slate-500">{r.version ?? 'version ?'}</span>
                  {r.revision && <span className="text-slate-500">rev {r.revision}</span>}
                  <span className="ml-auto">
                    <StatusPill tone={r.ready ? 'ok' : 'bad'}>{r.ready ? 'ready' : 'not ready'}</StatusPill>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </article>
  );
}
