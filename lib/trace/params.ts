/**
 * The trace's parameters, as the page and GET /api/trace take them:
 *   from=<cluster>/<namespace>/<pod>   (the cluster may itself contain "/", so it is split from the right)
 *   to=<host>:<port>                   (host: name, name.namespace, name.namespace.svc or the FQDN)
 */

export interface TraceParams {
  cluster: string;
  namespace: string;
  pod: string;
  /** As given, not yet qualified (the source's namespace completes a bare name). */
  host: string;
  port: number;
}

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Parses and validates; throws an Error whose message says what is wrong (the route answers it as 400). */
export function parseTraceParams(from: string | null, to: string | null): TraceParams {
  if (!from) throw new Error('from is required: <cluster>/<namespace>/<pod>');
  if (!to) throw new Error('to is required: <host>:<port>');
  if (from.length > 700 || to.length > 300) throw new Error('from or to is too long');
  const parts = from.split('/');
  if (parts.length < 3 || parts.some((p) => p === '')) throw new Error(`from must be <cluster>/<namespace>/<pod>, got "${from.slice(0, 100)}"`);
  const pod = parts.pop()!;
  const namespace = parts.pop()!;
  const cluster = parts.join('/');
  if (namespace.length > 63 || !DNS1123_LABEL.test(namespace)) throw new Error(`invalid namespace "${namespace.slice(0, 80)}"`);
  if (pod.length > 253 || !pod.split('.').every((l) => DNS1123_LABEL.test(l))) throw new Error(`invalid pod name "${pod.slice(0, 80)}"`);
  const m = /^([^:]+):(\d{1,5})$/.exec(to);
  if (!m) throw new Error(`to must be <host>:<port>, got "${to.slice(0, 100)}"`);
  const [, host, portText] = m;
  const port = Number(portText);
  if (port < 1 || port > 65535) throw new Error(`invalid port ${portText}`);
  if (host.length > 253 || !host.split('.').every((l) => DNS1123_LABEL.test(l))) throw new Error(`invalid host "${host.slice(0, 100)}"`);
  return { cluster, namespace, pod, host, port };
}

/** The service's FQDN: a bare name is in the source's namespace; the cluster domain is cluster.local unless given. */
export function qualifyHost(host: string, sourceNamespace: string): string {
  const labels = host.split('.');
  if (labels.length === 1) return `${host}.${sourceNamespace}.svc.cluster.local`;
  if (labels.length === 2) return `${host}.svc.cluster.local`;
  if (labels.length === 3 && labels[2] === 'svc') return `${host}.cluster.local`;
  return host;
}

/** A well-formed service FQDN: <name>.<namespace>.svc.<domain>. */
export function isServiceHost(host: string): boolean {
  const labels = host.split('.');
  return labels.length >= 4 && labels[2] === 'svc';
}

/** The page's URL for a trace. */
export function traceHref(cluster: string, namespace: string, pod: string, host?: string, port?: number): string {
  const q = new URLSearchParams({ from: `${cluster}/${namespace}/${pod}` });
  if (host && port) q.set('to', `${host}:${port}`);
  return `/trace?${q}`;
}

/** The host and port an outbound Envoy cluster sends to: "outbound|9080|v1|reviews.default.svc.cluster.local". */
export function envoyClusterTarget(envoyCluster: string): { host: string; port: number } | null {
  const m = /^outbound\|(\d+)\|[^|]*\|(.+)$/.exec(envoyCluster);
  return m && isServiceHost(m[2]) ? { host: m[2], port: Number(m[1]) } : null;
}
