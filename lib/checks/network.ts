/** Checks of cross-network routing: network labels, east-west gateways, their Gateways, endpoints, pod address ranges. */
import { isRemoteCluster } from './control-plane';
import { type Check, clusterNetwork, CONTROL_PLANE_CLUSTERS, eastwestServices, ISTIO_NAMESPACE, istiodsOf, kubectl, listed, NETWORK_LABEL, needAll, selectedPods } from './engine';
import { overlaps, parseRange, sortRanges, type Range, type SortedRanges } from '../net/cidr';
import type { ClusterSnapshot, IstioGatewayFacts, MeshSnapshot, PodFacts, ServiceFacts, Subject } from './types';

const MULTI_NETWORK = 'https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/';
const NAMESPACE = { kind: 'Namespace', name: ISTIO_NAMESPACE };
const EW_SAMPLES = 'samples/multicluster';

const serviceSubject = (s: { namespace: string; name: string }) => ({ kind: 'Service', namespace: s.namespace, name: s.name });

/** The networks of the mesh (istio-system labels and east-west gateway labels of every cluster read). */
function meshNetworks(snapshot: MeshSnapshot): { networks: Set<string>; eastwest: boolean } {
  const networks = new Set<string>();
  let eastwest = false;
  for (const c of snapshot.clusters) {
    const label = c.istioNamespace.ok ? c.istioNamespace.value?.labels[NETWORK_LABEL] : undefined;
    if (label) networks.add(label);
    for (const s of c.services.ok ? eastwestServices(c.services.value) : []) {
      eastwest = true;
      if (s.labels[NETWORK_LABEL]) networks.add(s.labels[NETWORK_LABEL]);
    }
  }
  return { networks, eastwest };
}

const labelFix = (cluster: string, network: string) => `${kubectl(cluster)} label namespace ${ISTIO_NAMESPACE} ${NETWORK_LABEL}=${network} --overwrite`;

export const networkLabelMissing: Check = {
  id: 'network-label-missing',
  title: 'A cluster lacks its topology.istio.io/network label',
  docs: `${MULTI_NETWORK}#set-the-default-network-for-cluster1`,
  run(snapshot, out) {
    const { networks, eastwest } = meshNetworks(snapshot);
    if (networks.size < 2 && !eastwest) {
      for (const c of snapshot.clusters) needAll(out, c.cluster, c.istioNamespace, c.services);
      return;
    }
    for (const c of snapshot.clusters) {
      const read = needAll<[{ labels: Record<string, string> } | null, ServiceFacts[]]>(out, c.cluster, c.istioNamespace, c.services);
      if (!read || read[0] === null) continue;
      const [ns, services] = read;
      const label = ns.labels[NETWORK_LABEL];
      const gateways = eastwestServices(services);
      if (!label) {
        const guess = gateways.find((g) => g.labels[NETWORK_LABEL])?.labels[NETWORK_LABEL] ?? '<network>';
        out.find({
          severity: 'error',
          cluster: c.cluster,
          subject: NAMESPACE,
          message: `${ISTIO_NAMESPACE} of ${c.cluster} has no ${NETWORK_LABEL} label in a mesh of several networks (${[...networks].join(', ')}): istiod cannot tell which endpoints need the east-west gateway, so clients get unroutable pod IPs`,
          evidence: [{ source: `${c.cluster} namespace ${ISTIO_NAMESPACE}`, fact: `labels: ${Object.entries(ns.labels).map(([k, v]) => `${k}=${v}`).join(', ') || 'none'}` }],
          fix: labelFix(c.cluster, guess),
        });
        continue;
      }
      for (const g of gateways) {
        const gwNetwork = g.labels[NETWORK_LABEL];
        if (!gwNetwork || gwNetwork === label) continue;
        out.find({
          severity: 'error',
          cluster: c.cluster,
          subject: serviceSubject(g),
          message: `The east-west gateway ${g.namespace}/${g.name} of ${c.cluster} is labelled network "${gwNetwork}" but the cluster is on "${label}": other networks send traffic for ${label} to no gateway`,
          evidence: [
            { source: `${c.cluster} namespace ${ISTIO_NAMESPACE}`, fact: `${NETWORK_LABEL}=${label}` },
            { source: `${c.cluster} service ${g.namespace}/${g.name}`, fact: `${NETWORK_LABEL}=${gwNetwork}` },
          ],
          fix: `${kubectl(c.cluster)} -n ${g.namespace} label service ${g.name} ${NETWORK_LABEL}=${label} --overwrite`,
        });
      }
    }
  },
};

