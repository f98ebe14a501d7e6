/** Checks of the control planes: istiod readiness, remote secrets, cluster IDs, versions. */
import { CONTROL_PLANE_CLUSTERS, type Check, ISTIO_NAMESPACE, istiodsOf, kubectl, listed, minorsApart, minorVersion, needAll, referenceValue } from './engine';
import type { ClusterSnapshot, IstiodFacts } from './types';

const MULTICLUSTER_DOCS = 'https://istio.io/latest/docs/ops/diagnostic-tools/multicluster/';
const ISTIOD: { kind: string; namespace: string; name: string } = { kind: 'Deployment', namespace: ISTIO_NAMESPACE, name: 'istiod' };

/** A remote cluster as Istio recognises one: no istiod, and istio-system names the clusters whose istiod configures it. */
export function isRemoteCluster(c: ClusterSnapshot, istiods: IstiodFacts[]): boolean {
  return istiods.length === 0 && c.istioNamespace.ok && !!c.istioNamespace.value?.annotations[CONTROL_PLANE_CLUSTERS];
}

function secretOf(row: { secret: string }) {
  const [namespace, name] = row.secret.includes('/') ? row.secret.split('/') : [ISTIO_NAMESPACE, row.secret];
  return { kind: 'Secret', namespace, name };
}

const createSecret = (remoteContext: string, remoteId: string, primaryContext: string) =>
  `istioctl create-remote-secret --context=${remoteContext} --name=${remoteId} | ${kubectl(primaryContext)} apply -f -`;

export const istiodNotReady: Check = {
  id: 'istiod-not-ready',
  title: 'A primary cluster has no ready istiod',
  docs: MULTICLUSTER_DOCS,
  run(snapshot, out) {
    for (const c of snapshot.clusters) {
      const read = needAll<[IstiodFacts[], unknown]>(out, c.cluster, c.istiods, c.istioNamespace);
      if (!read) continue;
      const [istiods] = read;
      if (isRemoteCluster(c, istiods) || istiods.some((i) => i.ready)) continue;
      out.find({
        severity: 'error',
        cluster: c.cluster,
        subject: ISTIOD,
        message:
          istiods.length === 0
            ? `${c.cluster} runs no istiod and is not marked as a remote cluster: its proxies get no configuration and no certificates`
            : `No istiod replica of ${c.cluster} is ready (${istiods.map((i) => i.pod).join(', ')}): new proxies get no configuration and remote clusters are not served`,
        evidence: [
          { source: `${c.cluster} pods ${ISTIO_NAMESPACE} app=istiod`, fact: istiods.length ? istiods.map((i) => `${i.pod} Ready=False`).join('; ') : 'none running' },
          ...(istiods.length === 0 ? [{ source: `${c.cluster} namespace ${ISTIO_NAMESPACE}`, fact: `no ${CONTROL_PLANE_CLUSTERS} annotation` }] : []),
        ],
        fix: `${kubectl(c.cluster)} -n ${ISTIO_NAMESPACE} describe pods -l app=istiod\n${kubectl(c.cluster)} -n ${ISTIO_NAMESPACE} logs deploy/istiod | grep -iE 'error|remote'`,
      });
    }
  },
};

/** Istio cluster ID → context, for the clusters whose ID is known. */
function idsOf(snapshot: { clusters: ClusterSnapshot[] }): Map<string, string> {
  const ids = new Map<string, string>();
  for (const c of snapshot.clusters) if (c.clusterId && !ids.has(c.clusterId)) ids.set(c.clusterId, c.cluster);
  return ids;
}

/** The istiod replicas whose clusterz could be read, with the rows; unknown when none could. */
function clusterzOf(c: ClusterSnapshot, out: Parameters<Check['run']>[1]) {
  const istiods = out.need(c.cluster, c.istiods);
  if (!istiods || istiods.length === 0) return null;
  const read = istiods.filter((i) => i.clusterz.ok);
  if (read.length === 0) {
    const failed = istiods[0].clusterz;
    out.undecided(c.cluster, failed.ok ? 'no clusterz' : failed.reason);
    return null;
  }
  return read.map((i) => ({ istiod: i, rows: i.clusterz.ok ? i.clusterz.value : [] }));
}

