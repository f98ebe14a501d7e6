/**
 * A fresh lab's Prometheus would start empty, so a 5 m rate on a just-started demo would be low or
 * missing until the window fills. A real Prometheus in a mesh that has been running holds that history;
 * the lab's gets it before it starts: the past hour of every scrape target's series, sampled as a scrape
 * would have seen them (world.metricsAt: the same model and counters the live endpoints serve, so they
 * continue seamlessly), labelled as the scrape labels them, written as OpenMetrics and turned into TSDB
 * blocks by `promtool tsdb create-blocks-from openmetrics` (Debian's prometheus package ships promtool).
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { World } from '../world';
import { SCRAPE_JOB, type ScrapeTarget } from './targets';

/** promtool: $ISTHMUS_PROMTOOL_BIN, else beside the prometheus binary, else on PATH; null when absent. */
export function findPromtool(prometheusBin: string): string | null {
  const beside = path.join(path.dirname(prometheusBin), 'promtool');
  const candidates = [process.env.ISTHMUS_PROMTOOL_BIN, path.isAbsolute(prometheusBin) && existsSync(beside) ? beside : null, 'promtool'];
  for (const bin of candidates) {
    if (!bin) continue;
    const r = spawnSync(bin, ['--version'], { stdio: 'ignore' });
    if (!r.error && r.status === 0) return bin;
  }
  return null;
}

/**
 * When the scrapes would have happened: every `stepMs` from `fromMs`, then every `recentStepMs` (the
 * scrape interval) over the last `recentMs` before `toMs` (exclusive: the live scrapes take over there).
 * Prometheus extrapolates a rate only ~1.1 sample intervals past a window's first sample, so a short
 * window starting among sparse samples would under-report: the recent part is as dense as the live one,
 * the older part sparse enough to stay small (its error on a 5 m window is under 5 %).
 */
export function scrapeTimes(s: { fromMs: number; toMs: number; stepMs: number; recentMs: number; recentStepMs: number }): number[] {
  const times: number[] = [];
  const recentFrom = Math.max(s.fromMs, s.toMs - s.recentMs);
  for (let at = s.fromMs; at < recentFrom; at += s.stepMs) times.push(at);
  for (let at = recentFrom; at < s.toMs; at += s.recentStepMs) times.push(at);
  return times;
}

/** The end of an OpenMetrics text: all that is left when there is no history. */
export const EOF = '# EOF\n';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** One exposition line's name, labels and value, or null for comments and blank lines. */
export function parseSample(line: string): { name: string; labels: Array<[string, string]>; value: string } | null {
  if (line === '' || line.startsWith('#')) return null;
  const m = SAMPLE.exec(line);
  if (!m) return null;
  return { name: m[1], labels: [...(m[2] ?? '').matchAll(LABEL)].map((l) => [l[1], l[2]] as [string, string]), value: m[3] };
}

/**
 * The labels of the series a scrape of `target` stores, sorted: its own labels, then the target's (a clash
 * renames the scraped label `exported_<name>`, Prometheus's honor_labels: false).
 */
function storedLabels(scraped: Array<[string, string]>, targetLabels: Record<string, string>): Array<[string, string]> {
  const labels = new Map<string, string>();
  for (const [k, v] of scraped) labels.set(k in targetLabels ? `exported_${k}` : k, v);
  for (const [k, v] of Object.entries(targetLabels)) labels.set(k, v.replace(/\\/g, '\\\\').replace(/"/g, '\\"'));
  return [...labels].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** A stored series and, with the recording rules loaded, the rules' series it is summed into. */
interface Named {
  key: string;
  recorded: readonly string[];
}

/**
 * OpenMetrics text of every target's series at `times` (ascending), series after series (each in time order, as
 * promtool's appender wants them). `labelsOf` gives a target's labels as the scrape config sets them. With
 * `recorded` (rules.ts recordedSeries), the recording rules' series too, as their evaluations at the same
 * times would have written them: each the sum of its pods' samples.
 */
export function backfillText(
  world: World,
  targets: ScrapeTarget[],
  labelsOf: (t: ScrapeTarget) => Record<string, string>,
  times: readonly number[],
  recorded?: (name: string, labels: Array<[string, string]>) => readonly string[],
): string {
  const series = new Map<string, string[]>();
  const sums = new Map<string, Map<number, number>>();
  for (const t of targets) {
    const targetLabels = { ...labelsOf(t), job: SCRAPE_JOB };
    // A target serves the same series at every step: name each once ("name{labels}" → stored series).
    const named = new Map<string, Named | null>();
    for (const at of times) {
      const body = world.metricsAt?.(t.cluster, t.namespace, t.pod, t.port, t.path, at);
      if (!body) continue;
      const ts = (at / 1000).toFixed(3);
      for (const line of body.split('\n')) {
        const space = line.lastIndexOf(' ');
        if (line.startsWith('#') || space < 0) continue;
        const raw = line.slice(0, space);
        let name = named.get(raw);
        if (name === undefined) {
          const s = parseSample(line);
          const labels = s ? storedLabels(s.labels, targetLabels) : [];
          named.set(raw, (name = s ? { key: `${s.name}{${labels.map(([k, v]) => `${k}="${v}"`).join(',')}}`, recorded: recorded?.(s.name, labels) ?? [] } : null));
        }
        if (name === null) continue;
        const value = line.slice(space + 1);
        let samples = series.get(name.key);
        if (!samples) series.set(name.key, (samples = []));
        samples.push(`${name.key} ${value} ${ts}`);
        for (const into of name.recorded) {
          let sum = sums.get(into);
          if (!sum) sums.set(into, (sum = new Map()));
          sum.set(at, (sum.get(at) ?? 0) + Number(value));
        }
      }
    }
  }
  const recordedText = [...sums].map(([key, sum]) =>
    [...sum]
      .sort(([a], [b]) => a - b)
      .map(([at, value]) => `${key} ${value} ${(at / 1000).toFixed(3)}\n`)
      .join(''),
  );
  return [...series.values()].map((samples) => `${samples.join('\n')}\n`).join('') + recordedText.join('') + EOF;
}

/** Writes the blocks into `dataDir` (Prometheus's --storage.tsdb.path, before it starts). */
export function createBlocks(promtool: string, text: string, dataDir: string): Promise<void> {
  const file = `${dataDir}.backfill.om`;
  writeFileSync(file, text);
  return new Promise<void>((resolve, reject) => {
    execFile(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir], { maxBuffer: 16 * 1024 * 1024 }, (err, _stdout, stderr) => {
      rmSync(file, { force: true });
      if (err) reject(new Error(`promtool could not backfill: ${stderr.trim().split('\n').slice(-2).join(' | ') || err.message}`));
      else resolve();
    });
  });
}