export const eastwestGatewayMissing: Check = {
  id: 'eastwest-gateway-missing',
  title: 'A cluster on a network of its own has no east-west gateway',
  docs: `${MULTI_NETWORK}#install-the-east-west-gateway-in-cluster1`,
  run(snapshot, out) {
    const networkOf = new Map(snapshot.clusters.map((c) => [c, clusterNetwork(c)]));
    const networks = new Set([...networkOf.values()].filter((n): n is string => n !== null));
    for (const c of snapshot.clusters) {
      const services = out.need(c.cluster, c.services);
      if (!services || networks.size < 2) continue;
      const network = networkOf.get(c);
      if (!network || eastwestServices(services).length > 0) continue;
      // Clusters sharing a network reach each other's pods directly; only a network of its own needs the gateway.
      if (snapshot.clusters.some((o) => o !== c && networkOf.get(o) === network)) continue;
      out.find({
        severity: 'error',
        cluster: c.cluster,
        subject: { kind: 'Service', namespace: ISTIO_NAMESPACE, name: 'istio-eastwestgateway' },
        message: `${c.cluster} is alone on network ${network} and has no east-west gateway: no other network can reach its workloads`,
        evidence: [
          { source: `${c.cluster} namespace ${ISTIO_NAMESPACE}`, fact: `${NETWORK_LABEL}=${network}` },
          { source: `${c.cluster} services`, fact: 'none with istio=eastwestgateway or a 15443 tls port and a network label' },
        ],
        fix: `${EW_SAMPLES}/gen-eastwest-gateway.sh --network ${network} | istioctl install --context=${c.cluster} -y -f -`,
      });
    }
  },
};

export const eastwestGatewayNoAddress: Check = {
  id: 'eastwest-gateway-no-address',
  title: 'The east-west gateway has no external address',
  docs: `${MULTI_NETWORK}#install-the-east-west-gateway-in-cluster1`,
  run(snapshot, out) {
    // Every istiod's networkz: a gateway any of them resolved (NodePort, hostname) is reachable.
    const resolved = new Set<string>();
    let networkzRead = false;
    for (const c of snapshot.clusters) {
      for (const i of istiodsOf(c)) {
        if (!i.networkz.ok) continue;
        networkzRead = true;
        for (const g of i.networkz.value) resolved.add(g.network);
      }
    }
    for (const c of snapshot.clusters) {
      for (const g of eastwestServices(out.need(c.cluster, c.services) ?? [])) {
        if (!g.pending) continue;
        const network = g.labels[NETWORK_LABEL] ?? clusterNetwork(c) ?? '';
        if (!networkzRead) {
          out.undecided(c.cluster, 'no istiod /debug/networkz could be read');
          continue;
        }
        if (resolved.has(network)) continue;
        out.find({
          severity: 'error',
          cluster: c.cluster,
          subject: serviceSubject(g),
          message: `The east-west gateway ${g.namespace}/${g.name} of ${c.cluster} has no external address (LoadBalancer <pending>) and no istiod knows a gateway for ${network}: other networks get its raw pod IPs, which they cannot reach`,
          evidence: [
            { source: `${c.cluster} service ${g.namespace}/${g.name}`, fact: 'type LoadBalancer, status.loadBalancer.ingress empty' },
            { source: 'istiod /debug/networkz', fact: `gateways for: ${[...resolved].join(', ') || 'none'}` },
          ],
          fix: `# give the Service an address: a load balancer (MetalLB on bare metal), or
${kubectl(c.cluster)} -n ${g.namespace} patch service ${g.name} -p '{"spec":{"externalIPs":["<reachable IP>"]}}'`,
        });
      }
    }
  },
};

export const eastwestGatewayPortMissing: Check = {
  id: 'eastwest-gateway-port-missing',
  title: 'The east-west gateway Service lacks port 15443',
  docs: `${MULTI_NETWORK}#install-the-east-west-gateway-in-cluster1`,
  run(snapshot, out) {
    for (const c of snapshot.clusters) {
      for (const g of eastwestServices(out.need(c.cluster, c.services) ?? [])) {
        if (g.ports.some((p) => p.port === 15443)) continue;
        out.find({
          severity: 'error',
          cluster: c.cluster,
          subject: serviceSubject(g),
          message: `The east-west gateway ${g.namespace}/${g.name} of ${c.cluster} does not expose port 15443: istiod registers no gateway for the network and cross-network mTLS has no way in`,
          evidence: [{ source: `${c.cluster} service ${g.namespace}/${g.name}`, fact: `ports: ${g.ports.map((p) => `${p.port}/${p.protocol}${p.name ? ` (${p.name})` : ''}`).join(', ')}` }],
          fix: `${kubectl(c.cluster)} -n ${g.namespace} patch service ${g.name} --type=json -p '[{"op":"add","path":"/spec/ports/-","value":{"name":"tls","port":15443,"targetPort":15443,"protocol":"TCP"}}]'`,
        });
      }
    }
  },
};

