/** Checks of trust between clusters: one root CA, one trust domain, one mesh ID. */
import { type Check, ISTIO_NAMESPACE, kubectl, type Outcome, referenceValue } from './engine';
import type { MeshConfigFacts, MeshSnapshot } from './types';

const ROOT_CERT = { kind: 'ConfigMap', namespace: ISTIO_NAMESPACE, name: 'istio-ca-root-cert' };
const MESH_CONFIG = { kind: 'ConfigMap', namespace: ISTIO_NAMESPACE, name: 'istio' };
const PLUGIN_CA_DOCS = 'https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/';
const DAY_MS = 86_400_000;

const short = (fingerprint: string) => `${fingerprint.slice(0, 23)}…`;

export const rootCaMismatch: Check = {
  id: 'root-ca-mismatch',
  title: 'Clusters do not share one root CA',
  docs: PLUGIN_CA_DOCS,
  run(snapshot, out) {
    const roots: Array<{ cluster: string; value: string }> = [];
    for (const c of snapshot.clusters) {
      const certs = out.need(c.cluster, c.rootCerts);
      if (certs === undefined) continue;
      if (certs.length === 0) out.undecided(c.cluster, `${ISTIO_NAMESPACE}/istio-ca-root-cert holds no certificate`);
      else roots.push({ cluster: c.cluster, value: certs.map((r) => r.fingerprint).sort().join(' ') });
    }
    const ref = referenceValue(roots);
    const groups = new Map<string, string[]>();
    for (const r of roots) groups.set(r.value, [...(groups.get(r.value) ?? []), r.cluster]);
    if (groups.size < 2) return;
    const described = [...groups].map(([fp, clusters]) => `${clusters.join(', ')} (${fp.split(' ').map(short).join(' + ')})`).join(' | ');
    for (const r of roots) {
      if (r.value === ref) continue;
      out.find({
        severity: 'error',
        cluster: r.cluster,
        subject: ROOT_CERT,
        message: `${r.cluster} trusts a different root CA than ${groups.get(ref!)!.join(', ')}: mTLS between them fails (CERTIFICATE_VERIFY_FAILED, 503). Clusters by root: ${described}`,
        evidence: roots.map((x) => ({ source: `${x.cluster} ${ISTIO_NAMESPACE}/istio-ca-root-cert`, fact: `SHA-256 ${x.value}` })),
        fix: `# give ${r.cluster} intermediate certs signed by the mesh's root (the one ${groups.get(ref!)!.join(', ')} use):\n${kubectl(r.cluster)} -n ${ISTIO_NAMESPACE} create secret generic cacerts --from-file=ca-cert.pem --from-file=ca-key.pem --from-file=root-cert.pem --from-file=cert-chain.pem --dry-run=client -o yaml | ${kubectl(r.cluster)} apply -f -\n${kubectl(r.cluster)} -n ${ISTIO_NAMESPACE} rollout restart deployment istiod`,
      });
    }
  },
};

export const rootCertExpiring: Check = {
  id: 'root-cert-expiring',
  title: 'The mesh root certificate expires soon',
  docs: PLUGIN_CA_DOCS,
  run(snapshot, out) {
    for (const c of snapshot.clusters) {
      for (const cert of out.need(c.cluster, c.rootCerts) ?? []) {
        const leftMs = Date.parse(cert.notAfter) - snapshot.nowMs;
        if (leftMs >= 30 * DAY_MS) continue;
        const expired = leftMs <= 0;
        out.find({
          severity: expired ? 'error' : 'warning',
          cluster: c.cluster,
          subject: ROOT_CERT,
          message: expired
            ? `The root certificate of ${c.cluster} expired on ${cert.notAfter}: no workload certificate verifies`
            : `The root certificate of ${c.cluster} expires in ${Math.floor(leftMs / DAY_MS)} days (${cert.notAfter}): after that mTLS fails everywhere it is trusted`,
          evidence: [{ source: `${c.cluster} ${ISTIO_NAMESPACE}/istio-ca-root-cert`, fact: `${cert.subject}, SHA-256 ${short(cert.fingerprint)}, not after ${cert.notAfter}` }],
          fix: `# rotate the root: add the new root next to the old one in cacerts (root-cert.pem holding both),\n# roll istiod and the workloads, then remove the old root:\n${kubectl(c.cluster)} -n ${ISTIO_NAMESPACE} get secret cacerts -o jsonpath='{.data.root-cert\\.pem}' | base64 -d | openssl x509 -noout -enddate`,
        });
      }
    }
  },
};

/** A mesh config field all clusters must agree on: a finding per cluster that differs from the reference. */
function meshConfigAgreement(snapshot: MeshSnapshot, out: Outcome, field: string, valueOf: (m: MeshConfigFacts) => string, fix: (cluster: string, wanted: string) => string) {
  const values: Array<{ cluster: string; value: string }> = [];
  for (const c of snapshot.clusters) {
    const config = out.need(c.cluster, c.meshConfig);
    if (config) values.push({ cluster: c.cluster, value: valueOf(config) });
  }
  const ref = referenceValue(values);
  for (const v of values) {
    if (v.value === ref) continue;
    out.find({
      severity: 'error',
      cluster: v.cluster,
      subject: MESH_CONFIG,
      message: `${v.cluster} has ${field} "${v.value}" while ${values.filter((x) => x.value === ref).map((x) => x.cluster).join(', ')} use "${ref}": identities from one are not accepted by the other`,
      evidence: values.map((x) => ({ source: `${x.cluster} ${ISTIO_NAMESPACE}/istio mesh config`, fact: `${field}: ${x.value}` })),
      fix: fix(v.cluster, ref!),
    });
  }
}

export const trustDomainMismatch: Check = {
  id: 'trust-domain-mismatch',
  title: 'Clusters disagree on the trust domain',
  docs: 'https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig-trust_domain',
  run(snapshot, out) {
    meshConfigAgreement(snapshot, out, 'trustDomain', (m) => m.trustDomain, (cluster, wanted) => `istioctl install --context=${cluster} --set meshConfig.trustDomain=${wanted}\n# or accept the other domain: --set meshConfig.trustDomainAliases[0]=<other domain>`);
  },
};

export const meshIdMismatch: Check = {
  id: 'mesh-id-mismatch',
  title: 'Clusters disagree on the mesh ID',
  docs: 'https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/#configure-cluster1-as-a-primary',
  run(snapshot, out) {
    meshConfigAgreement(snapshot, out, 'meshId', (m) => m.meshId ?? m.trustDomain, (cluster, wanted) => `istioctl install --context=${cluster} --set values.global.meshID=${wanted}`);
  },
};
