/**
 * Envoy admin `/clusters?format=json` (proto envoy.admin.v3.Clusters, snake_case, zero values
 * omitted, uint64 as strings) and the rows of `istioctl proxy-config endpoints`, computed as
 * istioctl/pkg/writer/envoy/clusters/clusters.go does (reference: istio.md §3.2-§3.3).
 */
import { ENDPOINT_HEALTH, type EndpointHealth, type EndpointRow } from '../types/api';
import { arrayAt, flagAt, isObject, numberAt, objectAt, parseJsonObject, stringAt } from './json';
import { BadResponseError } from './errors';
import { compareStrings } from '../format/compare';

const SOURCE = 'Envoy /clusters';

/** One host (endpoint) of an Envoy cluster. */
export interface ParsedHost {
  /** ENDPOINT without the port: an IP, "unix://<path>", "envoy://<listener>/<id>" or "unknown". */
  address: string;
  /** socket_address.port_value; null for pipes, internal addresses and port 0. */
  port: number | null;
  /** STATUS: eds_health_status only ("UNKNOWN" when absent), as istioctl prints it. */
  status: EndpointHealth;
  failedOutlierCheck: boolean;
  weight: number;
  /** "region/zone/subzone" with empty parts kept; "" when Envoy reports no locality. */
  locality: string;
  rqTotal: number;
  rqError: number;
  cxActive: number;
}

/** One Envoy cluster with its hosts (none for BlackHoleCluster, PassthroughCluster...). */
export interface ParsedCluster {
  name: string;
  hosts: ParsedHost[];
}

/** `istioctl proxy-config endpoints` filters; empty/absent fields match everything. */
export interface EndpointFilter {
  /** Envoy cluster name, case-insensitive exact match (--cluster). */
  cluster?: string;
  /** socket port (--port); pipes have port 0. */
  port?: number;
  /** eds health status name, case-insensitive (--status). */
  status?: string;
  /** ENDPOINT without port, case-insensitive (--address). */
  address?: string;
}

export type EndpointRowData = Omit<EndpointRow, 'target'>;

const HEALTH_NAMES: ReadonlySet<string> = new Set(ENDPOINT_HEALTH);

/**
 * Parses an Envoy `/clusters?format=json` body. Unknown fields are ignored; stats may be strings,
 * numbers or absent (0); host_statuses, locality and weight may be missing.
 * @throws BadResponseError when the body is not JSON or its top level is not a Clusters object.
 */
export function parseEnvoyClusters(body: string): ParsedCluster[] {
  const root = parseJsonObject(body, SOURCE);
  const statuses = root.cluster_statuses;
  if (statuses !== undefined && !Array.isArray(statuses)) {
    throw new BadResponseError(SOURCE, 'cluster_statuses is not an array');
  }
  const clusters: ParsedCluster[] = [];
  for (const status of statuses ?? []) {
    if (!isObject(status) || typeof status.name !== 'string') continue;
    clusters.push({ name: status.name, hosts: arrayAt(status, 'host_statuses').filter(isObject).map(parseHost) });
  }
  return clusters;
}

/**
 * Only the host addresses of the outbound clusters of a `/clusters?format=json` body: what the mesh
 * checks compare with pod IPs, without building every host's stats (a proxy of a large mesh holds
 * thousands of hosts).
 * @throws BadResponseError as parseEnvoyClusters does.
 */
export function outboundHostAddresses(body: string): string[] {
  const statuses = parseJsonObject(body, SOURCE).cluster_statuses;
  if (statuses !== undefined && !Array.isArray(statuses)) throw new BadResponseError(SOURCE, 'cluster_statuses is not an array');
  const out: string[] = [];
  for (const status of statuses ?? []) {
    if (!isObject(status) || typeof status.name !== 'string' || !status.name.startsWith('outbound|')) continue;
    for (const host of arrayAt(status, 'host_statuses')) if (isObject(host)) out.push(hostAddress(objectAt(host, 'address')).address);
  }
  return out;
}

function parseHost(host: Record<string, unknown>): ParsedHost {
  const { address, port } = hostAddress(objectAt(host, 'address'));
  const health = objectAt(host, 'health_status');
  const stats = statValues(arrayAt(host, 'stats'));
  return {
    address,
    port,
    status: healthName(health.eds_health_status),
    failedOutlierCheck: flagAt(health, 'failed_outlier_check'),
    weight: numberAt(host, 'weight'),
    locality: localityLabel(objectAt(host, 'locality')),
    rqTotal: stats.get('rq_total') ?? 0,
    rqError: stats.get('rq_error') ?? 0,
    cxActive: stats.get('cx_active') ?? 0,
  };
}