/** The labels of a gateway's pods (or, without pods, its selector as a stand-in). */
function gatewayPodLabels(g: ServiceFacts, pods: PodFacts[]): Array<Record<string, string>> {
  const selected = g.selector ? selectedPods(pods, g.selector, g.namespace) : [];
  return selected.length ? selected.map((p) => p.labels) : g.selector ? [g.selector] : [];
}

function selects(gateway: IstioGatewayFacts, labels: Array<Record<string, string>>): boolean {
  const entries = Object.entries(gateway.selector);
  return labels.some((l) => entries.every(([k, v]) => l[k] === v));
}

// v1beta1: the version every Istio release from 1.21 accepts (v1 only from 1.22).
const EXPOSE_SERVICES = `apiVersion: networking.istio.io/v1beta1
kind: Gateway
metadata:
  name: cross-network-gateway
  namespace: ${ISTIO_NAMESPACE}
spec:
  selector:
    istio: eastwestgateway
  servers:
  - port: { number: 15443, name: tls, protocol: TLS }
    tls: { mode: AUTO_PASSTHROUGH }
    hosts: ["*.local"]`;

export const crossNetworkGatewayMissing: Check = {
  id: 'cross-network-gateway-missing',
  title: 'No cross-network Gateway on the east-west gateway',
  docs: `${MULTI_NETWORK}#expose-services-in-cluster1`,
  run(snapshot, out) {
    for (const c of snapshot.clusters) {
      const read = needAll<[ServiceFacts[], PodFacts[], IstioGatewayFacts[]]>(out, c.cluster, c.services, c.pods, c.gateways);
      if (!read) continue;
      const [services, pods, gateways] = read;
      for (const g of eastwestServices(services)) {
        const labels = gatewayPodLabels(g, pods);
        const ok = gateways.some(
          (gw) => selects(gw, labels) && gw.servers.some((s) => s.port === 15443 && s.tlsMode === 'AUTO_PASSTHROUGH' && s.hosts.some((h) => h === '*.local' || h === '*' || h.endsWith('/*.local'))),
        );
        if (ok) continue;
        const near = gateways.filter((gw) => selects(gw, labels));
        out.find({
          severity: 'error',
          cluster: c.cluster,
          subject: serviceSubject(g),
          message: `No Gateway in ${c.cluster} opens port 15443 (TLS AUTO_PASSTHROUGH, hosts *.local) on the east-west gateway ${g.namespace}/${g.name}: traffic from other networks is refused`,
          evidence: [
            { source: `${c.cluster} gateways.networking.istio.io`, fact: near.length ? `selecting the east-west pods: ${near.map((gw) => `${gw.namespace}/${gw.name} (${gw.servers.map((s) => `${s.port} ${s.tlsMode ?? 'no tls'}`).join(', ')})`).join('; ')}` : `none selecting ${Object.entries(g.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',')}` },
          ],
          fix: `${kubectl(c.cluster)} apply -n ${ISTIO_NAMESPACE} -f ${EW_SAMPLES}/expose-services.yaml\n# which is:\n${EXPOSE_SERVICES.replace('istio: eastwestgateway', Object.entries(g.selector ?? { istio: 'eastwestgateway' }).map(([k, v]) => `${k}: ${v}`).join('\n    '))}`,
        });
      }
    }
  },
};

