import Link from 'next/link';
import type { EndpointRow } from '@/lib/types/api';
import { endpointHealthTone, isTroubledEndpoint, podPath } from '@/lib/ui/format';
import { groupByEnvoyCluster, targetLabel } from '@/lib/ui/endpoints';
import { StatusPill } from '../StatusPill';
import { headerCellClass } from '@/lib/ui/classes';
import { envoyClusterTarget, traceHref } from '@/lib/trace/params';

const th = `${headerCellClass} whitespace-nowrap`;
const td = 'px-2 py-1 align-top';

/** The pod whose endpoints these are: outbound cluster rows link to a trace from it. */
export interface TraceSource {
  cluster: string;
  namespace: string;
  pod: string;
}

/** "trace to…" for an outbound Envoy cluster (its host and port), nothing for other clusters. */
function TraceTo({ envoyCluster, from }: { envoyCluster: string; from: TraceSource | undefined }) {
  const target = envoyClusterTarget(envoyCluster);
  if (!target || !from) return null;
  return (
    <Link className="ml-1 whitespace-nowrap font-sans text-sky-700 underline-offset-2 hover:underline dark:text-sky-300" href={traceHref(from.cluster, from.namespace, from.pod, target.host, target.port)} data-testid="trace-to" title={`Trace ${from.pod} → ${target.host}:${target.port}`}>
      trace to…
    </Link>
  );
}

export interface ClusterNames {
  /** Context name for URLs. */
  context(cluster: string): string;
  /** Istio cluster ID for labels. */
  id(cluster: string): string;
}

function Target({ row, names }: { row: EndpointRow; names: ClusterNames }) {
  const t = row.target;
  if (t.kind === 'pod') {
    return (
      <>
        <Link className="text-blue-700 underline-offset-2 hover:underline dark:text-blue-300" href={podPath(names.context(t.cluster), t.namespace, t.name)} title={`${t.namespace}/${t.name} in ${t.cluster}`}>
          {t.name}
        </Link>
        {t.crossNetwork && (
          <div className="mt-0.5" data-testid="cross-network">
            <StatusPill
              tone="warn"
              title={`This pod is on ${t.network ?? 'another network'} (${names.id(t.cluster)}) but the proxy dials its pod IP directly: istiod knows no east-west gateway address for that network (pending LoadBalancer IP or missing topology.istio.io/network labels), so this traffic will not arrive.`}
            >
              cross-network pod IP
            </StatusPill>
          </div>
        )}
      </>
    );
  }
  if (t.kind === 'apiserver' && t.crossNetwork) {
    return (
      <>
        <span>{targetLabel(t, names.id)}</span>
        <div className="mt-0.5" data-testid="cross-network">
          <StatusPill
            tone="warn"
            title={`This is ${names.id(t.cluster)}'s API server on ${t.network ?? 'another network'}, dialled directly instead of through its east-west gateway: from this network it will not answer.`}
          >
            cross-network address
          </StatusPill>
        </div>
      </>
    );
  }
  return <span className={t.kind === 'unknown' ? 'text-slate-500' : ''}>{targetLabel(t, names.id)}</span>;
}

/** A crossNetwork flag on a pod or API server target: traffic that will not arrive. */
const crossesNetworks = (t: EndpointRow['target']) => (t.kind === 'pod' || t.kind === 'apiserver') && t.crossNetwork === true;