/** istioctl's retrieveEndpointAddress for an envoy.config.core.v3.Address, split into address and port. */
export function hostAddress(address: Record<string, unknown>): { address: string; port: number | null } {
  if (isObject(address.socket_address)) {
    const port = numberAt(address.socket_address, 'port_value');
    return { address: stringAt(address.socket_address, 'address'), port: port !== 0 ? port : null };
  }
  if (isObject(address.pipe)) {
    return { address: `unix://${stringAt(address.pipe, 'path')}`, port: null };
  }
  if (isObject(address.envoy_internal_address)) {
    const internal = address.envoy_internal_address;
    if (typeof internal.server_listener_name === 'string') {
      return { address: `envoy://${internal.server_listener_name}/${stringAt(internal, 'endpoint_id')}`, port: null };
    }
  }
  return { address: 'unknown', port: null };
}

/** An envoy.config.core.v3.HealthStatus as istioctl names it; "UNKNOWN" when absent or unreadable. */
export function healthName(value: unknown): EndpointHealth {
  if (typeof value === 'string' && HEALTH_NAMES.has(value)) return value as EndpointHealth;
  // Encoders that write enums as integers (config.core.v3.HealthStatus).
  if (typeof value === 'number') return ENDPOINT_HEALTH[value] ?? 'UNKNOWN';
  return 'UNKNOWN';
}

/** Locality as "region/zone/subzone"; "" for `{}` (Envoy always writes the object). */
export function localityLabel(locality: Record<string, unknown>): string {
  const parts = [stringAt(locality, 'region'), stringAt(locality, 'zone'), stringAt(locality, 'sub_zone')];
  return parts.some((p) => p !== '') ? parts.join('/') : '';
}

function statValues(stats: unknown[]): Map<string, number> {
  const values = new Map<string, number>();
  for (const stat of stats) {
    if (isObject(stat) && typeof stat.name === 'string') values.set(stat.name, numberAt(stat, 'value'));
  }
  return values;
}

/** ENDPOINT as istioctl prints it: address, plus ":port" when the port is not 0. */
export function endpointLabel(address: string, port: number | null): string {
  return port !== null ? `${address}:${port}` : address;
}

function equalFold(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

/** istioctl's EndpointFilter.Verify: every set field must match (AND). */
function matches(cluster: string, host: ParsedHost, filter: EndpointFilter): boolean {
  if (filter.cluster && !equalFold(cluster, filter.cluster)) return false;
  if (filter.port && (host.port ?? 0) !== filter.port) return false;
  if (filter.address && !equalFold(host.address, filter.address)) return false;
  if (filter.status && !equalFold(host.status, filter.status)) return false;
  return true;
}

/**
 * The rows of `istioctl proxy-config endpoints` (plus weight, locality and per-host stats), filtered
 * as its flags do and sorted as it sorts: address (byte-wise string compare), port (numeric), then
 * Envoy cluster name.
 */
export function endpointRows(clusters: ParsedCluster[], filter: EndpointFilter = {}): EndpointRowData[] {
  const rows: EndpointRowData[] = [];
  for (const cluster of clusters) {
    for (const host of cluster.hosts) {
      if (!matches(cluster.name, host, filter)) continue;
      rows.push({
        endpoint: endpointLabel(host.address, host.port),
        address: host.address,
        port: host.port,
        status: host.status,
        outlierCheck: host.failedOutlierCheck ? 'FAILED' : 'OK',
        cluster: cluster.name,
        weight: host.weight,
        locality: host.locality,
        rqTotal: host.rqTotal,
        rqError: host.rqError,
        cxActive: host.cxActive,
      });
    }
  }
  return rows.sort(
    (a, b) => compareStrings(a.address, b.address) || (a.port ?? 0) - (b.port ?? 0) || compareStrings(a.cluster, b.cluster),
  );
}

/**
 * Outbound Envoy clusters without a single endpoint: istioctl prints no row for them, so a service whose
 * every backend is gone (or whose cluster istiod cannot read) would look like nothing. Only with no
 * port, status or address filter (those select endpoints); the cluster filter applies.
 */
export function emptyOutboundClusters(clusters: ParsedCluster[], filter: EndpointFilter = {}): string[] {
  if (filter.port || filter.status || filter.address) return [];
  return clusters
    .filter((c) => c.name.startsWith('outbound|') && c.hosts.length === 0 && (!filter.cluster || equalFold(c.name, filter.cluster)))
    .map((c) => c.name)
    .sort(compareStrings);
}
