import 'server-only';
import { X509Certificate } from 'node:crypto';
import YAML from 'yaml';
import { compareStrings } from '@/lib/format/compare';
import { NETWORK_LABEL, toGatewayService, type ServiceJson } from '@/lib/format/kube';
import { istioVersionFromImage } from '@/lib/istio/version';
import type { PodSnapshot, ServiceSnapshot } from '@/lib/mesh/snapshot';
import type { GatewayService, IstiodReplica } from '@/lib/types/api';
import type { KubeConfigMap as V1ConfigMap, KubePod as V1Pod, KubeService as V1Service } from './shapes';

/** client-node model objects reduced to what the dashboard reads (plain JSON, no Dates). */

export const ISTIO_NAMESPACE = 'istio-system';

/**
 * Istio's config (Gateways, VirtualServices, DestinationRules, PeerAuthentications) is read in v1beta1:
 * every release from 1.21 to today's serves it with the same schema, while v1 exists only from 1.22 on,
 * and a version not served answers 404, which would read as "none configured".
 */
export function istioConfigPath(group: 'networking.istio.io' | 'security.istio.io', resource: string, namespace?: string): string {
  return `/apis/${group}/v1beta1${namespace ? `/namespaces/${namespace}` : ''}/${resource}`;
}

export function podReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isIstiodPod(pod: V1Pod): boolean {
  return pod.metadata?.labels?.app === 'istiod';
}

/** Running istiod pods (as istioctl lists them: app=istiod, status.phase=Running), sorted by name. */
export function runningIstiods(pods: V1Pod[]): V1Pod[] {
  return pods
    .filter((p) => isIstiodPod(p) && p.status?.phase === 'Running')
    .sort((a, b) => (a.metadata!.name! < b.metadata!.name! ? -1 : 1));
}

function discoveryContainer(pod: V1Pod) {
  const containers = pod.spec?.containers ?? [];
  return containers.find((c) => c.name === 'discovery') ?? containers[0];
}

const ISTIOD_MONITORING_PORT = 15014;

/** istiod's monitoring port: pod annotation prometheus.io/port (as istioctl's FindIstiodMonitoringPort), else 15014. */
export function istiodMonitoringPort(annotations: Record<string, string> | undefined): number {
  const n = Number(annotations?.['prometheus.io/port']);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : ISTIOD_MONITORING_PORT;
}

export function istiodReplica(pod: V1Pod): IstiodReplica & { port: number } {
  const labels = pod.metadata?.labels ?? {};
  return {
    pod: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? ISTIO_NAMESPACE,
    version: istioVersionFromImage(discoveryContainer(pod)?.image) ?? labels['operator.istio.io/version'] ?? null,
    revision: labels['istio.io/rev'] ?? '',
    ready: podReady(pod),
    port: istiodMonitoringPort(pod.metadata?.annotations),
  };
}

/** istiod's CLUSTER_ID env (global.multiCluster.clusterName), the authoritative Istio cluster ID. */
export function clusterIdFromIstiods(pods: V1Pod[]): string | null {
  for (const pod of pods.filter(isIstiodPod)) {
    const value = discoveryContainer(pod)?.env?.find((e) => e.name === 'CLUSTER_ID')?.value;
    if (value) return value;
  }
  return null;
}

/** client-node Service model → the plain JSON shape lib/format/kube reads. */
export function serviceJson(svc: V1Service): ServiceJson {
  return {
    metadata: { name: svc.metadata?.name ?? '', namespace: svc.metadata?.namespace, labels: svc.metadata?.labels },
    spec: {
      type: svc.spec?.type,
      clusterIP: svc.spec?.clusterIP === 'None' ? undefined : svc.spec?.clusterIP,
      externalIPs: svc.spec?.externalIPs,
      ports: (svc.spec?.ports ?? []).map((p) => ({ name: p.name, port: p.port, nodePort: p.nodePort, protocol: p.protocol })),
    },
    status: { loadBalancer: { ingress: (svc.status?.loadBalancer?.ingress ?? []).map((i) => ({ ip: i.ip, hostname: i.hostname })) } },
  };
}

