/**
 * A generated scenario for benchmarks: N primary clusters (one network each, every istiod reading every
 * other cluster), M namespaces per cluster, and P pods in total spread evenly over the clusters; each
 * namespace runs a few apps whose Services exist in every cluster (the multi-cluster docs' pattern).
 * Deterministic: the same options give the same scenario.
 */
import { parseScenario, type Scenario, type ScenarioInput } from './scenario';

export interface ScaleOptions {
  clusters: number;
  namespaces: number;
  pods: number;
  /** Istio's Prometheus addon in every cluster and traffic in every namespace (app-1 → app-2 → …). */
  traffic?: boolean;
}

/** Replicas per app: a handful of pods per Deployment, as in typical services. */
const REPLICAS_PER_APP = 5;
/** istiod + east-west + ingress gateway pods per cluster, counted in the total. */
const SYSTEM_PODS_PER_CLUSTER = 3;

/** Splits `total` into `parts` near-equal integers (the first ones get the remainder). */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

export function scaleScenario(opts: ScaleOptions): Scenario {
  const { clusters, namespaces, pods } = opts;
  if (!Number.isInteger(clusters) || clusters < 1 || clusters > 200) throw new Error('scale: clusters must be an integer from 1 to 200');
  if (!Number.isInteger(namespaces) || namespaces < 1) throw new Error('scale: namespaces must be a positive integer');
  if (!Number.isInteger(pods) || pods < clusters * SYSTEM_PODS_PER_CLUSTER) {
    throw new Error(`scale: pods must be at least ${clusters * SYSTEM_PODS_PER_CLUSTER} (istiod and two gateways per cluster)`);
  }
  const ids = Array.from({ length: clusters }, (_, i) => `cluster${i + 1}`);
  const appPodsPerCluster = split(pods - clusters * SYSTEM_PODS_PER_CLUSTER, clusters);
  // Apps per namespace are sized on the largest cluster so every cluster has the same Services.
  const podsPerNamespace = Math.ceil(Math.max(...appPodsPerCluster) / namespaces);
  const appsPerNamespace = Math.max(1, Math.ceil(podsPerNamespace / REPLICAS_PER_APP));
  const nsNames = Array.from({ length: namespaces }, (_, i) => `team-${String(i + 1).padStart(3, '0')}`);

  const input: ScenarioInput = {
    name: `scale-${clusters}c-${namespaces}ns-${pods}p`,
    description: `Generated: ${clusters} clusters, ${namespaces} namespaces each, ${pods} pods in total`,
    clusters: ids.map((id, i) => {
      const nodes = Math.max(3, Math.ceil((appPodsPerCluster[i] + SYSTEM_PODS_PER_CLUSTER) / 100));
      return {
        id,
        network: `network${i + 1}`,
        // Distinct pod CIDRs (10.112.0.0/16 upwards) keep the mesh routable as a flat network would be.
        podCIDR: `10.${112 + (i % 140)}.0.0/16`,
        nodeCIDR: `172.${16 + Math.floor(i / 200)}.${i % 200}.0/24`,
        region: `region-${(i % 5) + 1}`,
        zone: `region-${(i % 5) + 1}-${String.fromCharCode(97 + (i % 3))}`,
        nodes: [{ name: `${id}-control-plane`, controlPlane: true }, ...Array.from({ length: nodes }, (_, n) => `${id}-worker-${n + 1}`)],
        istiod: { replicas: 1, age: '3d' },
        gateways: [
          { name: 'istio-eastwestgateway', kind: 'eastwest', externalIP: `198.18.${i % 250}.${10 + Math.floor(i / 250)}`, ports: ['15021', '15443', '15012', '15017'], age: '3d' },
          { name: 'istio-ingressgateway', kind: 'ingress', externalIP: `198.19.${i % 250}.${10 + Math.floor(i / 250)}`, ports: ['15021', '80', '443'], age: '3d' },
        ],
        remoteSecrets: ids.filter((other) => other !== id).map((other) => ({ cluster: other, status: 'synced' })),
      };
    }),
    namespaces: nsNames.map((name) => ({ name, injection: true, age: '2d' })),
    workloads: [],
    services: [],
  };

  for (const [ci, id] of ids.entries()) {
    const perNamespace = split(appPodsPerCluster[ci], namespaces);
    for (const [ni, ns] of nsNames.entries()) {
      const perApp = split(perNamespace[ni], appsPerNamespace);
      for (let a = 0; a < appsPerNamespace; a++) {
        if (perApp[a] === 0) continue;
        input.workloads!.push({ name: `app-${a + 1}-v1`, namespace: ns, cluster: id, app: `app-${a + 1}`, version: 'v1', replicas: perApp[a], ports: [8080], image: 'docker.io/library/nginx:1.25', age: '1d' });
      }
    }
  }
  for (const ns of nsNames) for (let a = 0; a < appsPerNamespace; a++) input.services!.push({ name: `app-${a + 1}`, namespace: ns, ports: [{ name: 'http', port: 8080 }], age: '1d' });
  if (opts.traffic) {
    input.addons = ['prometheus'];
    // Each app calls the next one in its namespace, from every cluster to every cluster (the Services exist everywhere).
    input.traffic = nsNames.flatMap((ns) =>
      Array.from({ length: appsPerNamespace - 1 }, (_, a) => ({ from: { namespace: ns, app: `app-${a + 1}` }, to: `app-${a + 2}.${ns}`, rps: 5 * clusters, errorRatio: 0.01 })),
    );
  }
  return parseScenario(input, 'generated scale scenario');
}
