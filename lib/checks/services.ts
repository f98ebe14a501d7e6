/** Checks of Services and traffic policy across clusters: DNS for remote-only Services, consistency, failover. */
import { type Check, ISTIO_NAMESPACE, kubectl, listed, needAll, referenceValue } from './engine';
import type { MeshConfigFacts, ServiceFacts } from './types';

const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease', ISTIO_NAMESPACE]);
const key = (s: { namespace: string; name: string }) => `${s.namespace}/${s.name}`;

/** Application Services (not the cluster's own, not gateways) by namespace/name. */
function appServices(services: ServiceFacts[]): Map<string, ServiceFacts> {
  return new Map(services.filter((s) => !SYSTEM_NAMESPACES.has(s.namespace) && s.role === 'other' && key(s) !== 'default/kubernetes').map((s) => [key(s), s]));
}

export const dnsCaptureOff: Check = {
  id: 'dns-capture-off',
  title: 'Services only in other clusters, and DNS capture is off',
  docs: 'https://istio.io/latest/docs/ops/configuration/traffic-management/dns-proxy/',
  run(snapshot, out) {
    const everywhere = new Map<string, string[]>();
    for (const c of snapshot.clusters) if (c.services.ok) for (const k of appServices(c.services.value).keys()) everywhere.set(k, [...(everywhere.get(k) ?? []), c.cluster]);
    for (const c of snapshot.clusters) {
      const read = needAll<[MeshConfigFacts, ServiceFacts[]]>(out, c.cluster, c.meshConfig, c.services);
      if (!read || read[0].dnsCapture) continue;
      const local = appServices(read[1]);
      const remoteOnly = [...everywhere].filter(([k]) => !local.has(k)).map(([k, clusters]) => `${k} (${clusters.join(', ')})`);
      if (remoteOnly.length === 0) continue;
      out.find({
        severity: 'warning',
        cluster: c.cluster,
        subject: { kind: 'ConfigMap', namespace: ISTIO_NAMESPACE, name: 'istio' },
        message: `${remoteOnly.length} Service${remoteOnly.length > 1 ? 's exist' : ' exists'} only in other clusters and ${c.cluster} does not capture DNS: its clients cannot resolve ${listed(remoteOnly.map((s) => s.split(' ')[0]), 3)} ("Could not resolve host")`,
        evidence: [
          { source: `${c.cluster} ${ISTIO_NAMESPACE}/istio mesh config`, fact: 'defaultConfig.proxyMetadata has no ISTIO_META_DNS_CAPTURE: "true"' },
          { source: `${c.cluster} services`, fact: `missing here: ${listed(remoteOnly)}` },
        ],
        fix: `istioctl install --context=${c.cluster} --set meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE='"true"' --set meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE='"true"'\n# or create the Service (without pods) in ${c.cluster}`,
      });
    }
  },
};

const signature = (s: ServiceFacts) => `${s.type} ${s.ports.map((p) => `${p.port}/${p.protocol}${p.name ? `(${p.name})` : ''}`).sort().join(',')}`;

export const serviceInconsistent: Check = {
  id: 'service-inconsistent',
  title: 'One Service differs across clusters',
  docs: 'https://istio.io/latest/docs/reference/config/analysis/ist0170/',
  run(snapshot, out) {
    const byKey = new Map<string, Array<{ cluster: string; value: ServiceFacts }>>();
    for (const c of snapshot.clusters) {
      const services = out.need(c.cluster, c.services);
      for (const s of services ? appServices(services).values() : []) byKey.set(key(s), [...(byKey.get(key(s)) ?? []), { cluster: c.cluster, value: s }]);
    }
    for (const [name, copies] of byKey) {
      if (copies.length < 2) continue;
      const ref = referenceValue(copies, signature);
      for (const copy of copies) {
        if (signature(copy.value) === ref) continue;
        out.find({
          severity: 'warning',
          cluster: copy.cluster,
          subject: { kind: 'Service', namespace: copy.value.namespace, name: copy.value.name },
          message: `Service ${name} in ${copy.cluster} is "${signature(copy.value)}" while ${copies.filter((c) => signature(c.value) === ref).map((c) => c.cluster).join(', ')} define it as "${ref}": istiod merges them into one service and clients see ports that some endpoints do not serve`,
          evidence: copies.map((c) => ({ source: `${c.cluster} service ${name}`, fact: signature(c.value) })),
          fix: `${kubectl(copy.cluster)} -n ${copy.value.namespace} edit service ${copy.value.name}   # make type and ports match the other clusters`,
        });
      }
    }
  },
};

export const localityFailoverWithoutOutlierDetection: Check = {
  id: 'locality-failover-without-outlier-detection',
  title: 'Locality failover without outlier detection',
  docs: 'https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/',
  run(snapshot, out) {
    for (const c of snapshot.clusters) {
      for (const dr of out.need(c.cluster, c.destinationRules) ?? []) {
        if (!dr.localityLb || dr.outlierDetection) continue;
        out.find({
          severity: 'warning',
          cluster: c.cluster,
          subject: { kind: 'DestinationRule', namespace: dr.namespace, name: dr.name },
          message: `DestinationRule ${dr.namespace}/${dr.name} (host ${dr.host}) sets localityLbSetting without outlierDetection: Envoy never marks a locality unhealthy, so failover to another cluster or zone never happens`,
          evidence: [{ source: `${c.cluster} destinationrule ${dr.namespace}/${dr.name}`, fact: 'trafficPolicy.loadBalancer.localityLbSetting set, trafficPolicy.outlierDetection absent' }],
          fix: `${kubectl(c.cluster)} -n ${dr.namespace} patch destinationrule ${dr.name} --type=merge -p '{"spec":{"trafficPolicy":{"outlierDetection":{"consecutive5xxErrors":5,"interval":"10s","baseEjectionTime":"30s"}}}}'`,
        });
      }
    }
  },
};
