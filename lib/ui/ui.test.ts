import { describe, expect, it } from 'vitest';
import type { ClusterMesh, EndpointRow, MeshResponse } from '@/lib/types/api';
import { buildSyncMatrix, sharesRootCert } from './sync-matrix';
import { endpointFilterQuery, groupByEnvoyCluster, healthMix, readEndpointFilters, targetLabel } from './endpoints';
import { formatAge, isStale, isTroubledEndpoint, podPath, shortFingerprint } from './format';
import { appendSample, sampleOf } from './history';
import { resolveCluster, sortPods } from './pods';
import { proxySyncUnread, statusProblems } from './problems';
import { gatewayRows } from './gateways';

function mesh(cluster: string, clusterId: string, remotes: Array<[string, string, string?]>, extra: Partial<ClusterMesh> = {}): ClusterMesh {
  return {
    cluster,
    clusterId,
    ok: true,
    errors: [],
    fetchedAt: '2024-01-01T00:00:00Z',
    istiod: [{ pod: `istiod-${clusterId}`, namespace: 'istio-system', version: '1.22.0', revision: 'default', ready: true }],
    meshId: 'mesh1',
    network: null,
    trustDomain: 'cluster.local',
    rootCertFingerprints: ['AA:BB'],
    remoteClusters: remotes.map(([name, status, istiod]) => ({ name, status, secret: name === clusterId ? '' : `istio-system/istio-remote-secret-${name}`, istiod: istiod ?? `istiod-${clusterId}`, revision: 'default' })),
    gateways: [],
    proxySync: null,
    ...extra,
  };
}

describe('buildSyncMatrix', () => {
  it('marks a configured cluster the istiod does not read as missing', () => {
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster1', 'synced'], ['cluster2', 'synced']]), mesh('ctx2', 'cluster2', [['cluster2', 'synced']])]);
    expect(m.columns).toEqual(['cluster1', 'cluster2']);
    expect(m.rows[0].cells.cluster2.state).toBe('synced');
    expect(m.rows[1].cells.cluster1.state).toBe('missing');
    expect(m.rows[1].cells.cluster1.rows).toEqual([]);
  });

  it('shows the worst state of several istiod replicas and keeps every replica row', () => {
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster2', 'synced', 'istiod-a'], ['cluster2', 'timeout', 'istiod-b']])]);
    expect(m.rows[0].cells.cluster2.state).toBe('timeout');
    expect(m.rows[0].cells.cluster2.rows.map((r) => r.istiod)).toEqual(['istiod-a', 'istiod-b']);
  });

  it('keeps an unreadable cluster as a row with its error instead of dropping it', () => {
    const down: ClusterMesh = { ...mesh('ctx2', 'cluster2', []), ok: false, errors: [{ kind: 'unreachable', message: 'connection refused', source: 'api' }] };
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster1', 'synced'], ['cluster2', 'synced']]), down]);
    expect(m.rows[1]).toMatchObject({ cluster: 'ctx2', error: 'connection refused' });
  });

  it('says unknown, not missing, when the istiod could not be read', () => {
    const unread = mesh('ctx2', 'cluster2', [], { errors: [{ kind: 'forbidden', message: 'no port-forward', source: 'istiod istiod-cluster2 /debug/clusterz' }] });
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster1', 'synced'], ['cluster2', 'synced']]), unread]);
    expect(m.rows[1].cells.cluster1.state).toBe('unknown');
    expect(m.rows[1].cells.cluster2.state).toBe('unknown');
  });

  it('before 1.22 (no own row in clusterz) the own cluster is local, and a null clusterz is read, not unknown', () => {
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster2', 'synced']]), mesh('ctx2', 'cluster2', [])]);
    expect(m.rows[0].cells).toMatchObject({ cluster1: { state: 'local' }, cluster2: { state: 'synced' } });
    expect(m.rows[1].cells).toMatchObject({ cluster1: { state: 'missing' }, cluster2: { state: 'local' } });
  });

  it('keeps a readable cluster whose istiod could not be listed as a row with that error', () => {
    const forbidden = mesh('ctx2', 'cluster2', [], {
      istiod: [],
      errors: [
        { kind: 'forbidden', message: 'services forbidden', source: 'services in istio-system' },
        { kind: 'forbidden', message: 'istiod pods forbidden', source: 'istiod pods in istio-system' },
      ],
    });
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster1', 'synced'], ['cluster2', 'synced']]), forbidden]);
    expect(m.rows[1]).toMatchObject({ cluster: 'ctx2', error: 'istiod pods forbidden' });
  });

  it('drops a remote-only cluster (no istiod, nothing failed)', () => {
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster1', 'synced'], ['cluster2', 'synced']]), mesh('ctx2', 'cluster2', [], { istiod: [] })]);
    expect(m.rows.map((r) => r.cluster)).toEqual(['ctx1']);
  });

  it('adds a column for a cluster istiod reads that is not configured here', () => {
    const m = buildSyncMatrix([mesh('ctx1', 'cluster1', [['cluster9', 'syncing']])]);
    expect(m.columns).toEqual(['cluster1', 'cluster9']);
    expect(m.rows[0].cells.cluster9.state).toBe('syncing');
  });
});

