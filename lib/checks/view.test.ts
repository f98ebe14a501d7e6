import { describe, expect, it } from 'vitest';
import { runChecks } from './catalogue';
import { C1, C2, healthy, value, withCluster } from './fixture';
import { allClear, applyFilters, countsByCluster, filtersFromParams, groupFindings, subjectHref, topologyMarks } from './view';

function broken() {
  const s = withCluster(1, (c) => {
    value(c.meshConfig).trustDomain = 'other.local';
    value(c.destinationRules)[0].localityLb = true;
  });
  return { ...runChecks(s), clusters: [C1, C2].map((cluster) => ({ cluster, clusterId: null, ok: true, errors: [], fetchedAt: '' })) };
}

describe('checks view', () => {
  it('reads filters from the URL, ignoring unknown values', () => {
    expect(filtersFromParams(new URLSearchParams('cluster=a&severity=error&check=root-ca-mismatch'))).toEqual({ cluster: 'a', severity: 'error', check: 'root-ca-mismatch' });
    expect(filtersFromParams(new URLSearchParams('severity=fatal&check=nope'))).toEqual({ cluster: null, severity: null, check: null });
  });

  it('groups by severity then check, filters, counts per cluster', () => {
    const r = broken();
    expect(groupFindings(r.findings).map((g) => [g.severity, g.checks.map((c) => c.check)])).toEqual([
      ['error', ['trust-domain-mismatch']],
      ['warning', ['locality-failover-without-outlier-detection']],
    ]);
    expect(applyFilters(r.findings, { cluster: C2, severity: 'warning', check: null }).map((f) => f.check)).toEqual(['locality-failover-without-outlier-detection']);
    expect(countsByCluster(r)).toEqual([
      { cluster: C1, error: 0, warning: 0, info: 0, unknown: 0 },
      { cluster: C2, error: 1, warning: 1, info: 0, unknown: 0 },
    ]);
  });

  it('all clear lists the passed checks and the unknown ones with reasons', () => {
    const s = healthy();
    s.clusters[1].destinationRules = { ok: false, reason: 'forbidden' };
    const clear = allClear(runChecks(s));
    expect(clear.passed).toHaveLength(22);
    expect(clear.unknown).toEqual([{ id: 'locality-failover-without-outlier-detection', title: expect.any(String), status: 'unknown', reasons: [`${C2}: forbidden`] }]);
  });

  it('links each subject to the page that shows it and marks topology nodes', () => {
    expect(subjectHref(C2, { kind: 'Pod', namespace: 'default', name: 'p' })).toBe('/clusters/cluster2-admin%40cluster2/namespaces/default/pods/p');
    expect(subjectHref(C2, { kind: 'Service', namespace: 'istio-system', name: 'istio-eastwestgateway' })).toBe('/#gateways');
    expect(subjectHref(C2, { kind: 'Service', namespace: 'default', name: 'ratings' })).toBe(`/topology?sel=${encodeURIComponent(`svc:${C2}:default:ratings`)}`);
    expect(subjectHref(C2, { kind: 'ConfigMap', namespace: 'istio-system', name: 'istio' })).toBe(`/topology?sel=${encodeURIComponent(`cluster:${C2}`)}`);
    expect([...topologyMarks(broken().findings)]).toEqual([
      [`cluster:${C2}`, 'error'],
      [`svc:${C2}:default:ratings`, 'warning'],
    ]);
  });
});
