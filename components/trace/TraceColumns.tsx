import Link from 'next/link';
import type { ConfigRow, ControlPlaneColumn, DataPlaneColumn, ExpectedColumn, PathRow, TraceProblem } from '@/lib/trace/types';
import { podPath } from '@/lib/ui/format';
import { StatusPill } from '../StatusPill';

/** A cell or row that disagrees with its neighbours in the chain. */
const BAD = 'bg-red-50 dark:bg-red-950/40';
const UNKNOWN = 'bg-amber-50 dark:bg-amber-950/30';
const mono = 'font-mono text-[11px]';

function Column({ title, testId, children }: { title: string; testId: string; children: React.ReactNode }) {
  return (
    <section aria-label={title} data-testid={testId} className="min-w-0 rounded-lg border border-slate-200 bg-white p-2 text-xs dark:border-slate-800 dark:bg-slate-900">
      <h2 className="mb-1 text-sm font-semibold text-slate-700 dark:text-slate-200">{title}</h2>
      {children}
    </section>
  );
}

/** `namespace`: the service's, which its endpoint pods share. */
export function ExpectedList({ columns, namespace, clusterName }: { columns: ExpectedColumn[]; namespace: string; clusterName: (c: string) => string }) {
  return (
    <Column title="1 · Expected (EndpointSlices)" testId="trace-expected">
      <ul className="space-y-1.5">
        {columns.map((c) => (
          <li key={c.cluster} data-state={c.state} className={`rounded p-1 ${c.state === 'unknown' ? UNKNOWN : ''}`}>
            <div className="font-medium">
              {clusterName(c.cluster)} <span className="font-normal text-slate-500">{c.network ?? ''}</span>
            </div>
            {c.state === 'ok' ? (
              c.endpoints.length === 0 ? (
                <div className="text-slate-500">no endpoints</div>
              ) : (
                <ul>
                  {c.endpoints.map((e) => (
                    <li key={`${e.ip}:${e.port}`} className={e.ready ? '' : BAD}>
                      {e.pod ? (
                        <Link className="text-sky-700 underline-offset-2 hover:underline dark:text-sky-300" href={podPath(c.cluster, namespace, e.pod)}>
                          {e.pod}
                        </Link>
                      ) : (
                        e.ip
                      )}{' '}
                      <span className={mono}>
                        {e.ip}:{e.port}
                      </span>
                      {!e.ready && <StatusPill tone="bad">not ready</StatusPill>}
                    </li>
                  ))}
                </ul>
              )
            ) : (
              <div className={c.state === 'unknown' ? 'text-amber-800 dark:text-amber-200' : 'text-slate-500'}>
                {c.state}: {c.reason}
              </div>
            )}
          </li>
        ))}
      </ul>
    </Column>
  );
}

