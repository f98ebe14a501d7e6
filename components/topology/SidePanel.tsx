'use client';

/** Details of the selected node, with the links an SRE follows next. */
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { portOf } from '@/lib/format/kube';
import { trafficLabel, type EdgeTraffic } from '@/lib/traffic/edges';
import { edgeId } from '@/lib/topology/edge-id';
import { nodeName } from '@/lib/topology/node-name';
import type { HistoryParams } from '@/lib/hooks/traffic';
import type { TrafficWindow } from '@/lib/types/traffic';
import { usePods } from '@/lib/hooks/queries';
import { podPath } from '@/lib/ui/format';
import { notOkReason } from '@/lib/ui/problems';
import type { LogicalService, TopologyEdge, TopologyNode, TopologyResponse } from '@/lib/types/api';

// recharts loads with the first chart, not with the page.
const TrafficHistoryCharts = dynamic(() => import('@/components/traffic/TrafficHistoryCharts'), { ssr: false, loading: () => <p className="text-xs text-slate-500">Loading charts…</p> });

/** The chart query of a service or workload node (a workload is app + version, as the topology draws it). */
function historyParams(node: TopologyNode, window: TrafficWindow): HistoryParams | null {
  if (!node.namespace) return null;
  if (node.kind === 'service' && node.name) return { scope: 'service', cluster: node.cluster, namespace: node.namespace, name: node.name, window, range: '1h' };
  if (node.kind === 'workload' && node.app) {
    return { scope: 'workload', cluster: node.cluster, namespace: node.namespace, name: node.app, version: node.version && node.version !== 'unversioned' ? node.version : undefined, window, range: '1h' };
  }
  return null;
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <>
      <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="break-all">{children}</dd>
    </>
  );
}

/** "trace to…" this service's ports: the trace page then asks for the source pod. */
function TraceLinks({ hostname, ports }: { hostname: string; ports: string[] }) {
  const numbers = [...new Set(ports.map(portOf).filter((p): p is number => p !== null))];
  if (numbers.length === 0) return null;
  return (
    <p className="mt-1 flex flex-wrap gap-2 text-xs">
      {numbers.map((port) => (
        <Link key={port} className="text-sky-700 underline dark:text-sky-300" href={`/trace?${new URLSearchParams({ to: `${hostname}:${port}` })}`} data-testid="trace-to">
          trace to {port}…
        </Link>
      ))}
    </p>
  );
}

