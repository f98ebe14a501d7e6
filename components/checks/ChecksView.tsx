'use client';

import Link from 'next/link';
import { CHECK_IDS, SEVERITIES, type Finding } from '@/lib/checks/types';
import { allClear, applyFilters, filtersFromParams, groupFindings, SEVERITY_TONE, subjectHref } from '@/lib/checks/view';
import { useChecks } from '@/lib/hooks/queries';
import { useSearchState } from '@/lib/hooks/use-search-state';
import { ClusterStatusBanner } from '../ClusterStatusBanner';
import { EmptyState } from '../EmptyState';
import { Panel } from '../Panel';
import { SkeletonRows } from '../Skeleton';
import { StatusPill } from '../StatusPill';
import { FixBlock } from './FixBlock';

const select = 'rounded border border-slate-300 bg-white px-1.5 py-0.5 text-sm dark:border-slate-600 dark:bg-slate-900';

/** The mesh checks: findings grouped by severity then check, filters in the URL, all clear when none. */
export function ChecksView() {
  const checks = useChecks();
  const [params, update] = useSearchState();
  const filters = filtersFromParams(params);
  const data = checks.data;
  const shown = data ? applyFilters(data.findings, filters) : [];
  const unknown = (data?.unknown ?? []).filter((u) => (!filters.cluster || u.cluster === filters.cluster) && (!filters.check || u.check === filters.check));

  return (
    <main className="space-y-2">
      <h1 className="text-lg font-semibold">Mesh checks</h1>
      <form className="flex flex-wrap items-center gap-3 text-sm" aria-label="Filter findings" onSubmit={(e) => e.preventDefault()}>
        <label className="flex items-center gap-1">
          Cluster
          <select className={select} value={filters.cluster ?? ''} onChange={(e) => update({ cluster: e.target.value })} data-testid="filter-cluster">
            <option value="">all</option>
            {(data?.clusters.map((c) => c.cluster) ?? (filters.cluster ? [filters.cluster] : [])).map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          Severity
          <select className={select} value={filters.severity ?? ''} onChange={(e) => update({ severity: e.target.value })} data-testid="filter-severity">
            <option value="">all</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="flex items-center gap-1">
          Check
          <select className={select} value={filters.check ?? ''} onChange={(e) => update({ check: e.target.value })} data-testid="filter-check">
            <option value="">all</option>
            {CHECK_IDS.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        {data && (
          <span className="text-xs text-slate-500" data-testid="checks-summary">
            {SEVERITIES.map((s) => `${data.findings.filter((f) => f.severity === s).length} ${s}`).join(' · ')} · {data.checks.filter((c) => c.status === 'unknown').length} unknown ·{' '}
            {data.clusters.length} clusters
          </span>
        )}
      </form>
      <ClusterStatusBanner clusters={data?.clusters} />

      {checks.isPending ? (
        <SkeletonRows rows={6} label="running the checks" />
      ) : checks.isError && !data ? (
        <EmptyState title="The checks could not run">{checks.error.message}</EmptyState>
      ) : shown.length === 0 ? (
        <AllClear data={data!} filtered={data!.findings.length > 0} />
      ) : (
        groupFindings(shown).map((group) => (
          <section key={group.severity} aria-labelledby={`sev-${group.severity}`} className="space-y-2">
            <h2 id={`sev-${group.severity}`} className="text-sm font-semibold">
              <StatusPill tone={SEVERITY_TONE[group.severity]}>{group.severity}</StatusPill> {plural(group.checks.reduce((n, c) => n + c.findings.length, 0), 'finding')}
            </h2>
            {group.checks.map((c) => (
              <Panel key={c.check} id={`check-${group.severity}-${c.check}`} title={`${c.check}: ${data?.checks.find((x) => x.id === c.check)?.title ?? ''}`}>
                <ul className="space-y-2">
                  {c.findings.map((f, i) => (
                    <FindingItem key={`${f.cluster}/${f.subject.kind}/${f.subject.namespace}/${f.subject.name}/${i}`} finding={f} />
                  ))}
                </ul>
              </Panel>
            ))}
          </section>
        ))
      )}

      {unknown.length > 0 && shown.length > 0 && (
        <Panel id="unknown" title="Not decided (a source could not be read)">
          <UnknownList items={unknown.map((u) => ({ key: `${u.check}/${u.cluster}`, label: u.check, reason: `${u.cluster}: ${u.reason}` }))} />
        </Panel>
      )}
    </main>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function FindingItem({ finding: f }: { finding: Finding }) {
  const subject = `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;
  return (
    <li className="rounded border border-slate-200 p-2 text-sm dark:border-slate-700" data-testid="finding" data-check={f.check} data-cluster={f.cluster}>
      <p className="flex flex-wrap items-center gap-2 text-xs">
        <StatusPill tone={SEVERITY_TONE[f.severity]}>{f.severity}</StatusPill>
        <span className="font-medium">{f.cluster}</span>
        <Link href={subjectHref(f.cluster, f.subject)} className="font-mono text-blue-700 underline-offset-2 hover:underline dark:text-blue-300" data-testid="finding-subject">
          {subject}
        </Link>
      </p>
      <p className="mt-1">{f.message}</p>
      <dl className="mt-1 space-y-0.5 text-xs" data-testid="finding-evidence">
        {f.evidence.map((e, i) => (
          <div key={i} className="flex flex-wrap gap-x-1">
            <dt className="text-slate-500">{e.source}:</dt>
            <dd className="break-all font-mono">{e.fact}</dd>
          </div>
        ))}
      </dl>
      <div className="mt-1">
        <FixBlock fix={f.fix} />
      </div>
      <a href={f.docs} target="_blank" rel="noreferrer noopener" className="text-xs text-blue-700 underline dark:text-blue-300">
        Istio documentation
      </a>
    </li>
  );
}

function AllClear({ data, filtered }: { data: NonNullable<ReturnType<typeof useChecks>['data']>; filtered: boolean }) {
  const { passed, unknown } = allClear(data);
  return (
    <section aria-labelledby="all-clear" className="space-y-2" data-testid="all-clear">
      <div className="rounded-lg border border-emerald-300 bg-emerald-50 p-3 dark:border-emerald-800 dark:bg-emerald-950/40">
        <h2 id="all-clear" className="font-semibold text-emerald-900 dark:text-emerald-100">
          {filtered ? 'Nothing matches these filters' : unknown.length ? 'All clear where the checks could read' : 'All clear'}
        </h2>
        <p className="text-sm text-emerald-900 dark:text-emerald-200">
          {passed.length} of {data.checks.length} checks passed on {data.clusters.map((c) => c.cluster).join(', ')}
          {unknown.length ? `; ${unknown.length} could not be decided (below)` : ''}.
        </p>
      </div>
      {unknown.length > 0 && (
        <Panel id="unknown" title="Not decided (a source could not be read)">
          <UnknownList items={unknown.map((u) => ({ key: u.id, label: u.id, reason: u.reasons.join('; ') }))} />
        </Panel>
      )}
      <Panel id="passed" title="Passed">
        <ul className="grid grid-cols-[repeat(auto-fill,minmax(320px,1fr))] gap-1 text-sm" data-testid="passed-checks">
          {passed.map((c) => (
            <li key={c.id} className="flex items-center gap-2">
              <StatusPill tone="ok">passed</StatusPill>
              <span className="font-mono text-xs">{c.id}</span>
            </li>
          ))}
        </ul>
      </Panel>
    </section>
  );
}

function UnknownList({ items }: { items: Array<{ key: string; label: string; reason: string }> }) {
  return (
    <ul className="space-y-1 text-sm" data-testid="unknown-checks">
      {items.map((u) => (
        <li key={u.key} className="flex flex-wrap items-center gap-2">
          <StatusPill tone="muted">unknown</StatusPill>
          <span className="font-mono text-xs">{u.label}</span>
          <span className="text-xs text-slate-600 dark:text-slate-300">{u.reason}</span>
        </li>
      ))}
    </ul>
  );
}
