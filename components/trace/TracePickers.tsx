'use client';

import { useMemo, useState } from 'react';
import { portOf } from '@/lib/format/kube';
import { useClusters, useContexts, usePods, useTopology } from '@/lib/hooks/queries';
import { resolveCluster } from '@/lib/ui/pods';
import { controlClass, fieldLabelClass } from '@/lib/ui/classes';

export interface PickedTrace {
  cluster: string;
  namespace: string;
  pod: string;
  host: string;
  port: string;
}

/**
 * Source pod (cluster, then pod of any namespace) and destination (a service host from the topology,
 * then one of its ports). Submitting puts the choice in the URL, which runs the trace.
 */
export function TracePickers({ initial, onSubmit }: { initial: PickedTrace; onSubmit: (t: PickedTrace) => void }) {
  const [pick, setPick] = useState(initial);
  const contexts = useContexts();
  const clusters = useClusters();
  // The URL may name the cluster by its Istio cluster ID: list pods of the context it resolves to, once known.
  const context = pick.cluster ? resolveCluster(pick.cluster, clusters.data?.clusters ?? []).context : '';
  const pods = usePods(contexts.data?.contexts.includes(context) ? context : null);
  const topology = useTopology();
  const services = useMemo(() => [...(topology.data?.services ?? [])].sort((a, b) => a.hostname.localeCompare(b.hostname)), [topology.data]);
  const ports = useMemo(() => {
    const svc = services.find((s) => s.hostname === pick.host);
    return [...new Set((svc?.clusters ?? []).flatMap((c) => c.ports.map(portOf)).filter((p): p is number => p !== null))].sort((a, b) => a - b);
  }, [services, pick.host]);
  const podOptions = useMemo(() => [...(pods.data?.pods ?? [])].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)), [pods.data]);
  const set = (patch: Partial<PickedTrace>) => setPick((p) => ({ ...p, ...patch }));
  const complete = pick.cluster && pick.namespace && pick.pod && pick.host && pick.port;

  return (
    <form
      className="flex flex-wrap items-end gap-2"
      aria-label="What to trace"
      onSubmit={(e) => {
        e.preventDefault();
        if (complete) onSubmit(pick);
      }}
    >
      <label className={fieldLabelClass}>
        Source cluster
        <select className={controlClass} value={pick.cluster} onChange={(e) => set({ cluster: e.target.value, namespace: '', pod: '' })} data-testid="trace-cluster">
          <option value="">Choose…</option>
          {pick.cluster && !(contexts.data?.contexts ?? []).includes(pick.cluster) && <option value={pick.cluster}>{pick.cluster}</option>}
          {(contexts.data?.contexts ?? []).map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label className={fieldLabelClass}>
        Source pod
        <select
          className={`${controlClass} max-w-[22rem]`}
          value={pick.pod ? `${pick.namespace}/${pick.pod}` : ''}
          disabled={!pick.cluster}
          onChange={(e) => {
            const [namespace, pod] = e.target.value.split('/');
            set({ namespace: namespace ?? '', pod: pod ?? '' });
          }}
          data-testid="trace-pod"
        >
          <option value="">Choose…</option>
          {pick.pod && !podOptions.some((p) => p.namespace === pick.namespace && p.name === pick.pod) && <option value={`${pick.namespace}/${pick.pod}`}>{`${pick.namespace}/${pick.pod}`}</option>}
          {podOptions.map((p) => (
            <option key={`${p.namespace}/${p.name}`} value={`${p.namespace}/${p.name}`}>
              {`${p.namespace}/${p.name}${p.hasSidecar ? '' : ' (no sidecar)'}`}
            </option>
          ))}
        </select>
      </label>
      <span aria-hidden className="pb-1 text-slate-400">→</span>
      <label className={fieldLabelClass}>
        Destination service
        <select className={`${controlClass} max-w-[24rem]`} value={pick.host} onChange={(e) => set({ host: e.target.value, port: '' })} data-testid="trace-host">
          <option value="">Choose…</option>
          {pick.host && !services.some((s) => s.hostname === pick.host) && <option value={pick.host}>{pick.host}</option>}
          {services.map((s) => (
            <option key={s.hostname} value={s.hostname}>
              {s.hostname}
            </option>
          ))}
        </select>
      </label>
      <label className={fieldLabelClass}>
        Port
        <select className={controlClass} value={pick.port} onChange={(e) => set({ port: e.target.value })} data-testid="trace-port">
          <option value="">…</option>
          {pick.port && !ports.includes(Number(pick.port)) && <option value={pick.port}>{pick.port}</option>}
          {ports.map((p) => (
            <option key={p} value={String(p)}>
              {p}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={!complete} className="rounded bg-sky-700 px-3 py-1 text-sm font-medium text-white hover:bg-sky-800 disabled:opacity-50" data-testid="trace-run">
        Trace
      </button>
    </form>
  );
}
