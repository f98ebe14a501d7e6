/**
 * The configuration in the way of one call, as `istioctl x describe` finds it: the VirtualService and
 * DestinationRule of the client's control plane for the host, and the PeerAuthentications that apply
 * to the destination's workloads where they run. Pure: specs are untrusted and checked on use.
 */
import { arrayAt, isObject, objectAt, stringAt } from '../istio/json';
import type { ConfigObject, ConfigRow, TraceProblem } from './types';

const ROOT_NAMESPACE = 'istio-system';

/** Whether a VirtualService/DestinationRule host names the service (FQDN, name.namespace, or a short name in the object's namespace). */
export function hostNames(ref: string, objectNamespace: string, host: string): boolean {
  const [name, namespace] = host.split('.');
  if (ref === host || ref === '*' || ref === `${name}.${namespace}` || ref === `${name}.${namespace}.svc`) return true;
  if (ref === name) return objectNamespace === namespace;
  return ref.startsWith('*.') && host.endsWith(ref.slice(1));
}

export interface Subset {
  name: string;
  labels: Record<string, string>;
}

export function subsetsOf(dr: ConfigObject): Subset[] {
  return arrayAt(dr.spec, 'subsets')
    .filter(isObject)
    .map((s) => ({ name: stringAt(s, 'name'), labels: stringMap(objectAt(s, 'labels')) }))
    .filter((s) => s.name !== '');
}

