import { useId } from 'react';
import type { SyncMatrix } from '@/lib/ui/sync-matrix';
import { remoteSyncTone, TONE_CLASSES, TONE_ICON } from '@/lib/ui/format';

/** Rows: each istiod's cluster; columns: each cluster it reads. Details show on hover and on focus. */
export function SyncMatrixTable({ matrix }: { matrix: SyncMatrix }) {
  // Tooltip ids from positions: cluster names may hold characters an id cannot, and cleaning them collides (a@b, a_b).
  const idPrefix = useId();
  return (
    <table className="w-full border-separate border-spacing-1 text-xs" data-testid="sync-matrix">
      <caption className="sr-only">Remote cluster sync: what each istiod reports about each cluster</caption>
      <thead>
        <tr>
          <th scope="col" className="text-left font-medium text-slate-500">
            istiod in ↓ / reads →
          </th>
          {matrix.columns.map((c) => (
            <th key={c} scope="col" className="text-left font-mono font-medium">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.rows.map((row, rowIndex) => (
          <tr key={row.cluster} data-cluster={row.cluster}>
            <th scope="row" className="max-w-[12rem] truncate text-left font-mono font-medium" title={row.cluster}>
              {row.clusterId ?? row.cluster}
            </th>
            {row.error ? (
              <td colSpan={matrix.columns.length} className="text-slate-500">
                unknown: {row.error}
              </td>
            ) : (
              matrix.columns.map((col, colIndex) => {
                const cell = row.cells[col];
                const tone = remoteSyncTone(cell.state);
                const tipId = `${idPrefix}-sync-${rowIndex}-${colIndex}`;
                const detail =
                  cell.state === 'local'
                    ? `${col} is this istiod's own cluster (istiod before 1.22 does not list it in clusterz).`
                    : cell.rows.length === 0
                    ? `${row.clusterId ?? row.cluster}'s istiod does not read ${col}: no remote secret for it.`
                    : cell.rows.map((r) => `${r.istiod}: ${r.status}${r.secret ? `, secret ${r.secret}` : ' (own cluster)'}`).join('\n');
                return (
                  <td key={col} className="relative">
                    {/* The tooltip is the cell's sibling, not its child: a child would be read into the cell's name as well as its description. */}
                    <span
                      tabIndex={0}
                      aria-describedby={tipId}
                      data-testid="sync-cell"
                      data-state={cell.state}
                      className={`peer inline-flex w-full items-center gap-1 rounded px-1.5 py-1 font-medium ring-1 ring-inset ${TONE_CLASSES[tone]}`}
                    >
                      <span aria-hidden="true">{TONE_ICON[tone]}</span>
                      {cell.state}
                    </span>
                    <span
                      role="tooltip"
                      id={tipId}
                      className="pointer-events-none absolute left-0 top-full z-20 mt-1 hidden w-max max-w-[28rem] whitespace-pre-line rounded bg-slate-900 px-2 py-1 font-mono text-[11px] font-normal text-white shadow-lg peer-hover:block peer-focus:block dark:bg-slate-700"
                    >
                      {detail}
                    </span>
                  </td>
                );
              })
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