/**
 * The Service as a gateway when it is one, else null. Gateways: in the Istio namespace, any with a known
 * role or an `istio` label; elsewhere (the Helm docs install gateways into istio-ingress,
 * istio-gateways…) those Istio labels as its own: an `istio` label, or topology.istio.io/network (istiod
 * makes every Service with that label a network gateway). istiod's own Service never is.
 */
export function gatewayService(s: V1Service): GatewayService | null {
  const labels = s.metadata?.labels ?? {};
  if (labels.app === 'istiod' || s.metadata?.name === 'istiod') return null;
  const istioLabelled = labels.istio !== undefined || labels[NETWORK_LABEL] !== undefined;
  const gateway = toGatewayService(serviceJson(s));
  const isGateway = (s.metadata?.namespace ?? ISTIO_NAMESPACE) === ISTIO_NAMESPACE ? istioLabelled || gateway.role !== 'other' : istioLabelled;
  return isGateway ? gateway : null;
}

/** The Istio namespace's gateways first, then by namespace and name. */
export function sortGateways(gateways: GatewayService[]): GatewayService[] {
  const order = (g: GatewayService) => `${g.namespace === ISTIO_NAMESPACE ? 0 : 1}\u0000${g.namespace}\u0000${g.name}`;
  return gateways.sort((a, b) => compareStrings(order(a), order(b)));
}

/** The cluster's network: istio-system's topology.istio.io/network label, else the east-west gateway's. */
export function clusterNetwork(istioNamespaceLabels: Record<string, string> | undefined, gateways: GatewayService[]): string | null {
  return istioNamespaceLabels?.[NETWORK_LABEL] ?? gateways.find((g) => g.role === 'eastwest' && g.network)?.network ?? gateways.find((g) => g.network)?.network ?? null;
}

export function serviceSnapshot(svc: V1Service): ServiceSnapshot {
  const json = serviceJson(svc);
  const gw = toGatewayService(json);
  return {
    namespace: svc.metadata?.namespace ?? '',
    name: svc.metadata?.name ?? '',
    type: gw.type,
    clusterIP: gw.clusterIP,
    ports: gw.ports,
    selector: svc.spec?.selector && Object.keys(svc.spec.selector).length ? { ...svc.spec.selector } : null,
    labels: { ...(svc.metadata?.labels ?? {}) },
  };
}

export function hasSidecar(pod: V1Pod): boolean {
  const names = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name);
  // Native sidecars (1.29+) run istio-proxy as an init container; gateways run it as their only container.
  return names.includes('istio-proxy');
}

export function podSnapshot(pod: V1Pod): PodSnapshot {
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    ip: pod.status?.podIP || null,
    phase: pod.status?.phase ?? 'Unknown',
    ready: podReady(pod),
    labels: { ...(pod.metadata?.labels ?? {}) },
    nodeName: pod.spec?.nodeName ?? null,
    hasSidecar: hasSidecar(pod),
    ...(pod.spec?.hostNetwork ? { hostNetwork: true as const } : {}),
    ...podOwner(pod),
  };
}

/** The pod's controlling owner reference (the first one when none is marked controller), for its workload identity. */
function podOwner(pod: V1Pod): Pick<PodSnapshot, 'owner'> {
  const refs = pod.metadata?.ownerReferences ?? [];
  const ref = refs.find((r) => r.controller) ?? refs[0];
  return ref ? { owner: { kind: ref.kind, name: ref.name } } : {};
}

/* ------------------------------------------------------------------------------- mesh config */

export interface MeshFacts {
  meshId: string | null;
  trustDomain: string | null;
  network: string | null;
  clusterId: string | null;
  /** defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE is "true"; null when the mesh config was not read. */
  dnsCapture: boolean | null;
}

