import type { ClusterProblem } from '@/lib/ui/problems';

export type { ClusterProblem };

/**
 * One line per failed cluster (or failed source inside a cluster), above the data that did load:
 * a failure never replaces the healthy clusters' data.
 */
export function ClusterErrorBanner({ problems, severity = 'error' }: { problems: ClusterProblem[]; severity?: 'error' | 'warning' }) {
  if (problems.length === 0) return null;
  const tone =
    severity === 'error'
      ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100'
      : 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100';
  return (
    <ul role="alert" className={`space-y-0.5 rounded border px-3 py-1.5 text-sm ${tone}`} data-testid="cluster-errors">
      {problems.map((p, i) => (
        <li key={`${p.cluster}-${p.error.source}-${i}`} data-cluster={p.cluster}>
          <span aria-hidden="true">{severity === 'error' ? '✕ ' : '! '}</span>
          <strong className="font-semibold">{p.cluster}</strong>: <span className="font-mono text-xs uppercase">{p.error.kind}</span>
          {p.error.status ? ` (HTTP ${p.error.status})` : ''} — {p.error.message}
          {p.error.source ? <span className="opacity-75"> [{p.error.source}]</span> : null}
        </li>
      ))}
    </ul>
  );
}
