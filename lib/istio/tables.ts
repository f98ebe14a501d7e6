/**
 * istioctl's text tables, byte for byte: same headers, sort orders and tabwriter layout
 * (minwidth 0, padding 5, space padding).
 */
import { XDS_TYPES, type EndpointRow, type ProxyStatusRow, type RemoteClusterRow, type XdsType } from '../types/api';
import { age } from '../format/kube';
import { tabwrite } from './tabwriter';
import { compareStrings } from '../format/compare';

const ISTIOCTL_LAYOUT = { minwidth: 0, padding: 5 };

/**
 * `istioctl proxy-config endpoints` (ENDPOINT STATUS OUTLIER CHECK CLUSTER). Rows are printed in the
 * order given: endpointRows() already sorts them as istioctl does.
 */
export function endpointsTable(rows: Array<Pick<EndpointRow, 'endpoint' | 'status' | 'outlierCheck' | 'cluster'>>): string {
  return tabwrite(
    [['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER'], ...rows.map((r) => [r.endpoint, r.status, r.outlierCheck, r.cluster])],
    ISTIOCTL_LAYOUT,
  );
}

/**
 * `istioctl remote-clusters`: NAME SECRET STATUS ISTIOD, plus REVISION as istioctl 1.31+ prints it.
 * istiod replicas are sorted by pod name; each replica's rows keep their response order.
 */
export function remoteClustersTable(rows: RemoteClusterRow[], { withRevision = true }: { withRevision?: boolean } = {}): string {
  const header = ['NAME', 'SECRET', 'STATUS', 'ISTIOD', ...(withRevision ? ['REVISION'] : [])];
  // Array.prototype.sort is stable, so rows of one istiod stay in response order.
  const sorted = [...rows].sort((a, b) => compareStrings(a.istiod, b.istiod));
  return tabwrite(
    [header, ...sorted.map((r) => [r.name, r.secret, r.status, r.istiod, ...(withRevision ? [r.revision] : [])])],
    ISTIOCTL_LAYOUT,
  );
}

/**
 * Which istioctl's `proxy-status` layout to reproduce (istioctl/pkg/writer/pilot/status.go at each tag):
 * - '1.21': HTTP /debug/syncz writer (≤1.21): per-type columns, sorted by CLUSTER then NAME, "STALE (Never
 *   Acknowledged)", VERSION falling back to the Envoy version starred;
 * - '1.22': xDS writer: per-type columns sorted by NAME, plain STALE, VERSION as the proxy reports it;
 * - '1.26': 1.23-1.26: the same, each pushed state followed by the age of its last push ("SYNCED (5m3s)");
 *   a type the proxy never subscribed to is IGNORED;
 * - 'current': 1.27+: NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES, sorted by NAME.
 */
export type ProxyStatusFormat = '1.21' | '1.22' | '1.26' | 'current';

/** SUBSCRIBED TYPES: "N (CDS,LDS,...)" over every type that is not IGNORED, in istioctl's order, or "0". */
export function subscribedTypes(row: Pick<ProxyStatusRow, 'resources'>): string {
  const subscribed = row.resources.filter((r) => r.status !== 'IGNORED').map((r) => r.type);
  return subscribed.length === 0 ? '0' : `${subscribed.length} (${subscribed.join(',')})`;
}

/** One per-type cell: formatStatus, with the age of the last push from 1.23 (NOT SENT and IGNORED have none). */
function xdsCell(row: ProxyStatusRow, type: XdsType, format: ProxyStatusFormat, nowMs: number): string {
  const status = row.types[type];
  if (format === '1.21') return status;
  const plain = status === 'STALE (Never Acknowledged)' ? 'STALE' : status;
  const sentAt = row.resources.find((r) => r.type === type)?.sentAt;
  if (format !== '1.26' || !sentAt || plain === 'NOT SENT' || plain === 'IGNORED') return plain;
  return `${plain} (${age(sentAt, nowMs)})`;
}

/** `istioctl proxy-status` in the layout of the given istioctl generation, ages counted up to `nowMs`. */
export function proxyStatusTable(rows: ProxyStatusRow[], format: ProxyStatusFormat = 'current', nowMs = Date.now()): string {
  const sorted = [...rows].sort((a, b) =>
    format === '1.21' ? compareStrings(a.cluster, b.cluster) || compareStrings(a.name, b.name) : compareStrings(a.name, b.name),
  );
  if (format === 'current') {
    return tabwrite(
      [
        ['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES'],
        ...sorted.map((r) => [r.name, r.cluster, r.istiod, r.version, subscribedTypes(r)]),
      ],
      ISTIOCTL_LAYOUT,
    );
  }
  // The HTTP writer fell back to the Envoy version, starred; the xDS writers print the Istio version alone.
  const version = (r: ProxyStatusRow) => (format === '1.21' && r.version === '' ? `${r.proxyVersion}*` : r.version);
  return tabwrite(
    [
      ['NAME', 'CLUSTER', ...XDS_TYPES, 'ISTIOD', 'VERSION'],
      ...sorted.map((r) => [r.name, r.cluster, ...XDS_TYPES.map((t) => xdsCell(r, t, format, nowMs)), r.istiod, version(r)]),
    ],
    ISTIOCTL_LAYOUT,
  );
}
