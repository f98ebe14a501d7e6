/** What `npm run check` prints and how it exits (pure, so it is tested without a cluster). */
import { tabwrite } from '../istio/tabwriter';
import type { ChecksResponse, Finding, Severity } from './types';
import { SEVERITIES } from './types';

/** `--output json`: the findings, the unknown results and the clusters checked. */
export function checksJson(r: ChecksResponse): string {
  return JSON.stringify({ findings: r.findings, unknown: r.unknown, clusters: r.clusters }, null, 2) + '\n';
}

const subjectText = (f: Finding) => `${f.subject.kind} ${f.subject.namespace ? `${f.subject.namespace}/` : ''}${f.subject.name}`;

/** `--output table`: one line per finding, then the fixes, the unknown results and a summary line. */
export function checksTable(r: ChecksResponse): string {
  const out: string[] = [];
  if (r.findings.length) {
    out.push(tabwrite([['SEVERITY', 'CHECK', 'CLUSTER', 'SUBJECT', 'MESSAGE'], ...r.findings.map((f) => [f.severity.toUpperCase(), f.check, f.cluster, subjectText(f), f.message])], { padding: 2 }).trimEnd());
    out.push('');
    r.findings.forEach((f, i) => {
      out.push(`[${i + 1}] ${f.check} ${f.cluster} ${subjectText(f)}`);
      for (const e of f.evidence) out.push(`    evidence: ${e.source}: ${e.fact}`);
      out.push(...f.fix.split('\n').map((line, j) => `    ${j === 0 ? 'fix: ' : '     '}${line}`));
      out.push(`    docs: ${f.docs}`);
    });
  } else {
    out.push('No findings.');
  }
  if (r.unknown.length) {
    out.push('', 'Unknown (a source could not be read):');
    out.push(tabwrite([['CHECK', 'CLUSTER', 'REASON'], ...r.unknown.map((u) => [u.check, u.cluster, u.reason])], { padding: 2 }).trimEnd());
  }
  const count = (s: Severity) => r.findings.filter((f) => f.severity === s).length;
  const passed = r.checks.filter((c) => c.status === 'passed').length;
  const unknown = r.checks.filter((c) => c.status === 'unknown').length;
  out.push('', `${count('error')} errors, ${count('warning')} warnings, ${count('info')} info; ${passed} of ${r.checks.length} checks passed, ${unknown} unknown; clusters: ${r.clusters.map((c) => c.cluster).join(', ')}`);
  return out.join('\n') + '\n';
}

/** 1 when a finding is at or above `failOn` (error > warning > info), else 0. */
export function checksExitCode(findings: Finding[], failOn: Severity): 0 | 1 {
  const limit = SEVERITIES.indexOf(failOn);
  return findings.some((f) => SEVERITIES.indexOf(f.severity) <= limit) ? 1 : 0;
}