export const istiodNotExposed: Check = {
  id: 'istiod-not-exposed',
  title: 'Primary-remote: the config cluster does not expose istiod',
  docs: 'https://istio.io/latest/docs/setup/install/multicluster/primary-remote_multi-network/#expose-the-control-plane-in-cluster1',
  run(snapshot, out) {
    const byId = new Map(snapshot.clusters.filter((c) => c.clusterId).map((c) => [c.clusterId!, c]));
    const configClusters = new Map<ClusterSnapshot, string[]>();
    for (const c of snapshot.clusters) {
      if (!c.istiods.ok || !isRemoteCluster(c, c.istiods.value)) {
        if (!c.istiods.ok || !c.istioNamespace.ok) needAll(out, c.cluster, c.istiods, c.istioNamespace);
        continue;
      }
      const names = c.istioNamespace.ok ? (c.istioNamespace.value?.annotations[CONTROL_PLANE_CLUSTERS] ?? '') : '';
      for (const id of names.split(',').map((s) => s.trim()).filter(Boolean)) {
        const primary = byId.get(id);
        if (primary) configClusters.set(primary, [...(configClusters.get(primary) ?? []), c.cluster]);
      }
    }
    for (const [primary, remotes] of configClusters) {
      const read = needAll<[ServiceFacts[], PodFacts[], IstioGatewayFacts[]]>(out, primary.cluster, primary.services, primary.pods, primary.gateways);
      if (!read) continue;
      const [services, pods, gateways] = read;
      const labels = eastwestServices(services).flatMap((g) => gatewayPodLabels(g, pods));
      const exposed = (port: number) => gateways.some((gw) => selects(gw, labels) && gw.servers.some((s) => s.port === port));
      const missing = [15012, 15017].filter((p) => !exposed(p));
      if (missing.length === 0) continue;
      out.find({
        severity: 'error',
        cluster: primary.cluster,
        subject: { kind: 'Gateway', namespace: ISTIO_NAMESPACE, name: 'istiod-gateway' },
        message: `${primary.cluster} configures the remote cluster${remotes.length > 1 ? 's' : ''} ${remotes.join(', ')} but its east-west gateway exposes no istiod port ${missing.join(' and ')}: remote proxies cannot get configuration or certificates${missing.includes(15017) ? ', and injection in the remote fails' : ''}`,
        evidence: [
          ...remotes.map((r) => ({ source: `${r} namespace ${ISTIO_NAMESPACE}`, fact: `${CONTROL_PLANE_CLUSTERS}=${primary.clusterId}` })),
          { source: `${primary.cluster} gateways.networking.istio.io`, fact: `on the east-west gateway: ${gateways.filter((gw) => selects(gw, labels)).map((gw) => `${gw.name} (${gw.servers.map((s) => s.port).join(', ')})`).join('; ') || 'none'}` },
        ],
        fix: `${kubectl(primary.cluster)} apply -n ${ISTIO_NAMESPACE} -f ${EW_SAMPLES}/expose-istiod.yaml`,
      });
    }
  },
};

interface PodHolder {
  network: string | null;
  cluster: string;
  pod: PodFacts;
}

/** Pod IP → the pods holding it in every cluster read (host-network pods excluded: their IP is the node's). */
function podsByIP(snapshot: MeshSnapshot): Map<string, PodHolder[]> {
  const out = new Map<string, PodHolder[]>();
  for (const c of snapshot.clusters) {
    if (!c.pods.ok) continue;
    const network = clusterNetwork(c);
    for (const pod of c.pods.value) {
      if (!pod.ip || pod.hostNetwork) continue;
      const holders = out.get(pod.ip);
      if (holders) holders.push({ network, cluster: c.cluster, pod });
      else out.set(pod.ip, [{ network, cluster: c.cluster, pod }]);
    }
  }
  return out;
}

export const endpointsUnroutable: Check = {
  id: 'endpoints-unroutable',
  title: 'A proxy holds pod IPs of another network',
  docs: 'https://istio.io/latest/docs/ops/diagnostic-tools/multicluster/#cross-network-load-balancing',
  run(snapshot, out) {
    const byIP = podsByIP(snapshot);
    for (const c of snapshot.clusters) {
      const sample = out.need(c.cluster, c.proxySample);
      if (!sample) continue;
      const network = clusterNetwork(c);
      for (const proxy of sample) {
        if (!proxy.addresses.ok) {
          out.undecided(c.cluster, proxy.addresses.reason);
          continue;
        }
        const foreign: string[] = [];
        for (const ip of new Set(proxy.addresses.value)) {
          const holders = byIP.get(ip);
          // A pod of its own network holds it: routable (overlapping pod CIDRs across networks are normal).
          if (!holders || holders.some((h) => h.network === network)) continue;
          for (const h of holders) foreign.push(`${ip} (${h.cluster} ${h.pod.namespace}/${h.pod.name}, ${h.network ?? 'no network'})`);
        }
        if (foreign.length === 0) continue;
        out.find({
          severity: 'error',
          cluster: c.cluster,
          subject: { kind: 'Pod', namespace: proxy.namespace, name: proxy.pod },
          message: `The proxy of ${proxy.namespace}/${proxy.pod} (${c.cluster}, ${network ?? 'no network'}) holds ${foreign.length} endpoint${foreign.length > 1 ? 's' : ''} that are pod IPs of another network: requests sent there fail (no route); they should go through that network's east-west gateway`,
          evidence: [{ source: `${c.cluster} ${proxy.namespace}/${proxy.pod} Envoy /clusters`, fact: listed(foreign, 3) }],
          fix: `# make istiod see the other network's gateway: label networks, give the east-west gateway an address, then check\nistioctl --context=${c.cluster} proxy-config endpoints ${proxy.pod}.${proxy.namespace}\nistioctl --context=${c.cluster} x internal-debug networkz`,
        });
      }
    }
  },
};

