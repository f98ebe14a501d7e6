/**
 * Endpoint localities from Envoy admin `/config_dump?include_eds` (EndpointsConfigDump, snake_case),
 * for proxies whose `/clusters` output lacks them. Endpoints come out in the order of
 * `istioctl proxy-config eds` (istioctl/pkg/writer/envoy/configdump/endpoint.go).
 */
import type { EndpointHealth, EndpointRow } from '../types/api';
import { endpointLabel, healthName, hostAddress, localityLabel } from './envoy-clusters';
import { arrayAt, isObject, numberAt, objectAt, parseJsonObject, stringAt, type JsonObject } from './json';
import { BadResponseError } from './errors';
import { compareStrings } from '../format/compare';

const SOURCE = 'Envoy /config_dump';

/** One lb_endpoint of a ClusterLoadAssignment. */
export interface EdsEndpoint {
  /** ClusterLoadAssignment cluster_name (the Envoy cluster). */
  cluster: string;
  /** As in /clusters rows: an IP, "unix://<path>", "envoy://..." or "unknown". */
  address: string;
  port: number | null;
  status: EndpointHealth;
  /** "region/zone/subzone" with empty parts kept, "" when none (as EndpointRow.locality). */
  locality: string;
  region: string;
  zone: string;
  subZone: string;
  weight: number;
}

/** istioctl's safelyParseSubsetKey: "outbound|9080|v1|reviews.default.svc.cluster.local" → parts; other names are the name alone. */
function subsetKey(cluster: string): { direction: string; subset: string; name: string; port: number } {
  const parts = cluster.split('|');
  if (parts.length < 4) return { direction: '', subset: '', name: cluster, port: 0 };
  return { direction: parts[0], subset: parts[2], name: parts[3], port: Number.parseInt(parts[1], 10) || 0 };
}

function compareLoadAssignments(a: string, b: string): number {
  const x = subsetKey(a);
  const y = subsetKey(b);
  return compareStrings(x.name, y.name) || compareStrings(x.subset, y.subset) || x.port - y.port || compareStrings(x.direction, y.direction);
}

/**
 * The endpoints of every dynamic and static ClusterLoadAssignment in a config dump, sorted as
 * `istioctl proxy-config eds` sorts them (service name, subset, port, direction; endpoints in dump
 * order). A dump without an EndpointsConfigDump (no include_eds) has no endpoints.
 * @throws BadResponseError when the body is not JSON or has no `configs` array
 */
export function parseEdsConfigDump(body: string): EdsEndpoint[] {
  const root = parseJsonObject(body, SOURCE);
  if (!Array.isArray(root.configs)) throw new BadResponseError(SOURCE, 'configs is not an array');
  const assignments: JsonObject[] = [];
  for (const config of root.configs) {
    if (!isObject(config) || !stringAt(config, '@type').endsWith('.EndpointsConfigDump')) continue;
    for (const key of ['dynamic_endpoint_configs', 'static_endpoint_configs']) {
      for (const entry of arrayAt(config, key)) {
        const cla = objectAt(entry, 'endpoint_config');
        if (typeof cla.cluster_name === 'string') assignments.push(cla);
      }
    }
  }
  assignments.sort((a, b) => compareLoadAssignments(a.cluster_name as string, b.cluster_name as string));

  const endpoints: EdsEndpoint[] = [];
  for (const cla of assignments) {
    const cluster = cla.cluster_name as string;
    for (const group of arrayAt(cla, 'endpoints')) {
      const locality = objectAt(group, 'locality');
      for (const lb of arrayAt(group, 'lb_endpoints')) {
        if (!isObject(lb)) continue;
        const { address, port } = hostAddress(objectAt(objectAt(lb, 'endpoint'), 'address'));
        endpoints.push({
          cluster,
          address,
          port,
          status: healthName(lb.health_status),
          locality: localityLabel(locality),
          region: stringAt(locality, 'region'),
          zone: stringAt(locality, 'zone'),
          subZone: stringAt(locality, 'sub_zone'),
          weight: numberAt(lb, 'load_balancing_weight'),
        });
      }
    }
  }
  return endpoints;
}

function localityKey(cluster: string, endpoint: string): string {
  return `${cluster}\n${endpoint}`;
}

/**
 * Fills the empty `locality` of endpoint rows from a config dump's endpoints (same Envoy cluster
 * and ENDPOINT); rows that already have one, or have no match, are returned unchanged.
 */
export function withEdsLocalities<T extends Pick<EndpointRow, 'cluster' | 'endpoint' | 'locality'>>(rows: T[], eds: EdsEndpoint[]): T[] {
  const localities = new Map<string, string>();
  for (const e of eds) if (e.locality) localities.set(localityKey(e.cluster, endpointLabel(e.address, e.port)), e.locality);
  return rows.map((row) => {
    if (row.locality) return row;
    const locality = localities.get(localityKey(row.cluster, row.endpoint));
    return locality ? { ...row, locality } : row;
  });
}
