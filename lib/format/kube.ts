/**
 * Kubernetes objects as kubectl prints them, and istio-system gateway Services reduced to
 * GatewayService. Inputs are plain JSON object shapes (as the API server sends them), not
 * client-node classes, so this stays browser-safe.
 */
import type { GatewayRole, GatewayService } from '../types/api';

export const NETWORK_LABEL = 'topology.istio.io/network';
/** The mTLS port of an east-west gateway (istiod's DefaultNetworkGatewayPort). */
export const EASTWEST_TLS_PORT = 15443;
/** HBONE (ambient): ztunnel's and an ambient east-west gateway's tunnel port. */
export const HBONE_PORT = 15008;
/** Envoy's admin port, and the istio-agent's (pilot-agent: health, merged metrics), on the pod's loopback. */
export const ENVOY_ADMIN_PORT = 15000;
export const ISTIO_AGENT_PORT = 15020;

/** The parts of a core/v1 ServicePort we read. */
export interface ServicePortJson {
  name?: string;
  port: number;
  nodePort?: number;
  protocol?: string;
}

/** The parts of a core/v1 Service we read. */
export interface ServiceJson {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: { type?: string; clusterIP?: string; externalIPs?: string[]; ports?: ServicePortJson[] };
  status?: { loadBalancer?: { ingress?: Array<{ ip?: string; hostname?: string }> } };
}

/** PORT(S) cells as kubectl prints them: "15021:31046/TCP" with a nodePort, else "80/TCP". */
export function servicePorts(ports: ServicePortJson[] | undefined): string[] {
  return (ports ?? []).map((p) => {
    const protocol = p.protocol || 'TCP';
    return p.nodePort ? `${p.port}:${p.nodePort}/${protocol}` : `${p.port}/${protocol}`;
  });
}

/** The service port of a kubectl PORT(S) cell: "15443:32163/TCP" → 15443; null if unreadable. */
export function portOf(cell: string): number | null {
  const n = Number.parseInt(cell, 10);
  return Number.isFinite(n) ? n : null;
}

/**
 * What an istio-system Service is for: eastwest (istio=eastwestgateway/eastwest, a network label
 * with a 15443 `tls` port, or "eastwest" in the name), ingress, egress, or other.
 */
export function gatewayRole(service: ServiceJson): GatewayRole {
  const labels = service.metadata.labels ?? {};
  const name = service.metadata.name.toLowerCase();
  const istio = labels.istio ?? '';
  const hasTlsPort = (service.spec?.ports ?? []).some((p) => p.port === EASTWEST_TLS_PORT && p.name === 'tls');
  if (istio === 'eastwestgateway' || istio === 'eastwest' || (labels[NETWORK_LABEL] && hasTlsPort) || name.includes('eastwest')) {
    return 'eastwest';
  }
  if (istio === 'ingressgateway' || name.includes('ingress')) return 'ingress';
  if (istio === 'egressgateway' || name.includes('egress')) return 'egress';
  return 'other';
}

/**
 * A Service as the dashboard shows gateways: external addresses in kubectl's EXTERNAL-IP order
 * (load balancer ingress IPs, then spec.externalIPs), the first ingress hostname, and `pending`
 * for a LoadBalancer that has no external address yet (kubectl's `<pending>`).
 */
export function toGatewayService(service: ServiceJson): GatewayService {
  const spec = service.spec ?? {};
  const ingress = service.status?.loadBalancer?.ingress ?? [];
  const ingressIPs = ingress.map((i) => i.ip).filter((ip): ip is string => !!ip);
  const externalIPs = [...new Set([...ingressIPs, ...(spec.externalIPs ?? [])])];
  const hostname = ingress.find((i) => i.hostname)?.hostname ?? null;
  const type = spec.type || 'ClusterIP';
  return {
    name: service.metadata.name,
    namespace: service.metadata.namespace ?? '',
    role: gatewayRole(service),
    type,
    clusterIP: spec.clusterIP || null,
    externalIPs,
    hostname,
    pending: type === 'LoadBalancer' && externalIPs.length === 0 && hostname === null,
    ports: servicePorts(spec.ports),
    network: service.metadata.labels?.[NETWORK_LABEL] ?? null,
  };
}

/**
 * AGE as kubectl prints it (apimachinery duration.HumanDuration): "45s", "8m15s", "103m", "5h3m",
 * "2d4h", "400d", "3y12d"; "<unknown>" without a timestamp, "<invalid>" for times in the future.
 */
export function age(iso: string | null | undefined, now: Date | number = Date.now()): string {
  const then = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(then)) return '<unknown>';
  const seconds = Math.trunc(((typeof now === 'number' ? now : now.getTime()) - then) / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

/**
 * Why a pod has no Envoy to ask, or null when it has one: a pod without an istio-proxy container (not
 * in the mesh: istiod itself, an uninjected namespace), or one not running (Pending: no Envoy yet).
 */
export function noEnvoyReason(pod: { phase: string; hasSidecar: boolean }): string | null {
  if (!pod.hasSidecar) return 'no istio-proxy container: this pod is not in the mesh, so it has no Envoy to ask';
  if (pod.phase === 'Pending') return 'pod Pending: no Envoy yet';
  if (pod.phase !== 'Running') return `pod ${pod.phase || 'not running'}: its Envoy is not running`;
  return null;
}