describe('sharesRootCert', () => {
  it('accepts a common root during a rotation and flags disjoint roots', () => {
    expect(sharesRootCert([mesh('a', 'a', [], { rootCertFingerprints: ['X', 'Y'] }), mesh('b', 'b', [], { rootCertFingerprints: ['Y'] })])).toBe(true);
    expect(sharesRootCert([mesh('a', 'a', [], { rootCertFingerprints: ['X'] }), mesh('b', 'b', [], { rootCertFingerprints: ['Y'] })])).toBe(false);
  });
});

function row(partial: Partial<EndpointRow>): EndpointRow {
  return { endpoint: '1.2.3.4:80', address: '1.2.3.4', port: 80, status: 'HEALTHY', outlierCheck: 'OK', cluster: 'outbound|80||a.default.svc.cluster.local', weight: 1, locality: '', target: { kind: 'unknown' }, rqTotal: 0, rqError: 0, cxActive: 0, ...partial };
}

describe('endpoints helpers', () => {
  it('round-trips filters through a query string, dropping empty ones', () => {
    const q = endpointFilterQuery({ cluster: 'outbound|9080||reviews.default.svc.cluster.local', port: '9080', status: '', address: ' ' }, { output: 'table' });
    const back = readEndpointFilters(new URLSearchParams(q));
    expect(back).toEqual({ cluster: 'outbound|9080||reviews.default.svc.cluster.local', port: '9080', status: '', address: '' });
    expect(new URLSearchParams(q).get('output')).toBe('table');
  });

  it('names an east-west gateway target as the talk does', () => {
    expect(targetLabel({ kind: 'eastwest-gateway', cluster: 'cluster1', network: 'network1', service: 'istio-eastwestgateway' })).toBe('cluster1 east-west gateway, network network1');
    expect(targetLabel({ kind: 'eastwest-gateway', cluster: 'ctx1', network: null, service: 'x' }, () => 'cluster1')).toBe('cluster1 east-west gateway');
  });

  it('groups by Envoy cluster in first-seen order', () => {
    const g = groupByEnvoyCluster([row({ cluster: 'b' }), row({ cluster: 'a' }), row({ cluster: 'b', endpoint: '5.5.5.5:80' })]);
    expect(g.map((x) => [x.cluster, x.rows.length])).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
  });

  it('counts outlier-ejected rows apart from their health', () => {
    expect(healthMix([row({}), row({ outlierCheck: 'FAILED' }), row({ status: 'DRAINING' })])).toEqual([
      { name: 'HEALTHY', value: 1 },
      { name: 'OUTLIER FAILED', value: 1 },
      { name: 'DRAINING', value: 1 },
    ]);
  });

  it('flags UNHEALTHY, DRAINING and FAILED outlier rows only', () => {
    expect(isTroubledEndpoint('HEALTHY', 'OK')).toBe(false);
    expect(isTroubledEndpoint('UNHEALTHY', 'OK')).toBe(true);
    expect(isTroubledEndpoint('DRAINING', 'OK')).toBe(true);
    expect(isTroubledEndpoint('HEALTHY', 'FAILED')).toBe(true);
  });
});

describe('format', () => {
  it('formats ages and staleness against three intervals', () => {
    expect(formatAge(400)).toBe('just now');
    expect(formatAge(4200)).toBe('4 s ago');
    expect(formatAge(125_000)).toBe('2 min ago');
    expect(isStale(15_001, 5000)).toBe(true);
    expect(isStale(14_000, 5000)).toBe(false);
  });

  it('encodes context names with @ : / in pod paths', () => {
    expect(podPath('arn:aws:eks:us-west-2:123:cluster/x', 'default', 'p')).toBe('/clusters/arn%3Aaws%3Aeks%3Aus-west-2%3A123%3Acluster%2Fx/namespaces/default/pods/p');
    expect(podPath('cluster1-admin@cluster1', 'default', 'p')).toBe('/clusters/cluster1-admin%40cluster1/namespaces/default/pods/p');
  });

  it('shortens long fingerprints', () => {
    expect(shortFingerprint('AA:BB:CC:DD:EE:FF:00:11:22')).toBe('AA:BB:CC:DD…11:22');
  });
});