function ServiceEndpoints({ service }: { service: LogicalService | undefined }) {
  if (!service) return <p className="text-slate-500 dark:text-slate-400">No endpoint summary for this hostname.</p>;
  return (
    <table className="w-full text-left text-xs">
      <caption className="sr-only">Endpoints of {service.hostname} per cluster</caption>
      <thead>
        <tr className="text-slate-500 dark:text-slate-400">
          <th scope="col" className="py-0.5 pr-2 font-medium">Cluster</th>
          <th scope="col" className="pr-2 font-medium">ClusterIP</th>
          <th scope="col" className="pr-2 text-right font-medium">Ready</th>
          <th scope="col" className="text-right font-medium">Not ready</th>
        </tr>
      </thead>
      <tbody>
        {service.clusters.map((c) => (
          <tr key={c.cluster} className="border-t border-slate-200 dark:border-slate-800">
            <td className="py-0.5 pr-2">{c.cluster}</td>
            <td className="pr-2 font-mono" data-testid="service-cluster-ip">
              {c.clusterIP ?? '—'}
            </td>
            <td className="pr-2 text-right tabular-nums">{c.readyEndpoints}</td>
            <td className={`text-right tabular-nums ${c.notReadyEndpoints > 0 ? 'font-semibold text-amber-700 dark:text-amber-300' : ''}`}>{c.notReadyEndpoints}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Paths({ edges, nodes, onSelect, traffic }: { edges: TopologyEdge[]; nodes: Map<string, TopologyNode>; onSelect(id: string): void; traffic: ReadonlyMap<string, EdgeTraffic> | null }) {
  if (edges.length === 0) return null;
  return (
    <ul className="space-y-0.5 text-xs">
      {edges.map((e) => {
        const other = nodes.get(e.target);
        const id = edgeId(e);
        return (
          <li key={id}>
            <span className="font-mono">{e.kind}</span> →{' '}
            <button type="button" className="underline decoration-dotted hover:text-sky-700 dark:hover:text-sky-300" onClick={() => onSelect(e.target)}>
              {other ? `${nodeName(other)} (${other.cluster})` : e.target}
            </button>
            {e.address && <span className="font-mono"> via {e.address}</span>}
            {traffic?.get(id) && <span className="text-slate-500 dark:text-slate-400"> · {trafficLabel(traffic.get(id)!)}</span>}
          </li>
        );
      })}
    </ul>
  );
}

function WorkloadPods({ node }: { node: TopologyNode }) {
  const pods = usePods(node.cluster, node.namespace ?? '');
  if (pods.isPending) return <p className="text-slate-500">Loading pods…</p>;
  if (pods.isError) return <p className="text-red-700 dark:text-red-300">Pods could not be read: {pods.error.message}</p>;
  const status = pods.data.clusters[0];
  if (status && !status.ok) return <p className="text-red-700 dark:text-red-300">Pods could not be read: {notOkReason(status)}</p>;
  // The server says which workload each pod belongs to: the node's pods are those with its id.
  const mine = pods.data.pods.filter((p) => p.workload.id === node.id);
  if (mine.length === 0) return <p className="text-slate-500 dark:text-slate-400">No pods of this workload right now.</p>;
  return (
    <ul className="space-y-0.5 text-xs" data-testid="workload-pods">
      {mine.map((p) => (
        <li key={p.name}>
          <Link className="font-mono text-sky-700 underline dark:text-sky-300" href={podPath(node.cluster, p.namespace, p.name)}>
            {p.name}
          </Link>{' '}
          <span className={p.ready ? 'text-green-700 dark:text-green-400' : 'text-amber-700 dark:text-amber-300'}>{p.ready ? 'ready' : p.phase}</span>
          {p.ip && <span className="font-mono text-slate-500"> {p.ip}</span>}
        </li>
      ))}
    </ul>
  );
}

export function SidePanel({
  topology,
  selected,
  onSelect,
  window,
  traffic,
}: {
  topology: TopologyResponse;
  selected: string;
  onSelect(id: string | null): void;
  window: TrafficWindow;
  /** Traffic per edge id, null without Prometheus. */
  traffic: ReadonlyMap<string, EdgeTraffic> | null;
}) {
  const nodes = new Map(topology.nodes.map((n) => [n.id, n]));
  const node = nodes.get(selected);
  const close = (
    <button type="button" onClick={() => onSelect(null)} className="rounded px-1.5 text-slate-500 hover:bg-slate-100 dark:hover:bg-slate-800" aria-label="Close details">
      ✕
    </button>
  );
  if (!node) {
    return (
      <aside className="w-80 shrink-0 rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="side-panel">
        <div className="flex justify-between">
          <p>{selected} is not in the current topology.</p>
          {close}
        </div>
      </aside>
    );
  }
  const outgoing = topology.edges.filter((e) => e.source === node.id);
  const chart = historyParams(node, window);
  const incoming = topology.edges.filter((e) => e.target === node.id);
  const service = node.kind === 'service' ? topology.services.find((s) => s.hostname === node.hostname || (s.namespace === node.namespace && s.name === node.name)) : undefined;

  return (
    <aside className="w-80 shrink-0 space-y-3 overflow-y-auto rounded-lg border border-slate-200 bg-white p-3 text-sm dark:border-slate-800 dark:bg-slate-900" data-testid="side-panel" aria-label="Selected node">
      <div className="flex items-start justify-between gap-2">
        <div>
          <p className="text-xs uppercase tracking-wide text-slate-500 dark:text-slate-400">{node.kind}</p>
          <h2 className="font-semibold break-all">{nodeName(node)}</h2>
        </div>
        {close}
      </div>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
        <Row label="Cluster">{node.cluster}</Row>
        {node.namespace && <Row label="Namespace">{node.namespace}</Row>}
        {node.kind === 'cluster' && (
          <>
            <Row label="Cluster ID">{node.clusterId ?? 'unknown'}</Row>
            <Row label="Network">{node.network ?? 'unknown'}</Row>
            <Row label="Reachable">{node.reachable === false ? 'no' : 'yes'}</Row>
          </>
        )}
        {node.hostname && <Row label="Hostname">{node.hostname}</Row>}
        {node.ports && node.ports.length > 0 && <Row label="Ports">{node.ports.join(', ')}</Row>}
        {node.kind === 'workload' && (
          <>
            <Row label="App / version">
              {node.app ?? '—'} / {node.version ?? '—'}
            </Row>
            <Row label="Pods">
              {node.readyPods ?? 0} of {node.pods ?? 0} ready
            </Row>
          </>
        )}
        {node.kind === 'gateway' && (
          <>
            <Row label="Role">{node.role ?? 'other'}</Row>
            <Row label="External IP">{node.pending ? <span className="font-semibold text-amber-700 dark:text-amber-300">pending</span> : (node.addresses ?? []).join(', ') || '—'}</Row>
          </>
        )}
      </dl>

      {node.kind === 'cluster' && (
        <Link href="/" className="inline-block text-sky-700 underline dark:text-sky-300">
          Cluster on the overview →
        </Link>
      )}
      {node.kind === 'service' && (
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Endpoints per cluster</h3>
          <ServiceEndpoints service={service} />
          {node.hostname && <TraceLinks hostname={node.hostname} ports={node.ports ?? []} />}
        </section>
      )}
      {node.kind === 'workload' && (
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Pods (outbound endpoints)</h3>
          <WorkloadPods node={node} />
        </section>
      )}
      {outgoing.length > 0 && (
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Routes to</h3>
          <Paths edges={outgoing} nodes={nodes} onSelect={onSelect} traffic={traffic} />
        </section>
      )}
      {incoming.length > 0 && (
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Reached from</h3>
          <Paths edges={incoming.map((e) => ({ ...e, target: e.source }))} nodes={nodes} onSelect={onSelect} traffic={traffic} />
        </section>
      )}
      {chart && (
        <section>
          <h3 className="mb-1 text-xs font-semibold uppercase text-slate-500 dark:text-slate-400">Traffic</h3>
          <TrafficHistoryCharts params={chart} />
        </section>
      )}
    </aside>
  );
}