export const remoteSecretMissing: Check = {
  id: 'remote-secret-missing',
  title: "A primary's istiod does not read another cluster of the mesh",
  docs: 'https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/#enable-endpoint-discovery',
  run(snapshot, out) {
    for (const c of snapshot.clusters) {
      const replicas = clusterzOf(c, out);
      if (!replicas) continue;
      const read = new Set(replicas.flatMap((r) => r.rows.map((row) => row.name)));
      for (const other of snapshot.clusters) {
        if (other === c) continue;
        if (!other.clusterId) {
          out.undecided(c.cluster, `the cluster ID of ${other.cluster} is not known (it could not be read)`);
          continue;
        }
        if (read.has(other.clusterId) || other.clusterId === c.clusterId) continue;
        out.find({
          severity: 'error',
          cluster: c.cluster,
          subject: { kind: 'Secret', namespace: ISTIO_NAMESPACE, name: `istio-remote-secret-${other.clusterId}` },
          message: `istiod of ${c.cluster} does not read cluster ${other.clusterId} (${other.cluster}): its proxies never see that cluster's endpoints`,
          evidence: replicas.map((r) => ({ source: `${c.cluster} istiod ${r.istiod.pod} /debug/clusterz`, fact: `clusters: ${r.rows.map((row) => row.name).join(', ') || 'none'}` })),
          fix: createSecret(other.cluster, other.clusterId, c.cluster),
        });
      }
    }
  },
};

export const remoteClusterNotSynced: Check = {
  id: 'remote-cluster-not-synced',
  title: 'istiod has not synced a remote cluster',
  docs: MULTICLUSTER_DOCS,
  run(snapshot, out) {
    for (const c of snapshot.clusters) {
      for (const { istiod, rows } of clusterzOf(c, out) ?? []) {
        for (const row of rows) {
          if (row.secret === '' || row.status === 'synced') continue;
          const error = row.status === 'timeout' || row.status === 'closed';
          out.find({
            severity: error ? 'error' : 'warning',
            cluster: c.cluster,
            subject: secretOf(row),
            message: `istiod ${istiod.pod} of ${c.cluster} reports remote cluster ${row.name} as ${row.status}: ${error ? 'it serves no endpoints of that cluster' : 'its endpoints may be incomplete until the sync ends'}`,
            evidence: [{ source: `${c.cluster} istiod ${istiod.pod} /debug/clusterz`, fact: `${row.name} ${row.secret} ${row.status}` }],
            fix: `istioctl remote-clusters --context=${c.cluster}\n${kubectl(c.cluster)} -n ${ISTIO_NAMESPACE} logs ${istiod.pod} | grep -i '${row.name}'\n# check that the API server in the secret's kubeconfig is reachable from istiod and its token valid`,
          });
        }
      }
    }
  },
};

export const remoteClusterUnknownId: Check = {
  id: 'remote-cluster-unknown-id',
  title: 'istiod reads a cluster ID that no cluster of the mesh has',
  docs: 'https://istio.io/latest/docs/setup/install/multicluster/multi-primary_multi-network/#enable-endpoint-discovery',
  run(snapshot, out) {
    const ids = idsOf(snapshot);
    const unknownIds = snapshot.clusters.filter((c) => !c.clusterId).map((c) => c.cluster);
    for (const c of snapshot.clusters) {
      const replicas = clusterzOf(c, out);
      if (!replicas) continue;
      const seen = new Set<string>();
      for (const { istiod, rows } of replicas) {
        for (const row of rows) {
          if (row.secret === '' || ids.has(row.name) || seen.has(row.name)) continue;
          if (unknownIds.length) {
            out.undecided(c.cluster, `the cluster IDs of ${unknownIds.join(', ')} are not known`);
            continue;
          }
          seen.add(row.name);
          out.find({
            severity: 'error',
            cluster: c.cluster,
            subject: secretOf(row),
            message: `istiod of ${c.cluster} reads a cluster named "${row.name}" from ${row.secret}, but no cluster of the mesh has that ID (${[...ids.keys()].join(', ')}): endpoints and proxies of that cluster are misattributed`,
            evidence: [
              { source: `${c.cluster} istiod ${istiod.pod} /debug/clusterz`, fact: `${row.name} ${row.secret} ${row.status}` },
              ...[...ids].map(([id, ctx]) => ({ source: `${ctx} istiod CLUSTER_ID`, fact: id })),
            ],
            fix: `${kubectl(c.cluster)} -n ${ISTIO_NAMESPACE} delete secret ${secretOf(row).name}\n# recreate it with the remote's real cluster ID (its istiod's CLUSTER_ID):\n${createSecret('<remote context>', '<remote cluster ID>', c.cluster)}`,
          });
        }
      }
    }
  },
};

