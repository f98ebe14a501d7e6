/**
 * A tiny World for testing lab/kube on its own (independent of lab/model): two clusters, a few pods and
 * Services, one istiod answering fixed JSON, and the faults the API server reacts to.
 */
import type { ClusterFaults, KubeObject, LabCluster, LabFault, ResourceType, WatchEvent, World } from '../world';

const types: ResourceType[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'] },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true, shortNames: ['po'] },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true, shortNames: ['svc'] },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true, shortNames: ['deploy'] },
  { group: 'networking.istio.io', version: 'v1', resource: 'gateways', kind: 'Gateway', namespaced: true, shortNames: ['gw'] },
];

const created = new Date(Date.now() - 103 * 60 * 1000).toISOString();

export function createFakeWorld(): World {
  const clusterNames = ['cluster1', 'cluster2'];
  let rv = 100;
  const objects = new Map<string, Map<string, KubeObject[]>>(); // cluster -> resource -> objects
  const history = new Map<string, WatchEvent[]>(); // `${cluster}/${resource}` -> events
  const listeners = new Map<string, Set<(ev: WatchEvent) => void>>();
  const faults = new Map<string, ClusterFaults>();

  const meta = (name: string, namespace?: string, labels?: Record<string, string>) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: `uid-${namespace ?? ''}-${name}`,
    resourceVersion: String(++rv),
    creationTimestamp: created,
    ...(labels ? { labels } : {}),
  });
  const pod = (name: string, namespace: string, app: string, ip: string): KubeObject => ({
    metadata: meta(name, namespace, { app }),
    spec: { nodeName: 'node-1', containers: [{ name: app, ports: [{ containerPort: 15014 }] }] },
    status: { phase: 'Running', podIP: ip, containerStatuses: [{ name: app, ready: true, restartCount: 0 }] },
  });

  for (const cluster of clusterNames) {
    const n = cluster === 'cluster1' ? 1 : 2;
    faults.set(cluster, { apiDown: false, latencyMs: 0, forbid: [], prometheusDown: false, prometheusLatencyMs: 0 });
    objects.set(
      cluster,
      new Map<string, KubeObject[]>([
        ['namespaces', ['default', 'istio-system', 'sample'].map((ns) => ({ metadata: meta(ns), status: { phase: 'Active' } }))],
        [
          'pods',
          [
            pod(`istiod-abc${n}`, 'istio-system', 'istiod', `10.0.${n}.2`),
            pod(`helloworld-v${n}-1`, 'sample', 'helloworld', `10.0.${n}.10`),
            pod(`sleep-${n}`, 'sample', 'sleep', `10.0.${n}.11`),
          ],
        ],
        [
          'services',
          [
            {
              metadata: meta('istio-eastwestgateway', 'istio-system', { app: 'istio-eastwestgateway' }),
              spec: { type: 'LoadBalancer', clusterIP: `10.100.0.${n}`, ports: [{ port: 15443, nodePort: 32163, protocol: 'TCP' }] },
              status: { loadBalancer: { ingress: [{ ip: `172.40.143.18${n}` }] } },
            },
            {
              metadata: meta('istiod', 'istio-system', { app: 'istiod' }),
              spec: { type: 'ClusterIP', clusterIP: `10.105.0.${n}`, ports: [{ port: 15014, protocol: 'TCP' }], selector: { app: 'istiod' } },
              status: { loadBalancer: {} },
            },
          ],
        ],
        ['deployments', []],
        ['gateways', []],
      ]),
    );
  }

  function emit(cluster: string, type: ResourceType, ev: Omit<WatchEvent, 'resourceVersion'>) {
    const event = { ...ev, resourceVersion: rv };
    const key = `${cluster}/${type.resource}`;
    const events = history.get(key) ?? [];
    events.push(event);
    history.set(key, events);
    for (const l of listeners.get(key) ?? []) l(event);
  }

  function scale(cluster: string, namespace: string, workload: string, replicas: number) {
    const podType = types[1];
    const pods = objects.get(cluster)!.get('pods')!;
    const mine = pods.filter((p) => p.metadata.namespace === namespace && p.metadata.name.startsWith(`${workload}-`));
    for (let i = mine.length; i < replicas; i++) {
      const p = pod(`${workload}-x${i}`, namespace, workload, `10.9.0.${i}`);
      pods.push(p);
      emit(cluster, podType, { type: 'ADDED', object: p });
    }
    for (const p of mine.slice(replicas)) {
      pods.splice(pods.indexOf(p), 1);
      ++rv;
      emit(cluster, podType, { type: 'DELETED', object: p });
    }
    pods.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  }

  return {
    scenarioName: 'fake',
    clusters: (): LabCluster[] =>
      clusterNames.map((name) => ({
        name,
        kubernetesVersion: 'v1.29.4',
        users: [
          { name: `${name}-admin`, credential: { kind: 'cert', commonName: 'kubernetes-admin', groups: ['system:masters'] } },
          { name: `${name}-viewer`, credential: { kind: 'token', token: `token-${name}-viewer` } },
        ],
        contexts: [
          { name: `${name}-admin@${name}`, user: `${name}-admin` },
          { name: `${name}-viewer@${name}`, user: `${name}-viewer` },
        ],
      })),
    resourceTypes: () => types,
    list: (cluster, type, namespace) =>
      (objects.get(cluster)?.get(type.resource) ?? []).filter((o) => namespace === undefined || o.metadata.namespace === namespace),
    resourceVersion: () => rv,
    eventsSince: (cluster, type, since) => {
      if (since < 100) return 'gone';
      return (history.get(`${cluster}/${type.resource}`) ?? []).filter((e) => e.resourceVersion > since);
    },
    subscribe: (cluster, type, listener) => {
      const key = `${cluster}/${type.resource}`;
      const set = listeners.get(key) ?? new Set();
      set.add(listener);
      listeners.set(key, set);
      return () => set.delete(listener);
    },
    faults: (cluster) => faults.get(cluster)!,
    podHandler: (cluster, namespace, podName, port, opts) => {
      if (!podName.startsWith('istiod-') || (port !== 15014 && port !== 8080)) return null;
      return (req, res) => {
        const path = (req.url ?? '/').split('?')[0];
        if (path.startsWith('/debug/') && opts?.viaApiServerProxy) {
          res.writeHead(401).end('Unauthorized\n');
        } else if (path === '/debug/clusterz') {
          const body = JSON.stringify([{ ID: cluster, SyncStatus: 'synced' }]);
          res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
        } else if (path === '/metrics') {
          res.writeHead(200, { 'Content-Type': 'text/plain' }).end('pilot_xds 3\n');
        } else res.writeHead(404).end('not found\n');
      };
    },
    applyFault: (fault: LabFault) => {
      const f = faults.get(fault.cluster);
      if (!f) throw new Error(`unknown cluster ${fault.cluster}`);
      if (fault.type === 'api-down') f.apiDown = fault.down;
      else if (fault.type === 'api-latency') f.latencyMs = fault.ms;
      else if (fault.type === 'forbid') {
        const { user, verb, resource, namespace } = fault;
        f.forbid = f.forbid.filter((r) => !(r.user === user && r.verb === verb && r.resource === resource && r.namespace === namespace));
        if (fault.on) f.forbid.push({ user, verb, resource, ...(namespace ? { namespace } : {}) });
      } else if (fault.type === 'scale-workload') scale(fault.cluster, fault.namespace, fault.workload, fault.replicas);
    },
  };
}
