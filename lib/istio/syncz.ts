/**
 * istiod `/debug/syncz` (pilot/pkg/xds/debug.go SyncStatus, snake_case; istio.md §2.4) and the
 * per-type statuses of `istioctl proxy-status`, computed as the 1.20 HTTP writer does plus the
 * NACK state of 1.23+: lastError → ERROR, nothing sent → NOT SENT (IGNORED for ztunnel), acked ==
 * sent → SYNCED, never acked → STALE (Never Acknowledged), else STALE.
 */
import { XDS_TYPES, type ProxyStatusRow, type ProxySync, type XdsStatus, type XdsType } from '../types/api';
import { isObject, objectAt, parseJsonArray, stringAt, type JsonObject } from './json';

/** For each short type: the SyncStatus field prefix and the type URL of `resources`. */
const XDS_FIELDS: Record<XdsType, { prefix: string; typeUrl: string }> = {
  CDS: { prefix: 'cluster', typeUrl: 'type.googleapis.com/envoy.config.cluster.v3.Cluster' },
  LDS: { prefix: 'listener', typeUrl: 'type.googleapis.com/envoy.config.listener.v3.Listener' },
  EDS: { prefix: 'endpoint', typeUrl: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment' },
  RDS: { prefix: 'route', typeUrl: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration' },
  ECDS: { prefix: 'extensionconfig', typeUrl: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig' },
};

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

/** A proxy-status row plus the NACK text of each type in ERROR (1.23+ `resources[].lastError`). */
export type ProxyStatusDetail = ProxyStatusRow & { lastErrors: Partial<Record<XdsType, string>> };

function proxyRow(entry: JsonObject, istiodPod: string): ProxyStatusDetail {
  const proxyType = stringAt(entry, 'proxy_type');
  const resources = objectAt(entry, 'resources');
  const types = {} as Record<XdsType, XdsStatus>;
  const lastErrors: Partial<Record<XdsType, string>> = {};
  for (const type of XDS_TYPES) {
    const { prefix, typeUrl } = XDS_FIELDS[type];
    const resource = objectAt(resources, typeUrl);
    // The flat *_sent/*_acked fields predate `resources` (1.23+); read either.
    const sent = stringAt(entry, `${prefix}_sent`) || stringAt(resource, 'sent');
    const acked = stringAt(entry, `${prefix}_acked`) || stringAt(resource, 'acked');
    const lastError = stringAt(resource, 'lastError');
    types[type] = xdsStatus(sent, acked, lastError, proxyType);
    if (lastError) lastErrors[type] = lastError.slice(0, 1000);
  }
  const istioVersion = stringAt(entry, 'istio_version');
  return {
    name: stringAt(entry, 'proxy'),
    cluster: stringAt(entry, 'cluster_id'),
    istiod: istiodPod,
    // istioctl's fallback when the proxy reports no Istio version: the Envoy version, starred.
    version: istioVersion !== '' ? istioVersion : `${stringAt(entry, 'proxy_version')}*`,
    proxyType,
    types,
    overall: overallStatus(types),
    lastErrors,
  };
}

/**
 * Parses one istiod replica's `/debug/syncz` body into `istioctl proxy-status` rows (response order).
 * @param istiodPod the istiod pod that answered (the ISTIOD column)
 * @throws BadResponseError when the body is not a JSON array
 */
export function parseSyncz(body: string, istiodPod: string): ProxyStatusRow[] {
  return parseSynczDetails(body, istiodPod).map(({ lastErrors: _lastErrors, ...row }) => row);
}

/** parseSyncz with each row's NACK texts (the mesh checks show them). */
export function parseSynczDetails(body: string, istiodPod: string): ProxyStatusDetail[] {
  return parseJsonArray(body, `istiod ${istiodPod} /debug/syncz`)
    .filter(isObject)
    .filter((entry) => typeof entry.proxy === 'string' && entry.proxy !== '')
    .map((entry) => proxyRow(entry, istiodPod));
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
