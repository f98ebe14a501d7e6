import Link from 'next/link';
import type { EndpointRow } from '@/lib/types/api';
import { endpointHealthTone, isTroubledEndpoint, podPath } from '@/lib/ui/format';
import { groupByEnvoyCluster, targetLabel } from '@/lib/ui/endpoints';
import { StatusPill } from '../StatusPill';
import { headerCellClass } from '@/lib/ui/classes';

const th = `${headerCellClass} whitespace-nowrap`;
const td = 'px-2 py-1 align-top';

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
  return <span className={t.kind === 'unknown' ? 'text-slate-500' : ''}>{targetLabel(t, names.id)}</span>;
}

function Row({ row, names }: { row: EndpointRow; names: ClusterNames }) {
  const troubled = isTroubledEndpoint(row.status, row.outlierCheck) || (row.target.kind === 'pod' && row.target.crossNetwork === true);
  const tone = endpointHealthTone(row.status, 'OK');
  return (
    <tr data-testid="endpoint-row" data-troubled={troubled || undefined} className={`border-b border-slate-100 dark:border-slate-800 ${troubled ? 'bg-red-50 dark:bg-red-950/40' : ''}`}>
      <td className={`${td} whitespace-nowrap font-mono`}>{row.endpoint}</td>
      <td className={td}>
        <StatusPill tone={tone}>{row.status}</StatusPill>
      </td>
      <td className={td}>{row.outlierCheck === 'FAILED' ? <StatusPill tone="bad">FAILED</StatusPill> : <span className="text-slate-600 dark:text-slate-300">OK</span>}</td>
      {/* Envoy cluster names are long and have no spaces: let them break anywhere so Weight and Locality stay on screen. */}
      <td className={`${td} min-w-[12rem] break-all font-mono text-[11px]`}>{row.cluster}</td>
      <td className={`${td} min-w-[8rem]`}>
        <Target row={row} names={names} />
      </td>
      <td className={`${td} text-right tabular-nums`}>{row.weight}</td>
      <td className={`${td} whitespace-nowrap font-mono text-[11px]`}>{row.locality || '—'}</td>
    </tr>
  );
}

/** `istioctl proxy-config endpoints` columns, plus what each address is, weight and locality. */
export function EndpointsTable({ rows, grouped, names }: { rows: EndpointRow[]; grouped: boolean; names: ClusterNames }) {
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
      {grouped ? (
        groupByEnvoyCluster(rows).map((g) => (
          <tbody key={g.cluster}>
            <tr className="bg-slate-100 dark:bg-slate-800">
              <th colSpan={7} scope="rowgroup" className="px-2 py-1 text-left font-mono text-[11px] font-semibold">
                {g.cluster} <span className="font-sans font-normal text-slate-500">({g.rows.length})</span>
              </th>
            </tr>
            {g.rows.map((r, i) => (
              <Row key={`${r.endpoint}-${i}`} row={r} names={names} />
            ))}
          </tbody>
        ))
      ) : (
        <tbody>
          {rows.map((r, i) => (
            <Row key={`${r.cluster}-${r.endpoint}-${i}`} row={r} names={names} />
          ))}
        </tbody>
      )}
    </table>
  );
}
