'use client';

import { useState } from 'react';
import { useTrace } from '@/lib/hooks/queries';
import { useSearchState } from '@/lib/hooks/use-search-state';
import { parseTraceParams } from '@/lib/trace/params';
import { traceText } from '@/lib/trace/text';
import type { TraceResponse } from '@/lib/trace/types';
import { copyText } from '@/lib/ui/clipboard';
import { ClusterStatusBanner } from '../ClusterStatusBanner';
import { EmptyState } from '../EmptyState';
import { Skeleton } from '../Skeleton';
import { ConfigTable, ControlPlaneList, DataPlaneList, ExpectedList, PathList, ProblemList } from './TraceColumns';
import { type PickedTrace, TracePickers } from './TracePickers';

function picked(from: string, to: string): PickedTrace {
  try {
    const p = parseTraceParams(from, to);
    return { cluster: p.cluster, namespace: p.namespace, pod: p.pod, host: p.host, port: String(p.port) };
  } catch {
    // Half a link (the topology's "trace to…" names only the destination): keep what is there.
    const [cluster = '', namespace = '', pod = ''] = from ? [from.split('/').slice(0, -2).join('/'), ...from.split('/').slice(-2)] : [];
    const [, host = '', port = ''] = /^([^:]+):(\d+)$/.exec(to) ?? [];
    return { cluster, namespace, pod, host, port };
  }
}

function CopySummary({ trace }: { trace: TraceResponse }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <span className="inline-flex items-center gap-1">
      <button
        type="button"
        className="rounded border border-slate-300 px-1.5 py-0.5 text-xs hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
        onClick={async () => {
          setState((await copyText(traceText(trace))) ? 'copied' : 'failed');
          window.setTimeout(() => setState('idle'), 2000);
        }}
      >
        copy as text
      </button>
      <span aria-live="polite" className="text-xs text-slate-500">
        {state === 'copied' ? 'copied' : state === 'failed' ? 'clipboard refused' : ''}
      </span>
    </span>
  );
}

function Verdict({ trace, onRerun, running }: { trace: TraceResponse; onRerun: () => void; running: boolean }) {
  const { healthy, sentence } = trace.verdict;
  const others = trace.problems.length - (healthy ? 0 : 1);
  return (
    <div
      role="status"
      data-testid="trace-verdict"
      data-healthy={healthy}
      className={`flex flex-wrap items-start justify-between gap-2 rounded-lg border p-2.5 ${healthy ? 'border-emerald-300 bg-emerald-50 dark:border-emerald-800 dark:bg-emerald-950/40' : 'border-red-300 bg-red-50 dark:border-red-800 dark:bg-red-950/40'}`}
    >
      <div className="min-w-0">
        <div className="text-xs font-semibold uppercase tracking-wide text-slate-600 dark:text-slate-300">{healthy ? 'Verdict: healthy' : 'Verdict: first broken link'}</div>
        <p className="text-sm font-medium text-slate-900 dark:text-slate-50">{sentence}</p>
        {others > 0 && <p className="text-xs text-slate-600 dark:text-slate-300">{others} other problem{others > 1 ? 's' : ''} below.</p>}
      </div>
      <div className="flex items-center gap-2">
        <CopySummary trace={trace} />
        <button type="button" onClick={onRerun} disabled={running} className="rounded border border-slate-300 px-1.5 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-50 dark:border-slate-600 dark:hover:bg-slate-800">
          {running ? 'tracing…' : 'run again'}
        </button>
      </div>
    </div>
  );
}

/** /trace?from=<cluster>/<ns>/<pod>&to=<host>:<port>: pickers, the verdict, then the chain as columns. */
export function TraceView() {
  const [params, update] = useSearchState();
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const trace = useTrace(from, to);
  const data = trace.data;
  const clusterName = (context: string) => data?.expected.find((c) => c.cluster === context)?.clusterId ?? context;

  return (
    <main className="space-y-2">
      <h1 className="text-base font-semibold">Trace: why can&apos;t this pod reach that service?</h1>
      <TracePickers key={`${from}|${to}`} initial={picked(from, to)} onSubmit={(p) => update({ from: `${p.cluster}/${p.namespace}/${p.pod}`, to: `${p.host}:${p.port}` })} />
      {!from || !to ? (
        <EmptyState title="Pick a source pod and a destination service">
          Or start from a pod&apos;s endpoints (&ldquo;trace to…&rdquo; on an outbound cluster) or a service in the topology.
        </EmptyState>
      ) : trace.isPending ? (
        <Skeleton className="h-40 w-full" label="tracing: reading every cluster" />
      ) : trace.error ? (
        <div role="alert" className="rounded border border-red-300 bg-red-50 p-2 text-sm dark:border-red-800 dark:bg-red-950/40">
          {trace.error.message}
        </div>
      ) : data ? (
        <>
          <ClusterStatusBanner clusters={data.clusters} />
          <Verdict trace={data} onRerun={() => trace.refetch()} running={trace.isFetching} />
          <div className="grid grid-cols-1 gap-2 md:grid-cols-2 xl:grid-cols-4">
            <ExpectedList columns={data.expected} namespace={data.target.namespace} clusterName={clusterName} />
            <ControlPlaneList column={data.controlPlane} />
            <DataPlaneList column={data.dataPlane} />
            <PathList rows={data.paths} />
          </div>
          <div className="grid grid-cols-1 gap-2 xl:grid-cols-2">
            <ConfigTable rows={data.config} />
            <ProblemList problems={data.problems} />
          </div>
        </>
      ) : null}
    </main>
  );
}