export const clusterIdDuplicate: Check = {
  id: 'cluster-id-duplicate',
  title: 'Two clusters have one Istio cluster ID',
  docs: 'https://istio.io/latest/docs/setup/install/multicluster/before-you-begin/#configure-trust',
  run(snapshot, out) {
    const first = new Map<string, string>();
    for (const c of snapshot.clusters) {
      // An ID remembered from an earlier read is not evidence of today's: unreadable istiods are unknown.
      if (!c.istiods.ok || !c.clusterId) {
        out.need(c.cluster, c.istiods.ok ? { ok: false, reason: 'istiod names no CLUSTER_ID' } : c.istiods);
        continue;
      }
      const earlier = first.get(c.clusterId);
      if (!earlier) {
        first.set(c.clusterId, c.cluster);
        continue;
      }
      out.find({
        severity: 'error',
        cluster: c.cluster,
        subject: ISTIOD,
        message: `${c.cluster} and ${earlier} both have the Istio cluster ID "${c.clusterId}": istiod merges their endpoints and remote secrets overwrite each other`,
        evidence: [
          { source: `${earlier} istiod CLUSTER_ID`, fact: c.clusterId },
          { source: `${c.cluster} istiod CLUSTER_ID`, fact: c.clusterId },
        ],
        fix: `# reinstall ${c.cluster}'s control plane with a unique cluster name:\nistioctl install --context=${c.cluster} --set values.global.multiCluster.clusterName=<unique-id>`,
      });
    }
  },
};

const SKEW_DOCS = 'https://istio.io/latest/docs/releases/supported-releases/#control-planedata-plane-skew';

export const istioVersionSkew: Check = {
  id: 'istio-version-skew',
  title: 'Istio versions too far apart',
  docs: SKEW_DOCS,
  run(snapshot, out) {
    const versions: Array<{ cluster: string; value: string }> = [];
    for (const c of snapshot.clusters) {
      const istiods = out.need(c.cluster, c.istiods);
      const version = istiods?.map((i) => i.version).find((v) => minorVersion(v));
      if (version) versions.push({ cluster: c.cluster, value: version });
    }
    const minorKey = (v: string) => minorVersion(v)!.join('.');
    const ref = referenceValue(versions, minorKey);
    for (const { cluster, value } of versions) {
      const apart = Math.abs(minorsApart(minorVersion(value)!, minorVersion(ref!)!));
      if (apart <= 1) continue;
      out.find({
        severity: 'warning',
        cluster,
        subject: ISTIOD,
        message: `istiod of ${cluster} runs ${value}, ${apart} minor versions from the mesh's ${ref}: cross-cluster configuration and xDS features may not match`,
        evidence: versions.map((v) => ({ source: `${v.cluster} istiod image`, fact: v.value })),
        fix: `istioctl upgrade --context=${cluster}   # with the istioctl of the mesh's version (${ref})`,
      });
    }
    for (const c of snapshot.clusters) {
      for (const istiod of istiodsOf(c)) {
        const own = minorVersion(istiod.version);
        if (!own || !istiod.syncz.ok) continue;
        const outside = istiod.syncz.value.filter((p) => {
          const v = minorVersion(p.version);
          return v !== null && (minorsApart(own, v) < 0 || minorsApart(own, v) > 1);
        });
        if (outside.length === 0) continue;
        out.find({
          severity: 'warning',
          cluster: c.cluster,
          subject: ISTIOD,
          message: `${outside.length} proxies connected to istiod ${istiod.pod} (${istiod.version}) run a version outside its supported skew (at most one minor older, never newer): ${listed(outside.map((p) => `${p.name} ${p.version}`))}`,
          evidence: [{ source: `${c.cluster} istiod ${istiod.pod} /debug/syncz`, fact: listed(outside.map((p) => `${p.name} ${p.version}`)) }],
          fix: `# restart the workloads so the injector gives them the current proxy:\n${kubectl(c.cluster)} -n <namespace> rollout restart deployment <name>`,
        });
      }
    }
  },
};