function objectAt(v: unknown, key: string): Record<string, unknown> {
  const o = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return o && typeof o === 'object' ? (o as Record<string, unknown>) : {};
}
function stringAt(v: unknown, key: string): string | null {
  const s = v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined;
  return typeof s === 'string' && s !== '' ? s : null;
}

/** Parsed ConfigMap texts by content: the same mesh config is read on every refresh. */
const parsedTexts = new Map<string, unknown>();

function parseLoose(text: string | undefined): unknown {
  if (!text) return null;
  if (parsedTexts.has(text)) return parsedTexts.get(text);
  let value: unknown = null;
  try {
    value = JSON.parse(text); // the injector values are JSON
  } catch {
    try {
      value = YAML.parse(text); // the mesh config is YAML
    } catch {
      value = null;
    }
  }
  if (parsedTexts.size > 200) parsedTexts.clear();
  parsedTexts.set(text, value);
  return value;
}

/** The configmap of a revision: "<name>" for default, "<name>-<rev>" otherwise, else the first prefixed one. */
function byRevision(configMaps: V1ConfigMap[], name: string, revision: string): V1ConfigMap | undefined {
  const wanted = revision && revision !== 'default' ? `${name}-${revision}` : name;
  return configMaps.find((c) => c.metadata?.name === wanted) ?? configMaps.find((c) => c.metadata?.name === name) ?? configMaps.find((c) => c.metadata?.name?.startsWith(`${name}-`));
}

/**
 * Mesh ID, trust domain, network and cluster ID from the istio ConfigMap (mesh YAML) and the injector
 * values (global.meshID, global.network, global.multiCluster.clusterName).
 */
export function meshFacts(configMaps: V1ConfigMap[], revision = 'default'): MeshFacts {
  const mesh = parseLoose(byRevision(configMaps, 'istio', revision)?.data?.mesh);
  const values = parseLoose(byRevision(configMaps, 'istio-sidecar-injector', revision)?.data?.values);
  const global = objectAt(values, 'global');
  const meshConfigRead = mesh !== null && typeof mesh === 'object';
  return {
    meshId: stringAt(objectAt(mesh, 'defaultConfig'), 'meshId') ?? stringAt(global, 'meshID'),
    trustDomain: stringAt(mesh, 'trustDomain') ?? (meshConfigRead ? 'cluster.local' : null),
    network: stringAt(global, 'network'),
    clusterId: stringAt(objectAt(global, 'multiCluster'), 'clusterName'),
    dnsCapture: meshConfigRead ? stringAt(objectAt(objectAt(mesh, 'defaultConfig'), 'proxyMetadata'), 'ISTIO_META_DNS_CAPTURE') === 'true' : null,
  };
}

export interface RootCert {
  /** SHA-256, upper-case hex, colon separated. */
  fingerprint: string;
  subject: string;
  /** ISO time. */
  notAfter: string;
}

const certsByPem = new Map<string, RootCert[]>();

/** The certificates in istio-ca-root-cert (unparsable blocks skipped; the others still count). */
export function rootCerts(configMaps: V1ConfigMap[]): RootCert[] {
  const pem = configMaps.find((c) => c.metadata?.name === 'istio-ca-root-cert')?.data?.['root-cert.pem'];
  if (!pem) return [];
  const cached = certsByPem.get(pem);
  if (cached) return cached.map((c) => ({ ...c }));
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const out: RootCert[] = [];
  for (const block of blocks) {
    try {
      const cert = new X509Certificate(block);
      out.push({ fingerprint: cert.fingerprint256, subject: cert.subject.replace(/\n/g, ', '), notAfter: new Date(cert.validTo).toISOString() });
    } catch {
      // skipped
    }
  }
  if (certsByPem.size > 200) certsByPem.clear();
  certsByPem.set(pem, out);
  return out.map((c) => ({ ...c }));
}

/** SHA-256 fingerprints (upper-case hex, colon separated) of every certificate in istio-ca-root-cert. */
export function rootCertFingerprints(configMaps: V1ConfigMap[]): string[] {
  return rootCerts(configMaps).map((c) => c.fingerprint);
}
