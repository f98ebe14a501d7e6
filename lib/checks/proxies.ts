/** Checks of the proxies' xDS state, as istiod's syncz reports it (istioctl proxy-status). */
import { type Check, istiodsOf, kubectl, type Outcome } from './engine';
import type { MeshSnapshot, SynczRow } from './types';
import { XDS_TYPES } from '../types/api';

const PROXY_DOCS = 'https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/';

/** "<pod>.<namespace>" → the Pod subject. */
function podOf(row: SynczRow) {
  const dot = row.name.lastIndexOf('.');
  return dot > 0 ? { kind: 'Pod', namespace: row.name.slice(dot + 1), name: row.name.slice(0, dot) } : { kind: 'Pod', name: row.name };
}

/** Every proxy row of every istiod, unknown for a cluster whose istiods' syncz could not be read. */
function eachProxy(snapshot: MeshSnapshot, out: Outcome, visit: (cluster: string, istiod: string, row: SynczRow) => void) {
  for (const c of snapshot.clusters) {
    const istiods = out.need(c.cluster, c.istiods);
    if (!istiods) continue;
    for (const i of istiodsOf(c)) {
      if (!i.syncz.ok) out.undecided(c.cluster, i.syncz.reason);
      else for (const row of i.syncz.value) visit(c.cluster, i.pod, row);
    }
  }
}

export const proxyConfigRejected: Check = {
  id: 'proxy-config-rejected',
  title: 'A proxy rejected its configuration (NACK)',
  docs: PROXY_DOCS,
  run(snapshot, out) {
    eachProxy(snapshot, out, (cluster, istiod, row) => {
      const rejected = XDS_TYPES.filter((t) => row.types[t] === 'ERROR');
      if (rejected.length === 0) return;
      const pod = podOf(row);
      out.find({
        severity: 'error',
        cluster,
        subject: pod,
        message: `The proxy ${row.name} rejected ${rejected.join(', ')} from istiod ${istiod}: it keeps serving its previous configuration. ${rejected.map((t) => `${t}: ${row.lastErrors[t] ?? '(no error text)'}`).join('; ')}`,
        evidence: rejected.map((t) => ({ source: `${cluster} istiod ${istiod} /debug/syncz`, fact: `${row.name} ${t} ERROR: ${row.lastErrors[t] ?? ''}` })),
        fix: `istioctl --context=${cluster} proxy-status ${row.name}\nistioctl --context=${cluster} analyze -n ${pod.namespace ?? 'default'}\n# fix or remove the resource the error names`,
      });
    });
  },
};

export const proxyNotSynced: Check = {
  id: 'proxy-not-synced',
  title: 'A proxy is not in sync with istiod',
  docs: PROXY_DOCS,
  run(snapshot, out) {
    eachProxy(snapshot, out, (cluster, istiod, row) => {
      if (row.overall !== 'STALE' && row.overall !== 'NOT SENT') return;
      const types = XDS_TYPES.filter((t) => row.types[t].startsWith('STALE') || (row.overall === 'NOT SENT' && row.types[t] === 'NOT SENT'));
      const pod = podOf(row);
      out.find({
        severity: 'warning',
        cluster,
        subject: pod,
        message: `The proxy ${row.name} is ${row.overall} with istiod ${istiod} (${types.map((t) => `${t} ${row.types[t]}`).join(', ')}): it runs configuration older than istiod's`,
        evidence: [{ source: `${cluster} istiod ${istiod} /debug/syncz`, fact: `${row.name} ${XDS_TYPES.map((t) => `${t} ${row.types[t]}`).join(', ')}` }],
        fix: `istioctl --context=${cluster} proxy-status ${row.name}\n# if it stays stale, restart it: ${kubectl(cluster)} -n ${pod.namespace ?? 'default'} delete pod ${pod.name}`,
      });
    });
  },
};
