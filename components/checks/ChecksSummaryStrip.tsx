'use client';

import Link from 'next/link';
import { countsByCluster } from '@/lib/checks/view';
import { useChecks } from '@/lib/hooks/queries';
import { StatusPill } from '../StatusPill';

/** The overview's line of mesh checks: errors, warnings and unknown checks per cluster, each linking to /checks. */
export function ChecksSummaryStrip() {
  const checks = useChecks();
  if (!checks.data) {
    return (
      <p className="text-xs text-slate-500" data-testid="checks-strip" aria-busy={checks.isPending}>
        Mesh checks: {checks.isError ? `could not run (${checks.error.message})` : 'running…'}
      </p>
    );
  }
  const enc = encodeURIComponent;
  return (
    <nav aria-label="Mesh checks per cluster" className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg border border-slate-200 bg-white px-2.5 py-1.5 text-xs dark:border-slate-800 dark:bg-slate-900" data-testid="checks-strip">
      <Link href="/checks" className="font-semibold underline-offset-2 hover:underline">
        Mesh checks
      </Link>
      {countsByCluster(checks.data).map((c) => (
        <span key={c.cluster} className="flex items-center gap-1" data-testid="checks-strip-cluster" data-cluster={c.cluster}>
          <span className="font-medium">{c.cluster}</span>
          <Link href={`/checks?cluster=${enc(c.cluster)}&severity=error`} aria-label={`${c.error} errors in ${c.cluster}`}>
            <StatusPill tone={c.error ? 'bad' : 'ok'}>{c.error} errors</StatusPill>
          </Link>
          <Link href={`/checks?cluster=${enc(c.cluster)}&severity=warning`} aria-label={`${c.warning} warnings in ${c.cluster}`}>
            <StatusPill tone={c.warning ? 'warn' : 'ok'}>{c.warning} warnings</StatusPill>
          </Link>
          <Link href={`/checks?cluster=${enc(c.cluster)}`} aria-label={`${c.unknown} unknown checks in ${c.cluster}`}>
            <StatusPill tone="muted">{c.unknown} unknown</StatusPill>
          </Link>
        </span>
      ))}
    </nav>
  );
}
