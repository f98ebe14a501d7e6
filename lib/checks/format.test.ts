import { describe, expect, it } from 'vitest';
import { runChecks } from './catalogue';
import { C2, healthy, value, withCluster } from './fixture';
import { checksExitCode, checksJson, checksTable } from './format';
import type { ChecksResponse } from './types';

function response(s = healthy()): ChecksResponse {
  const r = runChecks(s);
  const fetchedAt = '2024-06-06T12:00:00.000Z';
  return { ...r, clusters: s.clusters.map((c) => ({ cluster: c.cluster, clusterId: c.clusterId, ok: true, errors: [], fetchedAt })), generatedAt: fetchedAt };
}
const broken = () => response(withCluster(1, (c) => (value(c.meshConfig).trustDomain = 'other.local')));

describe('npm run check output', () => {
  it('json has findings, unknown and clusters, findings in the API shape', () => {
    const parsed = JSON.parse(checksJson(broken()));
    expect(Object.keys(parsed)).toEqual(['findings', 'unknown', 'clusters']);
    expect(parsed.findings[0]).toMatchObject({ check: 'trust-domain-mismatch', severity: 'error', cluster: C2, subject: { kind: 'ConfigMap' } });
    expect(Object.keys(parsed.findings[0]).sort()).toEqual(['check', 'cluster', 'docs', 'evidence', 'fix', 'message', 'severity', 'subject']);
  });

  it('table lists each finding with evidence, fix and docs, then a summary', () => {
    const text = checksTable(broken());
    expect(text).toMatch(/^SEVERITY\s+CHECK\s+CLUSTER\s+SUBJECT\s+MESSAGE\nERROR\s+trust-domain-mismatch\s+cluster2-admin@cluster2\s+ConfigMap istio-system\/istio/);
    expect(text).toContain('    fix: istioctl install --context=cluster2-admin@cluster2 --set meshConfig.trustDomain=cluster.local');
    expect(text).toMatch(/1 errors, 0 warnings, 0 info; 22 of 23 checks passed, 0 unknown/);
    expect(checksTable(response())).toMatch(/^No findings\.\n\n0 errors/);
  });

  it('exits 1 only for findings at or above --fail-on', () => {
    const errors = broken().findings;
    const warning = [{ ...errors[0], severity: 'warning' as const }];
    expect(checksExitCode([], 'error')).toBe(0);
    expect(checksExitCode(errors, 'error')).toBe(1);
    expect(checksExitCode(warning, 'error')).toBe(0);
    expect(checksExitCode(warning, 'warning')).toBe(1);
  });
});
