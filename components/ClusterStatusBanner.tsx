import type { ClusterStatus } from '@/lib/types/api';
import { statusProblems, type ClusterProblem } from '@/lib/ui/problems';

/**
 * The one way a page shows what each cluster gave it: the result envelopes (`clusters` of every answer
 * the page shows, lib/types/api.ts ClusterStatus) as one line per failed cluster (error) and per failed
 * source inside a readable cluster (warning), plus requests that failed as a whole (`failed`), above the
 * data that did load: a failure never replaces the healthy clusters' data.
 */
export function ClusterStatusBanner({
  clusters = [],
  failed = [],
  notOk = 'error',
  what,
}: {
  clusters?: ClusterStatus[];
  failed?: ClusterProblem[];
  /** How a cluster that gave nothing reads: an error, or a warning when the page's main data is elsewhere (traffic). */
  notOk?: 'error' | 'warning';
  /** What is missing, before each message (e.g. "traffic unavailable"). */
  what?: string;
}) {
  const named = (problems: ClusterProblem[]) => (what ? problems.map((p) => ({ ...p, error: { ...p.error, message: `${what} — ${p.error.message}` } })) : problems);
  const { errors, warnings } = statusProblems(clusters);
  const [red, amber] = notOk === 'error' ? [[...failed, ...named(errors)], named(warnings)] : [failed, named([...errors, ...warnings])];
  return (
    <>
      <ProblemList problems={red} severity="error" />
      <ProblemList problems={amber} severity="warning" />
    </>
  );
}

function ProblemList({ problems, severity }: { problems: ClusterProblem[]; severity: 'error' | 'warning' }) {
  if (problems.length === 0) return null;
  const tone =
    severity === 'error'
      ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950/60 dark:text-red-100'
      : 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100';
  return (
    <ul role="alert" className={`space-y-0.5 rounded border px-3 py-1.5 text-sm ${tone}`} data-testid="cluster-errors" data-severity={severity}>
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
