import 'server-only';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

/**
 * The runtime contract between the launcher (scripts/start.mjs) and the server: environment variables only.
 * Read once per call (cheap) so tests can pass their own environment.
 */
export interface ServerConfig {
  /** Kubeconfig files in precedence order (kubectl merges them, first wins). */
  kubeconfigPaths: string[];
  /** Context names to serve; empty = every context of the merged kubeconfig. */
  contexts: string[];
  /** Serving the lab's demo mesh (the UI labels it). */
  demo: boolean;
  /** Per-cluster deadline in ms. */
  deadlineMs: number;
  /** Short result cache in ms (0 disables it). */
  cacheMs: number;
  /** Host header values accepted; null = 127.0.0.1:<port> and localhost:<port>. */
  allowedHosts: string[] | null;
  /** Where metrics come from (server/prometheus/sources.ts). */
  prometheus: PrometheusConfig;
  /**
   * Running in a pod: the name under which the cluster it runs in is served (read with the pod's
   * ServiceAccount, as client-node's loadFromCluster does); null = not in-cluster.
   */
  inCluster?: string | null;
  /** Folder standing for / when reading the ServiceAccount files ('' in a real pod; the lab sets one). */
  inClusterRoot?: string;
}

export interface PrometheusConfig {
  /** --prometheus CLUSTER=URL: by context name or Istio cluster ID. */
  perCluster: Array<{ cluster: string; url: string }>;
  /** --prometheus-url: one store holding every cluster (Thanos, Mimir, Cortex), or null. */
  globalUrl: string | null;
  /** --prometheus-cluster-label: the label naming the cluster in the global store. */
  clusterLabel: string;
  /** The in-cluster Service tried otherwise, through the API server's service proxy. */
  service: { namespace: string; name: string; port: number };
}

export const DEFAULT_PROMETHEUS_CONFIG: PrometheusConfig = {
  perCluster: [],
  globalUrl: null,
  clusterLabel: 'cluster',
  service: { namespace: 'istio-system', name: 'prometheus', port: 9090 },
};

/** A Prometheus base URL: http(s), no credentials in it, no query or fragment. */
const promUrl = (text: string): string | null => {
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return null;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password || u.search || u.hash) return null;
  return u.toString().replace(/\/+$/, '');
};

/** A refused value as an error message may show it: without a URL's user, password, query and fragment (where credentials go), at most 120 characters. */
const shown = (text: string): string => text.replace(/\/\/[^/?#]*@/, '//…@').replace(/[?#].*/, '?…').slice(0, 120);

const list = (sep: string | RegExp) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').split(sep).map((s) => s.trim()).filter(Boolean));

const millis = (fallback: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 600_000) {
        ctx.addIssue({ code: 'custom', message: `must be an integer number of milliseconds (0-600000), got "${v}"` });
        return z.NEVER;
      }
      return n;
    });

/** An on/off environment variable: on when "1" or "true". */
export function envFlag(value: string | undefined): boolean {
  return value === '1' || value === 'true';
}

const EnvSchema = z.object({
  ISTHMUS_KUBECONFIG: list(path.delimiter),
  KUBECONFIG: list(path.delimiter),
  ISTHMUS_CONTEXTS: list(','),
  ISTHMUS_DEMO: z.string().optional().transform(envFlag),
  ISTHMUS_DEADLINE_MS: millis(5000),
  ISTHMUS_CACHE_MS: millis(2000),
  ISTHMUS_PROMETHEUS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const pairs: Array<{ cluster: string; url: string }> = [];
      for (const item of (v ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
        const at = item.indexOf('=');
        const url = at > 0 ? promUrl(item.slice(at + 1)) : null;
        if (!url) {
          ctx.addIssue({ code: 'custom', message: `must be CLUSTER=URL pairs with http(s) URLs without credentials, got "${shown(item)}"` });
          return z.NEVER;
        }
        pairs.push({ cluster: item.slice(0, at), url });
      }
      return pairs;
    }),
  ISTHMUS_PROMETHEUS_URL: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (!v?.trim()) return null;
      const url = promUrl(v.trim());
      if (!url) {
        ctx.addIssue({ code: 'custom', message: `must be an http(s) URL without credentials, got "${shown(v)}"` });
        return z.NEVER;
      }
      return url;
    }),
  ISTHMUS_PROMETHEUS_CLUSTER_LABEL: z
    .string()
    .optional()
    .transform((v) => v?.trim() || 'cluster')
    .pipe(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name')),
  ISTHMUS_PROMETHEUS_SERVICE: z
    .string()
    .optional()
    .transform((v) => v?.trim() || 'istio-system/prometheus:9090')
    .pipe(z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9]*[a-z0-9])?:\d{1,5}$/, 'must be NAMESPACE/NAME:PORT'))
    .transform((v) => {
      const [namespace, rest] = v.split('/');
      const [name, port] = rest.split(':');
      return { namespace, name, port: Number(port) };
    }),
  ISTHMUS_IN_CLUSTER: z
    .string()
    .optional()
    .transform((v) => (v && v.trim() ? v.trim() : null)),
  ISTHMUS_IN_CLUSTER_ROOT: z.string().optional().default(''),
  ISTHMUS_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? null : v.split(',').map((s) => s.trim().toLowerCase()).filter(Boolean))),
});

export class ConfigError extends Error {}

export type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): ServerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new ConfigError(`invalid environment: ${first.path.join('.')} ${first.message}`);
  }
  const e = parsed.data;
  // In a pod, the home cluster needs no kubeconfig: only remotes come from one, when given.
  const kubeconfigPaths = e.ISTHMUS_KUBECONFIG.length
    ? e.ISTHMUS_KUBECONFIG
    : e.KUBECONFIG.length
      ? e.KUBECONFIG
      : e.ISTHMUS_IN_CLUSTER
        ? []
        : [path.join(env.HOME || os.homedir(), '.kube', 'config')];
  return {
    kubeconfigPaths,
    contexts: [...new Set(e.ISTHMUS_CONTEXTS)],
    demo: e.ISTHMUS_DEMO,
    deadlineMs: e.ISTHMUS_DEADLINE_MS,
    cacheMs: e.ISTHMUS_CACHE_MS,
    allowedHosts: e.ISTHMUS_ALLOWED_HOSTS,
    prometheus: {
      perCluster: e.ISTHMUS_PROMETHEUS,
      globalUrl: e.ISTHMUS_PROMETHEUS_URL,
      clusterLabel: e.ISTHMUS_PROMETHEUS_CLUSTER_LABEL,
      service: e.ISTHMUS_PROMETHEUS_SERVICE,
    },
    inCluster: e.ISTHMUS_IN_CLUSTER,
    inClusterRoot: e.ISTHMUS_IN_CLUSTER_ROOT,
  };
}
