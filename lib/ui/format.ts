/** Pure display helpers shared by the dashboard's pages (browser-safe, no React). */

/** "4 s ago", "3 min ago", "2 h ago"; "just now" under a second. */
export function formatAge(ageMs: number): string {
  if (!Number.isFinite(ageMs) || ageMs < 1000) return 'just now';
  const s = Math.floor(ageMs / 1000);
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}

/** Data older than three polling intervals is stale (one missed poll is normal jitter, three is not). */
export function isStale(ageMs: number, intervalMs: number): boolean {
  return ageMs > 3 * intervalMs;
}

/** "AB:CD:EF:...:12:34" -> "AB:CD:EF…12:34": enough to compare by eye. */
export function shortFingerprint(fp: string): string {
  const parts = fp.split(':');
  if (parts.length <= 6) return fp;
  return `${parts.slice(0, 4).join(':')}…${parts.slice(-2).join(':')}`;
}

/** The part of a context name people recognise: "cluster1-admin@cluster1" stays whole, but long ARNs are cut. */
export function shortClusterName(name: string): string {
  const arn = /^arn:aws:eks:[^:]+:\d+:cluster\/(.+)$/.exec(name);
  if (arn) return arn[1];
  return name;
}

/** Visual tone of a state; every tone is shown with text too, never colour alone. */
export type Tone = 'ok' | 'warn' | 'bad' | 'muted';

export const TONE_CLASSES: Record<Tone, string> = {
  ok: 'bg-emerald-100 text-emerald-900 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-200 dark:ring-emerald-400/30',
  warn: 'bg-amber-100 text-amber-900 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-200 dark:ring-amber-400/30',
  bad: 'bg-red-100 text-red-900 ring-red-600/30 dark:bg-red-900/40 dark:text-red-200 dark:ring-red-400/30',
  muted: 'bg-slate-100 text-slate-700 ring-slate-500/30 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-400/30',
};

/** Glyphs paired with tones so the state reads without colour. */
export const TONE_ICON: Record<Tone, string> = { ok: '✓', warn: '!', bad: '✕', muted: '–' };

export function remoteSyncTone(status: string): Tone {
  switch (status) {
    case 'synced':
      return 'ok';
    case 'syncing':
      return 'warn';
    case 'timeout':
    case 'closed':
    case 'missing':
      return 'bad';
    default:
      return 'muted';
  }
}

export function proxyStatusTone(status: string): Tone {
  if (status === 'SYNCED') return 'ok';
  if (status === 'NOT SENT' || status === 'IGNORED') return 'muted';
  if (status.startsWith('STALE')) return 'warn';
  return 'bad';
}

export function endpointHealthTone(status: string, outlierCheck: string): Tone {
  if (outlierCheck === 'FAILED') return 'bad';
  if (status === 'HEALTHY') return 'ok';
  if (status === 'DRAINING' || status === 'DEGRADED') return 'warn';
  if (status === 'UNKNOWN') return 'muted';
  return 'bad';
}

/** Rows that must stand out in the endpoints table: istioctl's UNHEALTHY, DRAINING and FAILED outlier checks. */
export function isTroubledEndpoint(status: string, outlierCheck: string): boolean {
  return outlierCheck === 'FAILED' || (status !== 'HEALTHY' && status !== 'UNKNOWN');
}

/** Cluster URLs carry context names with ':' '/' '@': always encode each path segment. */
export function podPath(cluster: string, namespace: string, pod: string): string {
  return `/clusters/${encodeURIComponent(cluster)}/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}`;
}
