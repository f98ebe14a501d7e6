/** Helpers for the lab model's tests: a pod's HTTP handler served on loopback, and readers of what it answers. */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import type { LabWorld } from './index';

/** Serves the pod handler on 127.0.0.1:0 (as the port-forward would) and GETs a path. */
export async function get(handler: ((req: IncomingMessage, res: ServerResponse) => void) | null, urlPath: string) {
  if (!handler) throw new Error('pod does not serve that port');
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${urlPath}`);
    return { status: res.status, length: res.headers.get('content-length'), body: await res.text() };
  } finally {
    server.close();
  }
}

interface ClusterStatus {
  name: string;
  host_statuses?: Array<{
    address: { socket_address?: { address: string; port_value: number }; envoy_internal_address?: { server_listener_name: string; endpoint_id: string } };
    health_status: { eds_health_status: string; failed_outlier_check?: boolean };
    weight: number;
  }>;
}

/** The ENDPOINT column as istioctl prints it (clusters.go retrieveEndpointAddress, with the port). */
function hostAddress(address: NonNullable<ClusterStatus['host_statuses']>[number]['address']): string {
  if (address.envoy_internal_address) return `envoy://${address.envoy_internal_address.server_listener_name}/${address.envoy_internal_address.endpoint_id}`;
  return `${address.socket_address!.address}:${address.socket_address!.port_value}`;
}

/** `istioctl proxy-config endpoints` rows (ENDPOINT, STATUS, OUTLIER CHECK) of one Envoy cluster. */
export async function endpointRows(world: LabWorld, cluster: string, namespace: string, pod: string, envoyCluster: string): Promise<string[]> {
  const { body } = await get(world.podHandler(cluster, namespace, pod, 15000), '/clusters?format=json');
  const parsed = JSON.parse(body) as { cluster_statuses: ClusterStatus[] };
  const found = parsed.cluster_statuses.find((c) => c.name === envoyCluster);
  if (!found) throw new Error(`no Envoy cluster ${envoyCluster}`);
  return (found.host_statuses ?? [])
    .map((h) => `${hostAddress(h.address)} ${h.health_status.eds_health_status} ${h.health_status.failed_outlier_check ? 'FAILED' : 'OK'} w${h.weight}`)
    .sort();
}

export async function clusterz(world: LabWorld, cluster: string, istiod: string) {
  const res = await get(world.podHandler(cluster, 'istio-system', istiod, 15014), '/debug/clusterz');
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Array<{ id: string; secretName: string; syncStatus: string }> | null;
}