function Row({ row, names, from }: { row: EndpointRow; names: ClusterNames; from?: TraceSource }) {
  const troubled = isTroubledEndpoint(row.status, row.outlierCheck) || crossesNetworks(row.target);
  const ejected = row.outlierCheck === 'FAILED';
  return (
    <tr data-testid="endpoint-row" data-troubled={troubled || undefined} className={`border-b border-slate-100 dark:border-slate-800 ${troubled ? 'bg-red-50 dark:bg-red-950/40' : ''}`}>
      <td className={`${td} whitespace-nowrap font-mono`}>{row.endpoint}</td>
      <td className={td}>
        {/* An ejected host is out of the load balancing whatever EDS says: never a green HEALTHY beside FAILED. */}
        <StatusPill tone={endpointHealthTone(row.status, row.outlierCheck)} title={ejected ? `EDS says ${row.status}, but outlier detection ejected this host: it gets no traffic until it is let back in` : undefined}>
          {ejected ? `${row.status}, ejected` : row.status}
        </StatusPill>
      </td>
      <td className={td}>{ejected ? <StatusPill tone="bad">FAILED (ejected)</StatusPill> : <span className="text-slate-600 dark:text-slate-300">OK</span>}</td>
      {/* Envoy cluster names are long and have no spaces: let them break anywhere so Weight and Locality stay on screen. */}
      <td className={`${td} min-w-[12rem] break-all font-mono text-[11px]`}>
        {row.cluster}
        <TraceTo envoyCluster={row.cluster} from={from} />
      </td>
      <td className={`${td} min-w-[8rem]`}>
        <Target row={row} names={names} />
      </td>
      <td className={`${td} text-right tabular-nums`}>{row.weight}</td>
      <td className={`${td} whitespace-nowrap font-mono text-[11px]`}>{row.locality || '—'}</td>
    </tr>
  );
}

/** An outbound Envoy cluster without a single endpoint: istioctl prints nothing; here it is a problem row. */
function EmptyClusterRow({ cluster, from }: { cluster: string; from?: TraceSource }) {
  return (
    <tr data-testid="empty-cluster-row" data-troubled className="border-b border-slate-100 bg-red-50 dark:border-slate-800 dark:bg-red-950/40">
      <td className={`${td} text-slate-500`}>—</td>
      <td className={td} colSpan={2}>
        <StatusPill tone="bad" title="Envoy has this cluster but no endpoint for it: requests to it fail (no healthy upstream)">
          no endpoints
        </StatusPill>
      </td>
      <td className={`${td} min-w-[12rem] break-all font-mono text-[11px]`}>
        {cluster}
        <TraceTo envoyCluster={cluster} from={from} />
      </td>
      <td className={`${td} text-slate-500`} colSpan={3}>
        every backend is gone, or istiod cannot read the cluster that has them
      </td>
    </tr>
  );
}

/** `istioctl proxy-config endpoints` columns, plus what each address is, weight and locality; empty Envoy clusters first. */
export function EndpointsTable({ rows, emptyClusters = [], grouped, names, from }: { rows: EndpointRow[]; emptyClusters?: string[]; grouped: boolean; names: ClusterNames; from?: TraceSource }) {
  const head = (
    <thead className="border-b border-slate-200 dark:border-slate-800">
      <tr>
        <th className={th}>ENDPOINT</th>
        <th className={th}>STATUS</th>
        <th className={th}>OUTLIER CHECK</th>
        <th className={th}>CLUSTER</th>
        <th className={th}>Target</th>
        <th className={`${th} text-right`}>Weight</th>
        <th className={th}>Locality</th>
      </tr>
    </thead>
  );
  return (
    <table className="w-full text-xs" data-testid="endpoints">
      {head}
      {emptyClusters.length > 0 && (
        <tbody>
          {emptyClusters.map((c) => (
            <EmptyClusterRow key={c} cluster={c} from={from} />
          ))}
        </tbody>
      )}
      {grouped ? (
        groupByEnvoyCluster(rows).map((g) => (
          <tbody key={g.cluster}>
            <tr className="bg-slate-100 dark:bg-slate-800">
              <th colSpan={7} scope="rowgroup" className="px-2 py-1 text-left font-mono text-[11px] font-semibold">
                {g.cluster} <span className="font-sans font-normal text-slate-500">({g.rows.length})</span>
                <TraceTo envoyCluster={g.cluster} from={from} />
              </th>
            </tr>
            {g.rows.map((r, i) => (
              <Row key={`${r.endpoint}-${i}`} row={r} names={names} from={from} />
            ))}
          </tbody>
        ))
      ) : (
        <tbody>
          {rows.map((r, i) => (
            <Row key={`${r.cluster}-${r.endpoint}-${i}`} row={r} names={names} from={from} />
          ))}
        </tbody>
      )}
    </table>
  );
}