describe('history', () => {
  it('appends new samples, skips repeated cache answers and caps the length', () => {
    const proxySync = { counts: { SYNCED: 3, 'NOT SENT': 5, STALE: 1, ERROR: 2 }, proxies: [] };
    const r: MeshResponse = { generatedAt: '2024-01-01T00:00:01Z', clusters: [mesh('ctx1', 'cluster1', [['cluster1', 'synced'], ['cluster2', 'timeout']], { proxySync })] };
    const s = sampleOf(r);
    expect(s.remoteSynced.ctx1).toBe(1);
    expect(s.remoteNotSynced.ctx1).toBe(1);
    // NOT SENT is normal (no ECDS): only STALE and ERROR count as trouble.
    expect(s.proxiesStaleOrError.ctx1).toBe(3);
    let h = appendSample([], s);
    h = appendSample(h, s);
    expect(h).toHaveLength(1);
    for (let i = 2; i < 10; i++) h = appendSample(h, { ...s, t: s.t + i * 1000 }, 5);
    expect(h).toHaveLength(5);
  });
});

describe('pods', () => {
  it('lists sidecar pods first', () => {
    const base = { ip: null, phase: 'Running', ready: true, namespace: 'default', workload: { name: 'a', version: 'unversioned', id: 'wl:c:default:a:unversioned' } };
    expect(sortPods([{ ...base, name: 'a', hasSidecar: false }, { ...base, name: 'b', hasSidecar: true }]).map((p) => p.name)).toEqual(['b', 'a']);
  });

  it('maps Istio cluster IDs to context names and back', () => {
    const clusters = [{ cluster: 'cluster1-admin@cluster1', clusterId: 'cluster1' }];
    expect(resolveCluster('cluster1', clusters)).toEqual({ context: 'cluster1-admin@cluster1', id: 'cluster1' });
    expect(resolveCluster('cluster1-admin@cluster1', clusters)).toEqual({ context: 'cluster1-admin@cluster1', id: 'cluster1' });
    expect(resolveCluster('other', clusters)).toEqual({ context: 'other', id: 'other' });
  });
});

describe('statusProblems', () => {
  it('lists down clusters as errors and failed sources of readable ones as warnings, each once across answers', () => {
    const forbidden = { kind: 'forbidden' as const, message: 'istiod pods forbidden', source: 'istiod pods in istio-system' };
    const refused = { kind: 'unreachable' as const, message: 'refused', source: 'api' };
    const down: ClusterMesh = { ...mesh('ctx2', 'cluster2', []), ok: false, errors: [refused] };
    const partial = mesh('ctx1', 'cluster1', [], { istiod: [], errors: [forbidden] });
    // The same down cluster in a second answer (the topology's envelope beside the mesh's): said once.
    const { errors, warnings } = statusProblems([partial, down, { cluster: 'ctx2', clusterId: null, ok: false, errors: [refused], fetchedAt: '' }]);
    expect(errors).toEqual([{ cluster: 'ctx2', error: refused }]);
    expect(warnings).toEqual([{ cluster: 'ctx1', error: forbidden }]);
    expect([partial, down].map(proxySyncUnread)).toEqual([true, true]);
    expect(proxySyncUnread(mesh('ctx3', 'cluster3', [], { istiod: [] }))).toBe(false);
  });
});

describe('gatewayRows', () => {
  const gw = { name: 'istio-eastwestgateway', namespace: 'istio-system', role: 'eastwest' as const, type: 'LoadBalancer', clusterIP: '10.0.0.1', externalIPs: ['172.40.143.182'], hostname: null, pending: false, ports: [], network: 'network1' };
  it('an unreadable cluster is an unknown row with the reason, never missing (also when every cluster is down)', () => {
    const down = { ...mesh('c2', 'cluster2', []), ok: false, errors: [{ kind: 'unreachable' as const, message: 'c2: API server https://127.0.0.1:1 refused the connection', source: 'the mesh state' }] };
    expect(gatewayRows([mesh('c1', 'cluster1', [], { gateways: [gw] }), down])).toEqual([
      { kind: 'gateway', cluster: 'c1', clusterId: 'cluster1', gateway: gw },
      { kind: 'unknown', cluster: 'c2', clusterId: 'cluster2', reason: 'c2: API server https://127.0.0.1:1 refused the connection' },
    ]);
    expect(gatewayRows([down]).map((r) => r.kind)).toEqual(['unknown']);
  });
  it('services that could not be listed make the cluster unknown too', () => {
    const forbidden = { kind: 'forbidden' as const, message: 'c1: forbidden: services is forbidden', source: 'services in istio-system' };
    expect(gatewayRows([mesh('c1', 'cluster1', [], { errors: [forbidden] })])).toEqual([{ kind: 'unknown', cluster: 'c1', clusterId: 'cluster1', reason: forbidden.message }]);
  });
});

describe('endpoint targets in words', () => {
  it('names the loopback ports and the API servers', () => {
    expect(targetLabel({ kind: 'local', name: 'Envoy admin' })).toBe('Envoy admin (this pod)');
    expect(targetLabel({ kind: 'local', name: 'istio-agent' })).toBe('istio-agent (this pod)');
    expect(targetLabel({ kind: 'apiserver', cluster: 'c1', network: 'n1', crossNetwork: true }, () => 'cluster1')).toBe('cluster1 Kubernetes API');
  });
});
