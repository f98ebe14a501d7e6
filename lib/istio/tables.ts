/**
 * istioctl's text tables, byte for byte: same headers, sort orders and tabwriter layout
 * (minwidth 0, padding 5, space padding).
 */
import { XDS_TYPES, type EndpointRow, type ProxyStatusRow, type RemoteClusterRow, type XdsStatus } from '../types/api';
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
 * Which istioctl's `proxy-status` layout to reproduce:
 * - '1.21': HTTP /debug/syncz writer (≤1.21): per-type columns, sorted by CLUSTER then NAME;
 * - '1.26': xDS writer (1.22-1.26): per-type columns, sorted by NAME; xDS knows no "Never Acknowledged";
 * - 'current': 1.27+: NAME CLUSTER ISTIOD VERSION SUBSCRIBED TYPES, sorted by NAME.
 */
export type ProxyStatusFormat = '1.21' | '1.26' | 'current';

/** SUBSCRIBED TYPES: "N (CDS,LDS,...)" over the types that are not IGNORED, or "0". */
export function subscribedTypes(row: Pick<ProxyStatusRow, 'types'>): string {
  const subscribed = XDS_TYPES.filter((type) => row.types[type] !== 'IGNORED');
  return subscribed.length === 0 ? '0' : `${subscribed.length} (${subscribed.join(',')})`;
}

function xdsCell(status: XdsStatus, format: ProxyStatusFormat): string {
  return format !== '1.21' && status === 'STALE (Never Acknowledged)' ? 'STALE' : status;
}

/** `istioctl proxy-status` in the layout of the given istioctl generation. */
export function proxyStatusTable(rows: ProxyStatusRow[], format: ProxyStatusFormat = 'current'): string {
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
  return tabwrite(
    [
      ['NAME', 'CLUSTER', ...XDS_TYPES, 'ISTIOD', 'VERSION'],
      ...sorted.map((r) => [r.name, r.cluster, ...XDS_TYPES.map((t) => xdsCell(r.types[t], format)), r.istiod, r.version]),
    ],
    ISTIOCTL_LAYOUT,
  );
}