/** A range of a cluster's pod addresses and what holds it: a node's spec.podCIDR, or one pod's IP. */
type PodRange = Range & { holder: Subject };

/**
 * A cluster's pod address ranges: its nodes' spec.podCIDRs, as the API server allocates them; where no
 * node carries one (an IPAM of its own, like Calico's pools) or nodes cannot be read, the pods' IPs.
 */
function podRanges(c: ClusterSnapshot, pods: PodFacts[]): { ranges: PodRange[]; source: string } {
  const nodes = c.nodes.ok ? c.nodes.value.filter((n) => n.podCIDRs.length > 0) : [];
  if (nodes.length > 0) {
    const ranges = nodes.flatMap((n) => n.podCIDRs.flatMap((text) => parseRange(text) ?? []).map((r) => ({ ...r, holder: { kind: 'Node', name: n.name } })));
    return { ranges, source: `${c.cluster} nodes spec.podCIDRs` };
  }
  const why = c.nodes.ok ? 'no node has spec.podCIDR' : `nodes not readable: ${c.nodes.reason}`;
  const ranges = pods.flatMap((p) => {
    const r = p.ip && !p.hostNetwork ? parseRange(p.ip) : null;
    return r ? [{ ...r, holder: { kind: 'Pod', namespace: p.namespace, name: p.name } }] : [];
  });
  return { ranges, source: `${c.cluster} pod IPs (${why})` };
}

const holderName = (s: Subject) => (s.namespace ? `${s.namespace}/${s.name}` : s.name);

export const podCidrOverlap: Check = {
  id: 'pod-cidr-overlap',
  title: 'Pod address ranges of two clusters overlap',
  docs: 'https://istio.io/latest/docs/ops/deployment/deployment-models/#multiple-networks',
  run(snapshot, out) {
    const earlier: Array<{ cluster: ClusterSnapshot; ranges: SortedRanges<PodRange>; source: string }> = [];
    for (const c of snapshot.clusters) {
      const pods = out.need(c.cluster, c.pods);
      if (!pods) continue;
      const found = podRanges(c, pods);
      // Sorted once: compared with every cluster before and after it.
      const mine = { ...found, ranges: sortRanges(found.ranges) };
      for (const other of earlier) {
        const pairs = overlaps(other.ranges, mine.ranges, 3);
        if (pairs.length === 0) continue;
        const network = clusterNetwork(c);
        const sameNetwork = clusterNetwork(other.cluster) === network;
        const theirs = [...new Set(pairs.map(([a]) => a.text))].join(', ');
        const ours = [...new Set(pairs.map(([, b]) => b.text))].join(', ');
        out.find({
          severity: sameNetwork ? 'error' : 'info',
          cluster: c.cluster,
          subject: pairs[0][1].holder,
          message: sameNetwork
            ? `Pod addresses of ${c.cluster} (${ours}) overlap those of ${other.cluster} (${theirs}), on the same network ${network}: traffic to an overlapping address may reach the wrong pod`
            : `Pod addresses of ${c.cluster} (${ours}) overlap those of ${other.cluster} (${theirs}); they are on different networks, so Istio routes between them through the east-west gateways (keep it that way)`,
          evidence: [
            ...pairs.map(([a, b]) => ({ source: `${other.source} / ${mine.source}`, fact: `${a.text} (${holderName(a.holder)}) overlaps ${b.text} (${holderName(b.holder)})` })),
          ],
          fix: sameNetwork
            ? `# give the clusters disjoint pod CIDRs (the CNI's pool, kube-controller-manager --cluster-cidr), or put them on different networks:\n${labelFix(c.cluster, '<network of its own>')}`
            : '# nothing to do while the clusters stay on different networks',
        });
      }
      earlier.push({ cluster: c, ...mine });
    }
  },
};
