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
}

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

const EnvSchema = z.object({
  ISTHMUS_KUBECONFIG: list(path.delimiter),
  KUBECONFIG: list(path.delimiter),
  ISTHMUS_CONTEXTS: list(','),
  ISTHMUS_DEMO: z
    .string()
    .optional()
    .transform((v) => v === '1' || v === 'true'),
  ISTHMUS_DEADLINE_MS: millis(5000),
  ISTHMUS_CACHE_MS: millis(2000),
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
  const kubeconfigPaths = e.ISTHMUS_KUBECONFIG.length
    ? e.ISTHMUS_KUBECONFIG
    : e.KUBECONFIG.length
      ? e.KUBECONFIG
      : [path.join(env.HOME || os.homedir(), '.kube', 'config')];
  return {
    kubeconfigPaths,
    contexts: [...new Set(e.ISTHMUS_CONTEXTS)],
    demo: e.ISTHMUS_DEMO,
    deadlineMs: e.ISTHMUS_DEADLINE_MS,
    cacheMs: e.ISTHMUS_CACHE_MS,
    allowedHosts: e.ISTHMUS_ALLOWED_HOSTS,
  };
}
