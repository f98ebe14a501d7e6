/** The catalogue: every check in CHECK_IDS order, and the runner that applies them to a snapshot. */
import { clusterIdDuplicate, istiodNotReady, istioVersionSkew, remoteClusterNotSynced, remoteClusterUnknownId, remoteSecretMissing } from './control-plane';
import { type Check, Outcome } from './engine';
import { crossNetworkGatewayMissing, eastwestGatewayMissing, eastwestGatewayNoAddress, eastwestGatewayPortMissing, endpointsUnroutable, istiodNotExposed, networkLabelMissing, podCidrOverlap } from './network';
import { proxyConfigRejected, proxyNotSynced } from './proxies';
import { dnsCaptureOff, localityFailoverWithoutOutlierDetection, serviceInconsistent } from './services';
import { meshIdMismatch, rootCaMismatch, rootCertExpiring, trustDomainMismatch } from './trust';
import { CHECK_IDS, type CheckSummary, type Finding, type MeshSnapshot, SEVERITIES, type UnknownResult } from './types';

const ALL: Check[] = [
  istiodNotReady,
  remoteSecretMissing,
  remoteClusterNotSynced,
  remoteClusterUnknownId,
  clusterIdDuplicate,
  rootCaMismatch,
  rootCertExpiring,
  trustDomainMismatch,
  meshIdMismatch,
  networkLabelMissing,
  eastwestGatewayMissing,
  eastwestGatewayNoAddress,
  eastwestGatewayPortMissing,
  crossNetworkGatewayMissing,
  istiodNotExposed,
  endpointsUnroutable,
  proxyConfigRejected,
  proxyNotSynced,
  istioVersionSkew,
  dnsCaptureOff,
  serviceInconsistent,
  podCidrOverlap,
  localityFailoverWithoutOutlierDetection,
];

export const CHECKS: readonly Check[] = CHECK_IDS.map((id) => {
  const check = ALL.find((c) => c.id === id);
  if (!check) throw new Error(`check ${id} is not in the catalogue`);
  return check;
});

export interface ChecksResult {
  findings: Finding[];
  unknown: UnknownResult[];
  checks: CheckSummary[];
}

/** Runs every check. A check that throws is a programming error: it is re-thrown, never reported as a finding. */
export function runChecks(snapshot: MeshSnapshot, checks: readonly Check[] = CHECKS): ChecksResult {
  const findings: Finding[] = [];
  const unknown: UnknownResult[] = [];
  const summaries: CheckSummary[] = [];
  for (const check of checks) {
    const out = new Outcome(check);
    check.run(snapshot, out);
    findings.push(...out.findings);
    unknown.push(...out.unknown);
    summaries.push({ id: check.id, title: check.title, status: out.findings.length ? 'found' : out.unknown.length ? 'unknown' : 'passed' });
  }
  const rank = (f: Finding) => SEVERITIES.indexOf(f.severity);
  findings.sort((a, b) => rank(a) - rank(b) || CHECK_IDS.indexOf(a.check) - CHECK_IDS.indexOf(b.check));
  return { findings, unknown, checks: summaries };
}
