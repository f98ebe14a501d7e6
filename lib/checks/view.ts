/** What the /checks page, the overview strip and the topology derive from GET /api/checks (pure, tested). */
import { podPath, type Tone } from '../ui/format';
import type { CheckId, CheckSummary, ChecksResponse, Finding, Severity, Subject } from './types';
import { CHECK_IDS, SEVERITIES } from './types';

export const SEVERITY_TONE: Record<Severity, Tone> = { error: 'bad', warning: 'warn', info: 'muted' };

export interface ChecksFilters {
  cluster: string | null;
  severity: Severity | null;
  check: CheckId | null;
}

/** The page's filters from its URL (unknown values are ignored, not errors). */
export function filtersFromParams(params: URLSearchParams): ChecksFilters {
  const severity = params.get('severity');
  const check = params.get('check');
  return {
    cluster: params.get('cluster') || null,
    severity: SEVERITIES.includes(severity as Severity) ? (severity as Severity) : null,
    check: CHECK_IDS.includes(check as CheckId) ? (check as CheckId) : null,
  };
}

export function applyFilters(findings: Finding[], f: ChecksFilters): Finding[] {
  return findings.filter((x) => (!f.cluster || x.cluster === f.cluster) && (!f.severity || x.severity === f.severity) && (!f.check || x.check === f.check));
}

/** Findings grouped by severity (error, warning, info), then by check in catalogue order. */
export function groupFindings(findings: Finding[]): Array<{ severity: Severity; checks: Array<{ check: CheckId; findings: Finding[] }> }> {
  return SEVERITIES.map((severity) => ({
    severity,
    checks: CHECK_IDS.map((check) => ({ check, findings: findings.filter((f) => f.severity === severity && f.check === check) })).filter((g) => g.findings.length > 0),
  })).filter((g) => g.checks.length > 0);
}

export interface ClusterCounts {
  cluster: string;
  error: number;
  warning: number;
  info: number;
  /** Checks that could not be decided for the cluster. */
  unknown: number;
}

/** Per cluster: findings by severity and unknown checks (the overview's summary strip). */
export function countsByCluster(r: Pick<ChecksResponse, 'findings' | 'unknown' | 'clusters'>): ClusterCounts[] {
  return r.clusters.map(({ cluster }) => {
    const mine = r.findings.filter((f) => f.cluster === cluster);
    const count = (s: Severity) => mine.filter((f) => f.severity === s).length;
    return { cluster, error: count('error'), warning: count('warning'), info: count('info'), unknown: new Set(r.unknown.filter((u) => u.cluster === cluster).map((u) => u.check)).size };
  });
}

/** The checks to list in the all-clear state: passed ones, and unknown ones with their reasons. */
export function allClear(r: Pick<ChecksResponse, 'checks' | 'unknown'>): { passed: CheckSummary[]; unknown: Array<CheckSummary & { reasons: string[] }> } {
  return {
    passed: r.checks.filter((c) => c.status === 'passed'),
    unknown: r.checks.filter((c) => c.status === 'unknown').map((c) => ({ ...c, reasons: r.unknown.filter((u) => u.check === c.id).map((u) => `${u.cluster}: ${u.reason}`) })),
  };
}

/**
 * The page that shows a finding's subject: a pod's endpoints, the gateways table or the remote-sync
 * matrix of the overview, or the topology node (a service, else the cluster).
 */
export function subjectHref(cluster: string, s: Subject): string {
  const enc = encodeURIComponent;
  switch (s.kind) {
    case 'Pod':
      return podPath(cluster, s.namespace ?? 'default', s.name);
    case 'Service':
      return s.namespace === 'istio-system' ? '/#gateways' : `/topology?sel=${enc(`svc:${cluster}:${s.namespace}:${s.name}`)}`;
    case 'DestinationRule':
      return `/topology?sel=${enc(`svc:${cluster}:${s.namespace}:${s.name}`)}`;
    case 'Deployment':
    case 'Secret':
      return '/#remote-sync';
    default:
      return `/topology?sel=${enc(`cluster:${cluster}`)}`;
  }
}

/** Topology node ids that carry findings, with the worst severity of each (a cluster node for cluster-wide subjects). */
export function topologyMarks(findings: Finding[]): Map<string, Severity> {
  const marks = new Map<string, Severity>();
  const mark = (id: string, s: Severity) => {
    const had = marks.get(id);
    if (!had || SEVERITIES.indexOf(s) < SEVERITIES.indexOf(had)) marks.set(id, s);
  };
  for (const f of findings) {
    const { kind, namespace, name } = f.subject;
    if ((kind === 'Service' || kind === 'DestinationRule') && namespace && namespace !== 'istio-system') mark(`svc:${f.cluster}:${namespace}:${name}`, f.severity);
    else if (kind === 'Service' && namespace === 'istio-system') mark(`gw:${f.cluster}:${namespace}:${name}`, f.severity);
    else mark(`cluster:${f.cluster}`, f.severity);
  }
  return marks;
}