function stringMap(o: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

export const matchesLabels = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** Weighted destinations of a VirtualService's first HTTP (else TCP) route. */
export function vsDestinations(vs: ConfigObject): Array<{ host: string; subset: string | null; weight: number }> {
  const route = [...arrayAt(vs.spec, 'http'), ...arrayAt(vs.spec, 'tcp')].filter(isObject)[0];
  const dests = arrayAt(route, 'route').filter(isObject);
  return dests.map((d) => {
    const dest = objectAt(d, 'destination');
    const weight = typeof d.weight === 'number' ? d.weight : dests.length === 1 ? 100 : 0;
    return { host: stringAt(dest, 'host'), subset: stringAt(dest, 'subset') || null, weight };
  });
}

export interface ConfigContext {
  host: string;
  /** Cluster whose VirtualServices and DestinationRules the client's istiod reads. */
  clientCluster: string;
  virtualServices: ConfigObject[];
  destinationRules: ConfigObject[];
  /** Per destination cluster: its PeerAuthentications and the labels of the destination pods there. */
  destinations: Array<{ cluster: string; peerAuthentications: ConfigObject[]; podLabels: Array<Record<string, string>> }>;
  /** Labels of every destination pod, in every cluster (a subset may be carried anywhere). */
  allPodLabels: Array<Record<string, string>>;
  /** False when a cluster could not be read: a subset's pods may be there, so none is reported missing. */
  podsComplete: boolean;
  source: { pod: string; cluster: string; sidecar: boolean | null };
  /** How sentences name a cluster (its Istio cluster ID when known). */
  name(context: string): string;
}

/** The effective mTLS mode for the destination pods of one cluster: workload, else namespace, else mesh-wide. */
function effectivePeerAuthentication(pas: ConfigObject[], namespace: string, podLabels: Array<Record<string, string>>): ConfigObject | null {
  const selectorOf = (pa: ConfigObject) => stringMap(objectAt(objectAt(pa.spec, 'selector'), 'matchLabels'));
  const workload = pas.find((pa) => pa.namespace === namespace && Object.keys(selectorOf(pa)).length > 0 && podLabels.some((l) => matchesLabels(selectorOf(pa), l)));
  const ns = pas.find((pa) => pa.namespace === namespace && Object.keys(selectorOf(pa)).length === 0);
  const mesh = pas.find((pa) => pa.namespace === ROOT_NAMESPACE && Object.keys(selectorOf(pa)).length === 0);
  return workload ?? ns ?? mesh ?? null;
}

export function mtlsMode(pa: ConfigObject): string {
  return stringAt(objectAt(pa.spec, 'mtls'), 'mode') || 'PERMISSIVE';
}

/** Rows and problems of the configuration in the way. */
export function analyzeConfig(ctx: ConfigContext): { rows: ConfigRow[]; problems: TraceProblem[]; subsetsWithoutPods: string[] } {
  const rows: ConfigRow[] = [];
  const subsetsWithoutPods: string[] = [];
  const problems: TraceProblem[] = [];
  const problem = (p: Omit<TraceProblem, 'link'>) => problems.push({ ...p, link: 'config' });
  const drs = ctx.destinationRules.filter((dr) => hostNames(stringAt(dr.spec, 'host'), dr.namespace, ctx.host));
  const subsets = new Map(drs.flatMap((dr) => subsetsOf(dr).map((s) => [s.name, { dr, subset: s }] as const)));

  for (const vs of ctx.virtualServices.filter((v) => arrayAt(v.spec, 'hosts').some((h) => typeof h === 'string' && hostNames(h, v.namespace, ctx.host)))) {
    const dests = vsDestinations(vs);
    let bad = false;
    for (const d of dests) {
      if (d.subset && !subsets.has(d.subset)) {
        bad = true;
        problem({ check: 'subset-undefined', severity: 'error', cluster: ctx.clientCluster, subject: `VirtualService ${vs.namespace}/${vs.name}`, message: `VirtualService ${vs.namespace}/${vs.name} routes ${d.weight}% to subset ${d.subset}, which no DestinationRule for ${ctx.host} defines` });
      }
    }
    rows.push({ kind: 'VirtualService', cluster: ctx.clientCluster, namespace: vs.namespace, name: vs.name, summary: dests.map((d) => `${d.subset ?? d.host} ${d.weight}%`).join(', ') || 'no route', problem: bad });
  }

  for (const dr of drs) {
    const policy = objectAt(dr.spec, 'trafficPolicy');
    const tls = stringAt(objectAt(policy, 'tls'), 'mode');
    const outlier = Object.keys(objectAt(policy, 'outlierDetection')).length > 0;
    const locality = objectAt(objectAt(policy, 'loadBalancer'), 'localityLbSetting');
    let bad = false;
    for (const s of subsetsOf(dr)) {
      if (!ctx.podsComplete || ctx.allPodLabels.some((l) => matchesLabels(s.labels, l))) continue;
      bad = true;
      subsetsWithoutPods.push(s.name);
      const labels = Object.entries(s.labels).map(([k, v]) => `${k}=${v}`).join(',');
      problem({ check: 'subset-no-pods', severity: 'error', cluster: ctx.clientCluster, subject: `DestinationRule ${dr.namespace}/${dr.name}`, message: `DestinationRule ${dr.namespace}/${dr.name} has subset ${s.name} but no pod carries ${labels || 'its labels'}` });
    }
    if (Object.keys(locality).length > 0 && !outlier) {
      problem({ check: 'locality-failover-without-outlier-detection', severity: 'warning', cluster: ctx.clientCluster, subject: `DestinationRule ${dr.namespace}/${dr.name}`, message: `DestinationRule ${dr.namespace}/${dr.name} sets localityLbSetting without outlierDetection, so failover never happens` });
    }
    const summary = [`subsets ${subsetsOf(dr).map((s) => s.name).join(', ') || 'none'}`, tls ? `tls ${tls}` : '', outlier ? 'outlier detection' : '', Object.keys(locality).length ? 'locality lb' : ''].filter(Boolean).join('; ');
    rows.push({ kind: 'DestinationRule', cluster: ctx.clientCluster, namespace: dr.namespace, name: dr.name, summary, problem: bad });
  }

  const [, namespace] = ctx.host.split('.');
  for (const dest of ctx.destinations) {
    const pa = effectivePeerAuthentication(dest.peerAuthentications, namespace, dest.podLabels);
    if (!pa) continue;
    const mode = mtlsMode(pa);
    const scope = pa.namespace === ROOT_NAMESPACE ? 'mesh-wide' : Object.keys(objectAt(pa.spec, 'selector')).length ? 'workload' : 'namespace';
    const tlsOff = drs.find((dr) => stringAt(objectAt(objectAt(dr.spec, 'trafficPolicy'), 'tls'), 'mode') === 'DISABLE');
    const bad = mode === 'STRICT' && (ctx.source.sidecar === false || tlsOff !== undefined);
    if (mode === 'STRICT' && ctx.source.sidecar === false) {
      problem({ check: 'mtls-strict-no-sidecar', severity: 'error', cluster: dest.cluster, subject: `PeerAuthentication ${pa.namespace}/${pa.name}`, message: `PeerAuthentication ${pa.namespace}/${pa.name} in ${ctx.name(dest.cluster)} is STRICT and ${ctx.source.pod} has no sidecar: its plaintext requests are refused` });
    } else if (mode === 'STRICT' && tlsOff) {
      problem({ check: 'mtls-strict-tls-disabled', severity: 'error', cluster: dest.cluster, subject: `DestinationRule ${tlsOff.namespace}/${tlsOff.name}`, message: `DestinationRule ${tlsOff.namespace}/${tlsOff.name} disables TLS while PeerAuthentication ${pa.namespace}/${pa.name} in ${ctx.name(dest.cluster)} is STRICT: plaintext requests are refused` });
    }
    rows.push({ kind: 'PeerAuthentication', cluster: dest.cluster, namespace: pa.namespace, name: pa.name, summary: `mTLS ${mode} (${scope})`, problem: bad });
  }
  return { rows, problems, subsetsWithoutPods };
}
