/**
 * istiod `/debug/syncz` (pilot/pkg/xds/debug.go SyncStatus, snake_case; istio.md §2.4) and the
 * per-type statuses of `istioctl proxy-status`, computed as the 1.20 HTTP writer does plus the
 * NACK state of 1.23+: lastError → ERROR, nothing sent → NOT SENT (IGNORED for ztunnel), acked ==
 * sent → SYNCED, never acked → STALE (Never Acknowledged), else STALE.
 */
import { XDS_TYPES, type ProxyStatusRow, type ProxySync, type XdsResourceState, type XdsStatus, type XdsType } from '../types/api';
import { isObject, parseJsonArray, stringAt, type JsonObject } from './json';

/** For each short type: the SyncStatus field prefix and the type URL of `resources`. */
const XDS_FIELDS: Record<XdsType, { prefix: string; typeUrl: string }> = {
  CDS: { prefix: 'cluster', typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' },
  LDS: { prefix: 'listener', typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Listener' },
  EDS: { prefix: 'endpoint', typeUrl: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment' },
  RDS: { prefix: 'route', typeUrl: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration' },
  ECDS: { prefix: 'extensionconfig', typeUrl: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig' },
};

/** pkg/model/xds.go GetShortType: the names istioctl prints; any other type URL is printed as is. */
const SHORT_TYPES: Record<string, string> = {
  ...Object.fromEntries(Object.entries(XDS_FIELDS).map(([short, f]) => [f.typeUrl, short])),
  'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret': 'SDS',
  'type.googleapis.com/istio.networking.nds.v1.NameTable': 'NDS',
  'type.googleapis.com/istio.mesh.v1alpha1.ProxyConfig': 'PCDS',
  'type.googleapis.com/istio.workload.Address': 'WDS',
  'type.googleapis.com/istio.workload.Workload': 'WDS',
  'type.googleapis.com/istio.security.Authorization': 'WADS',
};

/** istioctl's column order (status.go setupStatusPrint): the core types first, then the others by type URL. */
const CORE_ORDER = ['CDS', 'LDS', 'EDS', 'RDS'].map((t) => XDS_FIELDS[t as XdsType].typeUrl);
function compareTypeUrls(a: string, b: string): number {
  const ia = CORE_ORDER.indexOf(a);
  const ib = CORE_ORDER.indexOf(b);
  if (ia !== -1 || ib !== -1) return (ia === -1 ? CORE_ORDER.length : ia) - (ib === -1 ? CORE_ORDER.length : ib);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The state of one xDS type from its nonces, as istioctl computes it. */
export function xdsStatus(sent: string, acked: string, lastError: string, proxyType: string): XdsStatus {
  if (lastError !== '') return 'ERROR';
  if (sent === '') return proxyType === 'ztunnel' ? 'IGNORED' : 'NOT SENT';
  if (sent === acked) return 'SYNCED';
  // acked is empty when the proxy never acknowledged anything of this type.
  if (acked === '') return 'STALE (Never Acknowledged)';
  return 'STALE';
}

const SEVERITY: Record<ProxyStatusRow['overall'], number> = { 'NOT SENT': 0, SYNCED: 1, STALE: 2, ERROR: 3 };

/**
 * The proxy's overall state: the worst per-type state, where a type istiod has NOT SENT anything for
 * is neutral (ECDS and often RDS are never sent to a plain sidecar; istioctl shows that as normal).
 * Only a proxy that was sent nothing at all is NOT SENT. IGNORED never counts (a proxy that subscribed
 * to none of these types, such as a ztunnel, is SYNCED).
 */
export function overallStatus(types: Record<XdsType, XdsStatus>): ProxyStatusRow['overall'] {
  let worst: ProxyStatusRow['overall'] = 'NOT SENT';
  let subscribed = false;
  for (const type of XDS_TYPES) {
    const status = types[type];
    if (status === 'IGNORED') continue;
    subscribed = true;
    const normalized = status === 'STALE (Never Acknowledged)' ? 'STALE' : status;
    if (SEVERITY[normalized] > SEVERITY[worst]) worst = normalized;
  }
  return subscribed ? worst : 'SYNCED';
}

/** A Go time.Time as JSON, or null for the zero time (a type never sent) and anything unreadable. */
function sentTime(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) || value.startsWith('0001-') ? null : new Date(ms).toISOString();
}

type ResourceDetail = XdsResourceState & { lastError: string };

/**
 * The types of one syncz entry. From 1.23 istiod lists every watched type in `resources`, with its
 * sentTime and lastError; a type it does not list was never subscribed (istioctl's IGNORED). Before,
 * only the flat nonces of the five Envoy types exist, and an empty one reads as NOT SENT (IGNORED for
 * a ztunnel).
 */
function resourceStates(entry: JsonObject, proxyType: string): { resources: ResourceDetail[]; absent: XdsStatus } {
  if (isObject(entry.resources)) {
    const resources = Object.entries(entry.resources)
      .filter(([, r]) => isObject(r))
      .map(([typeUrl, r]) => {
        const lastError = stringAt(r, 'lastError');
        const status = xdsStatus(stringAt(r, 'sent'), stringAt(r, 'acked'), lastError, '');
        return { type: SHORT_TYPES[typeUrl] ?? typeUrl, typeUrl, status, sentAt: status === 'NOT SENT' ? null : sentTime(stringAt(r, 'sentTime')), lastError };
      });
    return { resources: resources.sort((a, b) => compareTypeUrls(a.typeUrl, b.typeUrl)), absent: 'IGNORED' };
  }
  const resources = XDS_TYPES.map((type) => {
    const { prefix, typeUrl } = XDS_FIELDS[type];
    return { type, typeUrl, status: xdsStatus(stringAt(entry, `${prefix}_sent`), stringAt(entry, `${prefix}_acked`), '', proxyType), sentAt: null, lastError: '' };
  });
  return { resources, absent: 'NOT SENT' };
}

/** A proxy-status row plus the NACK text of each type in ERROR (1.23+ `resources[].lastError`). */
export type ProxyStatusDetail = ProxyStatusRow & { lastErrors: Partial<Record<XdsType, string>> };

function proxyRow(entry: JsonObject, istiodPod: string, revision: string): ProxyStatusDetail {
  const proxyType = stringAt(entry, 'proxy_type');
  const { resources, absent } = resourceStates(entry, proxyType);
  const types = {} as Record<XdsType, XdsStatus>;
  const lastErrors: Partial<Record<XdsType, string>> = {};
  for (const type of XDS_TYPES) {
    const resource = resources.find((r) => r.type === type);
    types[type] = resource?.status ?? absent;
    if (resource?.lastError) lastErrors[type] = resource.lastError.slice(0, 1000);
  }
  return {
    name: stringAt(entry, 'proxy'),
    cluster: stringAt(entry, 'cluster_id'),
    istiod: istiodPod,
    revision,
    version: stringAt(entry, 'istio_version'),
    proxyVersion: stringAt(entry, 'proxy_version'),
    proxyType,
    types,
    resources: resources.map(({ lastError: _lastError, ...r }) => r),
    overall: overallStatus(types),
    lastErrors,
  };
}

/**
 * Parses one istiod replica's `/debug/syncz` body into `istioctl proxy-status` rows (response order).
 * @param istiodPod the istiod pod that answered (the ISTIOD column)
 * @param revision that pod's `istio.io/rev` label ("" when absent)
 * @throws BadResponseError when the body is not a JSON array
 */
export function parseSyncz(body: string, istiodPod: string, revision = ''): ProxyStatusRow[] {
  return parseSynczDetails(body, istiodPod, revision).map(({ lastErrors: _lastErrors, ...row }) => row);
}

/** parseSyncz with each row's NACK texts (the mesh checks show them). */
export function parseSynczDetails(body: string, istiodPod: string, revision = ''): ProxyStatusDetail[] {
  return parseJsonArray(body, `istiod ${istiodPod} /debug/syncz`)
    .filter(isObject)
    .filter((entry) => typeof entry.proxy === 'string' && entry.proxy !== '')
    .map((entry) => proxyRow(entry, istiodPod, revision));
}

/** Counts of proxies per overall state, every state present (0 when none). */
export function proxySyncCounts(rows: ProxyStatusRow[]): ProxySync['counts'] {
  const counts: ProxySync['counts'] = { SYNCED: 0, 'NOT SENT': 0, STALE: 0, ERROR: 0 };
  for (const row of rows) counts[row.overall]++;
  return counts;
}

/** The `proxySync` block of /api/mesh from the rows of every istiod replica. */
export function proxySync(rows: ProxyStatusRow[]): ProxySync {
  return { counts: proxySyncCounts(rows), proxies: rows };
}
