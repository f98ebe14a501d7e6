import { describe, expect, it } from 'vitest';
import { CHECKS, runChecks } from './catalogue';
import { C1, C2, eastwest, failed, healthy, NOW, ok, pod, proxy, service, value, withCluster } from './fixture';
import type { CheckId, ClusterSnapshot, MeshSnapshot, Severity, Subject } from './types';
import { CHECK_IDS } from './types';

interface Case {
  /** The healthy mesh with one fault. */
  broken: () => MeshSnapshot;
  expected: { cluster: string; severity: Severity; subject: Subject; message?: RegExp };
  /** The healthy mesh with a source the check needs unreadable in cluster2. */
  unreadable: (c: ClusterSnapshot) => void;
}

const EW = { kind: 'Service', namespace: 'istio-system', name: 'istio-eastwestgateway' };
const ISTIOD = { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' };
const istiod2 = (s: MeshSnapshot) => value(s.clusters[1].istiods)[0];

const CASES: Record<CheckId, Case> = {
  'istiod-not-ready': {
    broken: () => withCluster(1, (c) => (value(c.istiods)[0].ready = false)),
    expected: { cluster: C2, severity: 'error', subject: ISTIOD },
    unreadable: (c) => (c.istiods = failed()),
  },
  'remote-secret-missing': {
    broken: () => withCluster(0, (c) => (value(c.istiods)[0].clusterz = ok(value(value(c.istiods)[0].clusterz).slice(0, 1)))),
    expected: { cluster: C1, severity: 'error', subject: { kind: 'Secret', namespace: 'istio-system', name: 'istio-remote-secret-cluster2' } },
    unreadable: (c) => (value(c.istiods)[0].clusterz = failed()),
  },
  'remote-cluster-not-synced': {
    broken: () => withCluster(1, (c) => (value(value(c.istiods)[0].clusterz)[1].status = 'timeout')),
    expected: { cluster: C2, severity: 'error', subject: { kind: 'Secret', namespace: 'istio-system', name: 'istio-remote-secret-cluster1' }, message: /timeout/ },
    unreadable: (c) => (value(c.istiods)[0].clusterz = failed()),
  },
  'remote-cluster-unknown-id': {
    broken: () => withCluster(0, (c) => (value(value(c.istiods)[0].clusterz)[1].name = 'Kubernetes')),
    expected: { cluster: C1, severity: 'error', subject: { kind: 'Secret', namespace: 'istio-system', name: 'istio-remote-secret-cluster2' }, message: /"Kubernetes"/ },
    unreadable: (c) => (value(c.istiods)[0].clusterz = failed()),
  },
  'cluster-id-duplicate': {
    broken: () => withCluster(1, (c) => (c.clusterId = 'cluster1')),
    expected: { cluster: C2, severity: 'error', subject: ISTIOD },
    unreadable: (c) => ((c.clusterId = null), (c.istiods = failed())),
  },
  'root-ca-mismatch': {
    broken: () => withCluster(1, (c) => (value(c.rootCerts)[0].fingerprint = '11:22:33:44:55:66:77:88:99:00:11:22:33:44:55:66:77:88:99:00:11:22:33:44:55:66:77:88:99:00:11:22')),
    expected: { cluster: C2, severity: 'error', subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-ca-root-cert' }, message: /cluster1-admin@cluster1 \(AA:BB/ },
    unreadable: (c) => (c.rootCerts = failed()),
  },
  'root-cert-expiring': {
    broken: () => withCluster(1, (c) => (value(c.rootCerts)[0].notAfter = new Date(NOW + 10 * 86_400_000).toISOString())),
    expected: { cluster: C2, severity: 'warning', subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-ca-root-cert' }, message: /10 days/ },
    unreadable: (c) => (c.rootCerts = failed()),
  },
  'trust-domain-mismatch': {
    broken: () => withCluster(1, (c) => (value(c.meshConfig).trustDomain = 'other.local')),
    expected: { cluster: C2, severity: 'error', subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' } },
    unreadable: (c) => (c.meshConfig = failed()),
  },
  'mesh-id-mismatch': {
    broken: () => withCluster(1, (c) => (value(c.meshConfig).meshId = 'mesh2')),
    expected: { cluster: C2, severity: 'error', subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' } },
    unreadable: (c) => (c.meshConfig = failed()),
  },
  'network-label-missing': {
    broken: () => withCluster(1, (c) => (value(c.istioNamespace)!.labels = {})),
    expected: { cluster: C2, severity: 'error', subject: { kind: 'Namespace', name: 'istio-system' }, message: /network2|network1/ },
    unreadable: (c) => (c.istioNamespace = failed()),
  },
  'eastwest-gateway-missing': {
    broken: () => withCluster(1, (c) => (c.services = ok(value(c.services).filter((s) => s.role !== 'eastwest')))),
    expected: { cluster: C2, severity: 'error', subject: EW },
    unreadable: (c) => (c.services = failed()),
  },
  'eastwest-gateway-no-address': {
    broken: () => {
      const s = withCluster(1, (c) => (c.services = ok([eastwest('network2', null), ...value(c.services).slice(1)])));
      for (const c of s.clusters) for (const i of value(c.istiods)) i.networkz = ok(value(i.networkz).filter((g) => g.network !== 'network2'));
      return s;
    },
    expected: { cluster: C2, severity: 'error', subject: EW },
    unreadable: (c) => (c.services = failed()),
  },
  'eastwest-gateway-port-missing': {
    broken: () => withCluster(1, (c) => (value(c.services)[0].ports = value(c.services)[0].ports.filter((p) => p.port !== 15443))),
    expected: { cluster: C2, severity: 'error', subject: EW },
    unreadable: (c) => (c.services = failed()),
  },
  'cross-network-gateway-missing': {
    broken: () => withCluster(1, (c) => (c.gateways = ok([]))),
    expected: { cluster: C2, severity: 'error', subject: EW },
    unreadable: (c) => (c.gateways = failed()),
  },
  'istiod-not-exposed': {
    broken: () =>
      withCluster(1, (c) => {
        c.istiods = ok([]);
        value(c.istioNamespace)!.annotations['topology.istio.io/controlPlaneClusters'] = 'cluster1';
      }),
    expected: { cluster: C1, severity: 'error', subject: { kind: 'Gateway', namespace: 'istio-system', name: 'istiod-gateway' }, message: /15012 and 15017/ },
    unreadable: (c) => (c.gateways = failed()),
  },
  'endpoints-unroutable': {
    broken: () => withCluster(0, (c) => (value(c.proxySample)[0].addresses = ok(['192.168.1.20', '192.168.2.20']))),
    expected: { cluster: C1, severity: 'error', subject: { kind: 'Pod', namespace: 'default', name: 'productpage-v1-1' }, message: /1 endpoint that/ },
    unreadable: (c) => (value(c.proxySample)[0].addresses = failed()),
  },
  'proxy-config-rejected': {
    broken: () => withCluster(1, (c) => (value(value(c.istiods)[0].syncz)[0] = proxy('ratings-v1-2.default', 'cluster2', '1.21.2', { LDS: 'ERROR' }, { LDS: 'duplicate listener' }))),
    expected: { cluster: C2, severity: 'error', subject: { kind: 'Pod', namespace: 'default', name: 'ratings-v1-2' }, message: /LDS: duplicate listener/ },
    unreadable: (c) => (value(c.istiods)[0].syncz = failed()),
  },
  'proxy-not-synced': {
    broken: () => withCluster(1, (c) => (value(value(c.istiods)[0].syncz)[0] = proxy('ratings-v1-2.default', 'cluster2', '1.21.2', { EDS: 'STALE' }))),
    expected: { cluster: C2, severity: 'warning', subject: { kind: 'Pod', namespace: 'default', name: 'ratings-v1-2' }, message: /EDS STALE/ },
    unreadable: (c) => (value(c.istiods)[0].syncz = failed()),
  },
  'istio-version-skew': {
    broken: () => {
      const s = healthy();
      istiod2(s).version = '1.23.0';
      value(istiod2(s).syncz)[0].version = '1.23.0';
      return s;
    },
    expected: { cluster: C2, severity: 'warning', subject: ISTIOD, message: /1\.23\.0, 2 minor versions/ },
    unreadable: (c) => (c.istiods = failed()),
  },
  'dns-capture-off': {
    broken: () => {
      const s = withCluster(0, (c) => (value(c.meshConfig).dnsCapture = false));
      value(s.clusters[1].services).push(service('sample', 'helloworld'));
      return s;
    },
    expected: { cluster: C1, severity: 'warning', subject: { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' }, message: /sample\/helloworld/ },
    unreadable: (c) => (c.meshConfig = failed()),
  },
  'service-inconsistent': {
    broken: () => withCluster(1, (c) => (value(c.services)[2].ports = [{ name: 'http', port: 9081, protocol: 'TCP' }])),
    expected: { cluster: C2, severity: 'warning', subject: { kind: 'Service', namespace: 'default', name: 'ratings' } },
    unreadable: (c) => (c.services = failed()),
  },
  'pod-cidr-overlap': {
    broken: () => withCluster(1, (c) => (value(c.nodes)[0].podCIDRs = ['192.168.0.0/16'])),
    expected: { cluster: C2, severity: 'info', subject: { kind: 'Node', name: 'node-2' }, message: /192\.168\.0\.0\/16.*192\.168\.1\.0\/24/ },
    unreadable: (c) => (c.pods = failed()),
  },
  'locality-failover-without-outlier-detection': {
    broken: () => withCluster(1, (c) => (value(c.destinationRules)[0].localityLb = true)),
    expected: { cluster: C2, severity: 'warning', subject: { kind: 'DestinationRule', namespace: 'default', name: 'ratings' } },
    unreadable: (c) => (c.destinationRules = failed()),
  },
};

const ofCheck = (s: MeshSnapshot, id: CheckId) => runChecks(s, CHECKS.filter((c) => c.id === id));

describe('the catalogue', () => {
  it('has every id of the issue, in order, each with a title and Istio docs', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([...CHECK_IDS]);
    for (const c of CHECKS) expect(c.docs).toMatch(/^https:\/\/istio\.io\//);
  });

  it('finds nothing and knows everything on the healthy mesh', () => {
    const result = runChecks(healthy());
    expect(result.findings).toEqual([]);
    expect(result.unknown).toEqual([]);
    expect(result.checks.every((c) => c.status === 'passed')).toBe(true);
  });
});

describe.each(CHECK_IDS.map((id) => [id, CASES[id]] as const))('%s', (id, c) => {
  it('finds the fault: cluster, subject, severity, evidence and a fix', () => {
    const result = ofCheck(c.broken(), id);
    expect(result.findings).toHaveLength(1);
    const [f] = result.findings;
    expect(f).toMatchObject({ check: id, cluster: c.expected.cluster, severity: c.expected.severity, subject: c.expected.subject });
    if (c.expected.message) expect(f.message).toMatch(c.expected.message);
    expect(f.evidence.length).toBeGreaterThan(0);
    expect(f.fix).not.toBe('');
    expect(result.checks[0].status).toBe('found');
  });

  it('finds nothing on the healthy mesh', () => {
    expect(ofCheck(healthy(), id).findings).toEqual([]);
  });

  it('is unknown, not a finding and not a pass, where a source it needs could not be read', () => {
    const s = c.broken();
    c.unreadable(s.clusters.find((x) => x.cluster === c.expected.cluster) ?? s.clusters[1]);
    if (c.expected.cluster !== C2) c.unreadable(s.clusters[0]);
    const result = ofCheck(s, id);
    expect(result.findings.filter((f) => f.cluster === c.expected.cluster && f.severity !== 'info')).toEqual([]);
    expect(result.unknown.map((u) => u.cluster)).toContain(c.expected.cluster);
    expect(result.checks[0].status).not.toBe('passed');
  });
});

describe('more cases', () => {
  it('pod-cidr-overlap: clusters on one network with overlapping node ranges are an error naming both ranges', () => {
    const s = withCluster(1, (c) => {
      value(c.nodes)[0].podCIDRs = ['192.168.1.128/25'];
      c.istioNamespace = ok({ labels: { 'topology.istio.io/network': 'network1' }, annotations: {} });
      value(c.services)[0].labels['topology.istio.io/network'] = 'network1';
    });
    const [f] = ofCheck(s, 'pod-cidr-overlap').findings;
    expect(f).toMatchObject({ severity: 'error', cluster: C2, subject: { kind: 'Node', name: 'node-2' } });
    expect(f.evidence).toEqual([{ source: `${C1} nodes spec.podCIDRs / ${C2} nodes spec.podCIDRs`, fact: '192.168.1.0/24 (node-1) overlaps 192.168.1.128/25 (node-2)' }]);
    expect(f.fix).toMatch(/disjoint pod CIDRs/);
  });

  it('pod-cidr-overlap: without node ranges (or nodes unreadable) the pods\' IPs are compared, and the evidence says so', () => {
    const noRanges = withCluster(1, (c) => {
      for (const n of value(c.nodes)) n.podCIDRs = [];
      value(c.pods).push(pod('default', 'dup', '192.168.1.20'));
    });
    const [f] = ofCheck(noRanges, 'pod-cidr-overlap').findings;
    expect(f).toMatchObject({ severity: 'info', cluster: C2, subject: { kind: 'Pod', namespace: 'default', name: 'dup' } });
    expect(f.evidence[0]).toEqual({ source: `${C1} nodes spec.podCIDRs / ${C2} pod IPs (no node has spec.podCIDR)`, fact: '192.168.1.0/24 (node-1) overlaps 192.168.1.20 (default/dup)' });
    const unreadable = withCluster(0, (c) => (c.nodes = failed('nodes is forbidden')));
    value(unreadable.clusters[1].pods).push(pod('default', 'dup', '192.168.1.20'));
    value(unreadable.clusters[1].nodes)[0].podCIDRs = [];
    const [g] = ofCheck(unreadable, 'pod-cidr-overlap').findings;
    expect(g.evidence[0].source).toBe(`${C1} pod IPs (nodes not readable: nodes is forbidden) / ${C2} pod IPs (no node has spec.podCIDR)`);
    expect(g.evidence[0].fact).toBe('192.168.1.20 (default/productpage-v1-1) overlaps 192.168.1.20 (default/dup)');
    expect(ofCheck(withCluster(0, (c) => (c.nodes = failed())), 'pod-cidr-overlap').unknown).toEqual([]);
  });

  it('finds proxies outside their istiod\'s skew (one finding per istiod)', () => {
    const s = healthy();
    value(istiod2(s).syncz)[0].version = '1.19.0';
    const result = ofCheck(s, 'istio-version-skew');
    expect(result.findings).toHaveLength(1);
    expect(result.findings[0]).toMatchObject({ cluster: C2, message: expect.stringMatching(/ratings-v1-2\.default 1\.19\.0/) });
  });

  it('a cluster that is down: every check unknown for it, never a finding about it', () => {
    const s = healthy();
    const down = s.clusters[1];
    for (const key of ['istioNamespace', 'services', 'pods', 'meshConfig', 'rootCerts', 'gateways', 'destinationRules', 'istiods', 'proxySample'] as const) (down as unknown as Record<string, unknown>)[key] = failed('cluster2: refused');
    const result = runChecks(s);
    expect(result.findings.filter((f) => f.cluster === C2)).toEqual([]);
    expect(new Set(result.unknown.filter((u) => u.cluster === C2).map((u) => u.check)).size).toBeGreaterThan(15);
  });
});
