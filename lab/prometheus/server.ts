/**
 * A real Prometheus (Debian's `prometheus` binary) run by the lab: a generated config, a scratch TSDB,
 * 127.0.0.1 only, stopped with the lab.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { SCRAPE_JOB } from './targets';

export const INSTALL_HINT = 'apt-get install -y prometheus';

/** The binary: $ISTHMUS_PROMETHEUS_BIN, else `prometheus` on PATH; null when absent. */
export function findPrometheus(): string | null {
  const bin = process.env.ISTHMUS_PROMETHEUS_BIN || 'prometheus';
  const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
  return r.error || r.status !== 0 ? null : bin;
}

export interface PrometheusServer {
  url: string;
  /** Replaces the scrape targets (file_sd: Prometheus picks the file up without a restart). */
  setTargets(groups: unknown[]): void;
  /** Resolves once the last `setTargets` groups have all been scraped (or after `timeoutMs`). */
  scraped(timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, log: () => string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`prometheus exited (code ${child.exitCode}): ${log()}`);
    try {
      const r = await fetch(`${url}/-/ready`);
      if (r.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`prometheus was not ready within ${timeoutMs} ms: ${log()}`);
}

export interface PrometheusOptions {
  bin: string;
  name: string;
  scrapeIntervalS: number;
  externalLabels: Record<string, string>;
  /** Fills the empty TSDB directory with history before Prometheus starts (backfill.ts). */
  backfill?: (dataDir: string) => Promise<void>;
  /** file_sd groups to scrape from the start (discovered at once, not at the next file refresh). */
  targets?: unknown[];
  /** A rule file's content (rules.ts), loaded with rule_files. */
  ruleGroups?: unknown;
}

export async function startPrometheus(opts: PrometheusOptions): Promise<PrometheusServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `isthmus-lab-prometheus-${opts.name}-`));
  const dataDir = path.join(dir, 'data');
  const targetsFile = path.join(dir, 'targets.json');
  let targetCount = 0;
  const setTargets = (groups: unknown[]) => {
    targetCount = groups.length;
    writeFileSync(`${targetsFile}.tmp`, JSON.stringify(groups));
    renameSync(`${targetsFile}.tmp`, targetsFile); // atomic: Prometheus never reads half a file
  };
  setTargets(opts.targets ?? []);
  const interval = `${opts.scrapeIntervalS}s`;
  const config = {
    global: { scrape_interval: interval, scrape_timeout: `${Math.max(1, Math.min(10, opts.scrapeIntervalS))}s`, evaluation_interval: interval, external_labels: opts.externalLabels },
    scrape_configs: [{ job_name: SCRAPE_JOB, file_sd_configs: [{ files: [targetsFile], refresh_interval: '5s' }] }],
    ...(opts.ruleGroups ? { rule_files: [path.join(dir, 'rules.yml')] } : {}),
  };
  if (opts.ruleGroups) writeFileSync(path.join(dir, 'rules.yml'), stringify(opts.ruleGroups));
  writeFileSync(path.join(dir, 'prometheus.yml'), stringify(config));
  try {
    await opts.backfill?.(dataDir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let stderr = '';
  // Through a small shell that kills Prometheus when its standard input closes: whether the lab stops
  // cleanly (stop() closes it) or dies, Prometheus never outlives it.
  const args = [
    `--config.file=${path.join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${dataDir}`,
    '--storage.tsdb.retention.time=12h',
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ];
  const child = spawn('sh', ['-c', '"$@" </dev/null & p=$!; read _ || true; kill $p 2>/dev/null; wait $p', 'sh', opts.bin, ...args], { stdio: ['pipe', 'ignore', 'pipe'] });
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.stdin?.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitReady(url, child, () => stderr.trim().split('\n').slice(-3).join(' | '));
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, setTargets, scraped: (timeoutMs) => everyTargetScraped(url, targetCount, timeoutMs), stop };
}

/**
 * Until the first scrapes, a window ending now ends at the backfilled history's last sample, and a short
 * one under-reports (Prometheus extrapolates a rate only ~1.1 sample intervals past it; a 5 m window is
 * off by a few percent at most). Prometheus takes 5-10 s to scrape a new target for the first time (its
 * discovery and scrape managers update every 5 s), so only labs that measure short windows wait for it.
 */
async function everyTargetScraped(url: string, count: number, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (count > 0 && Date.now() < until) {
    try {
      const r = await fetch(`${url}/api/v1/targets?state=active`);
      const targets = ((await r.json()) as { data?: { activeTargets?: Array<{ health?: string }> } }).data?.activeTargets ?? [];
      if (targets.length >= count && targets.every((t) => t.health !== 'unknown')) return;
    } catch {
      /* not answering yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