export function ControlPlaneList({ column }: { column: ControlPlaneColumn }) {
  return (
    <Column title={`2 · istiod replicas (${column.cluster})`} testId="trace-control-plane">
      {column.state === 'unknown' && <div className={`${UNKNOWN} rounded p-1`}>unknown: {column.reason}</div>}
      {column.edsStatus && (
        <div className="mb-1">
          source EDS <StatusPill tone={column.edsStatus === 'SYNCED' ? 'ok' : 'bad'}>{column.edsStatus}</StatusPill>
        </div>
      )}
      <ul className="space-y-1.5">
        {column.replicas.map((r) => (
          <li key={r.pod} className={r.state === 'unknown' ? `${UNKNOWN} rounded p-1` : ''}>
            <div className={`${mono} font-semibold`}>
              {r.pod} {r.servesSource && <span className="font-sans font-normal text-slate-500">(serves the source)</span>}
            </div>
            {r.state === 'unknown' ? (
              <div>unknown: {r.reason}</div>
            ) : (
              <table className="w-full">
                <tbody>
                  {r.shards.map((s) => (
                    <tr key={s.clusterId} data-mismatch={s.mismatch || s.read === 'absent' || undefined} className={s.mismatch || !['own', 'synced'].includes(s.read) ? BAD : ''}>
                      <td className="pr-1">{s.clusterId}</td>
                      <td className="pr-1 text-slate-500">{s.read}</td>
                      <td className="text-right tabular-nums">
                        {s.endpoints}
                        {s.expected !== null && <span className="text-slate-500"> / {s.expected}</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </li>
        ))}
      </ul>
    </Column>
  );
}

export function DataPlaneList({ column }: { column: DataPlaneColumn }) {
  return (
    <Column title="3 · Client's Envoy" testId="trace-data-plane">
      {column.state !== 'ok' ? (
        <div className={`${column.state === 'unknown' ? UNKNOWN : BAD} rounded p-1`}>
          {column.state}: {column.reason}
        </div>
      ) : column.exists === false ? (
        <div className={`${BAD} rounded p-1`}>no cluster {column.envoyCluster}</div>
      ) : null}
      {column.route && (
        <div className="mb-1">
          route <span className={mono}>{column.route.routeConfig}</span>
          {column.route.virtualService && <> via VirtualService {column.route.virtualService}</>}:{' '}
          {column.route.destinations.map((d) => (
            <span key={d.cluster} className={`${mono} ${column.route!.emptyDestinations.includes(d.cluster) ? BAD : ''}`}>
              {d.cluster.split('|')[2] || 'all'} {d.weight}%{' '}
            </span>
          ))}
        </div>
      )}
      <ul className="space-y-1">
        {column.clusters.map((c) => (
          <li key={c.name}>
            <div className={`${mono} break-all font-semibold`}>{c.subset ? `subset ${c.subset}` : c.name}</div>
            {c.hosts.length === 0 ? (
              <div className={`${BAD} rounded px-1`}>zero endpoints</div>
            ) : (
              <ul>
                {c.hosts.map((h) => (
                  <li key={`${h.address}:${h.port}`} className={h.unroutable || h.outlierEjected || h.health === 'UNHEALTHY' ? BAD : ''}>
                    <span className={mono}>
                      {h.address}
                      {h.port !== null ? `:${h.port}` : ''}
                    </span>{' '}
                    <span className="text-slate-500">w{h.weight}</span> {h.health !== 'HEALTHY' && <StatusPill tone="warn">{h.health}</StatusPill>}
                    {h.outlierEjected && <StatusPill tone="bad">ejected</StatusPill>}
                    <div className="text-slate-600 dark:text-slate-300">
                      → {h.target}
                      {h.unroutable && ' (pod IP of another network)'}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
    </Column>
  );
}

export function PathList({ rows }: { rows: PathRow[] }) {
  return (
    <Column title="4 · Path" testId="trace-path">
      {rows.length === 0 && <div className="text-slate-500">no ready endpoint to reach</div>}
      <ul className="space-y-1">
        {rows.map((p) => (
          <li key={`${p.cluster}/${p.ip}`} data-ok={p.ok} className={`rounded p-1 ${p.ok ? '' : BAD}`}>
            <div>
              <span className="font-medium">{p.pod ?? p.ip}</span> <StatusPill tone={p.ok ? 'ok' : 'bad'}>{p.via}</StatusPill>
            </div>
            {p.gateway && <div className={mono}>via {p.gateway}</div>}
            <div className="text-slate-600 dark:text-slate-300">{p.reason}</div>
          </li>
        ))}
      </ul>
    </Column>
  );
}

export function ConfigTable({ rows }: { rows: ConfigRow[] }) {
  return (
    <Column title="Configuration in the way" testId="trace-config">
      {rows.length === 0 ? (
        <div className="text-slate-500">no VirtualService, DestinationRule or PeerAuthentication applies</div>
      ) : (
        <table className="w-full">
          <tbody>
            {rows.map((c) => (
              <tr key={`${c.cluster}/${c.kind}/${c.namespace}/${c.name}`} className={c.problem ? BAD : ''}>
                <td className="pr-2">{c.kind}</td>
                <td className={`${mono} pr-2`}>
                  {c.namespace}/{c.name}
                </td>
                <td className="pr-2 text-slate-500">{c.cluster}</td>
                <td>{c.summary}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Column>
  );
}

export function ProblemList({ problems }: { problems: TraceProblem[] }) {
  return (
    <Column title={`Every problem seen (${problems.length})`} testId="trace-problems">
      {problems.length === 0 ? (
        <div className="text-slate-500">none</div>
      ) : (
        <ul className="space-y-1">
          {problems.map((p, i) => (
            <li key={i}>
              <StatusPill tone={p.severity === 'error' ? 'bad' : 'warn'}>{p.severity}</StatusPill> <span className={mono}>{p.check}</span> {p.message}
            </li>
          ))}
        </ul>
      )}
    </Column>
  );
}
