/**
 * Hostile upstreams next to the seed lab's two healthy clusters: fake API servers on 127.0.0.1 that
 * answer 1 GiB, stream forever, never end their headers, nest JSON 100,000 levels (at the top and
 * inside fields), send wrong types, redirect elsewhere, carry credentials in their URL, or run ten
 * istiod replicas streaming 1 GiB each over port-forward. Every route answers 200 within the deadline,
 * each hostile cluster costs a typed error of its own, the healthy clusters' answers are exactly what
 * they are without the hostile ones, no credential leaves, and the process (with its list parser thread) stays under 450 MiB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Lab } from '@/lab/index';
import type { HostileMode } from './hostile-servers';
import type { ClustersResponse, EndpointsResponse, MeshResponse, TopologyResponse } from '@/lib/types/api';
import { GET as clustersGET } from '@/app/api/clusters/route';
import { GET as meshGET } from '@/app/api/mesh/route';
import { GET as topologyGET } from '@/app/api/topology/route';
import { GET as endpointsGET } from '@/app/api/clusters/[cluster]/namespaces/[ns]/pods/[pod]/endpoints/route';
import { apiRequest, CLUSTER1, CLUSTER2, freshState, params, startSeedLab, stopLab } from './api-helpers';
import { CREDS_CONTEXT, HOSTILE_MODES, hostileContext, REDIRECT_TARGET, startHostileProcess, type HostileProcess } from './hostile-servers';

const MiB = 1024 * 1024;
/** The server's own limit plus its list parser thread (server/cache/list-parsers.ts), which has a heap of its own (~50 MiB). */
const RSS_LIMIT = 450 * MiB;
/** Long enough that every cap is reached before it on a busy machine (a hostile cluster streams as fast as loopback goes). */
const DEADLINE = 10_000;
/**
 * An answer must come within the deadline plus a margin for a loaded machine: what it proves is that no
 * hostile stream held the request (1 GiB at the fakes' rate takes 21 s, the endless ones forever).
 */
const WITHIN = DEADLINE + 3000;
const MODES = HOSTILE_MODES;
const SECRETS = ['HOSTILE-TOKEN', 'PASSWORD-IN-URL', 'TOKEN-IN-QUERY'];
const ctx = hostileContext;
/**
 * Modes whose answer is cut by a byte cap: on a loaded machine the deadline may come before the cap
 * (both are typed errors of that cluster); the focused test below reads them alone and wants the cap.
 */
const STREAMING: HostileMode[] = ['gib-body', 'endless'];
const expectedKinds = (mode: HostileMode) => (STREAMING.includes(mode) ? ['bad-response', 'timeout'] : ['bad-response']);
const TEN = ctx('ten-istiods');

let lab: Lab;
let hostile: HostileProcess;
let peakRss = 0;
let sampler: NodeJS.Timeout;
const logged: string[] = [];
const bodies: string[] = [];

/** Seed clusters' answers without any hostile cluster configured: what they must still be with them. */
const baseline: { clusters?: ClustersResponse; mesh?: MeshResponse; topology?: TopologyResponse } = {};

async function call<T>(response: Promise<Response>): Promise<{ status: number; body: T; ms: number }> {
  const started = Date.now();
  const res = await response;
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, body: JSON.parse(text) as T, ms: Date.now() - started };
}

const seedOnly = <T extends { cluster: string }>(list: T[]) => list.filter((c) => c.cluster === CLUSTER1 || c.cluster === CLUSTER2);
/** Without the times of the reading (fetchedAt, generatedAt, the watch's syncedAt and lastEventAt). */
const withoutTimes = (v: unknown) => JSON.parse(JSON.stringify(v, (k, x) => (k.endsWith('At') ? undefined : x)));

/**
 * Reads a route with the hostile clusters configured: every attempt answers 200 within the deadline,
 * and the seed clusters' part must equal their answer without hostile clusters. Up to three attempts,
 * each a cold start: on a machine loaded by other work a healthy istiod may miss its (shorter) deadline
 * once, which is the deadline doing its job, not a hostile cluster getting through.
 */
async function readBesideHostile<T>(route: () => Promise<Response>, seedPart: (body: T) => unknown, expected: unknown): Promise<T> {
  let body: T | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    freshState();
    const answer = await call<T>(route());
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(WITHIN);
    body = answer.body;
    if (JSON.stringify(withoutTimes(seedPart(body))) === JSON.stringify(withoutTimes(expected))) break;
  }
  expect(withoutTimes(seedPart(body!))).toEqual(withoutTimes(expected));
  return body!;
}

beforeAll(async () => {
  lab = await startSeedLab();
  process.env.ISTHMUS_DEADLINE_MS = String(DEADLINE);
  // The seed clusters' settled answer: /api/clusters answers once the topology's kinds are listed, and
  // its watch state says syncing until the Istio kinds are too (which a read beside slow hostile
  // clusters always finds done).
  for (let i = 0; i < 50; i++) {
    baseline.clusters = (await call<ClustersResponse>(clustersGET())).body;
    if (seedOnly(baseline.clusters.clusters).every((c) => c.watch?.state === 'synced')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  freshState();
  baseline.mesh = (await call<MeshResponse>(meshGET())).body;
  freshState();
  baseline.topology = (await call<TopologyResponse>(topologyGET())).body;

  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-hostile-')), 'kubeconfig');
  hostile = await startHostileProcess(file);
  process.env.ISTHMUS_KUBECONFIG = [lab.kubeconfigPath, file].join(path.delimiter);
  freshState();
  console.log(`hostile upstreams: RSS before ${Math.round(process.memoryUsage().rss / MiB)} MiB`);
  sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 10);
  for (const level of ['log', 'warn', 'error', 'info'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
}, 60_000);

afterAll(async () => {
  clearInterval(sampler);
  vi.restoreAllMocks();
  console.log(`hostile upstreams: peak RSS ${Math.round(peakRss / MiB)} MiB (limit ${RSS_LIMIT / MiB} MiB)`);
  await hostile?.stop();
  await stopLab(lab);
});

describe('hostile upstreams', () => {
  it('/api/clusters: each hostile cluster a typed error, the seed clusters unchanged', async () => {
    const body = await readBesideHostile<ClustersResponse>(
      () => clustersGET(),
      (b) => b.clusters.filter((c) => c.cluster === CLUSTER1 || c.cluster === CLUSTER2),
      baseline.clusters!.clusters,
    );
    const byName = new Map(body.clusters.map((c) => [c.cluster, c]));
    const expected: Record<string, RegExp | null> = {
      [ctx('gib-body')]: /answered more than 64 MiB|passed \d+ MiB at once/,
      [ctx('endless')]: /answered more than 1 MiB/,
      [ctx('endless-headers')]: /did not answer valid HTTP \(HPE_HEADER_OVERFLOW\)/,
      [ctx('deep-top')]: /the body: expected object/,
      [ctx('deep-field')]: /gitVersion: expected string|labels\.app: expected string/,
      [ctx('wrong-types')]: /spec\.containers\[0\]\.image: expected string/,
      [ctx('redirect')]: /redirect \(HTTP 302\), which is never followed/,
      [TEN]: null,
      [CREDS_CONTEXT]: null,
    };
    for (const [name, message] of Object.entries(expected)) {
      const c = byName.get(name)!;
      if (message === null) {
        expect(c, name).toMatchObject({ ok: true, errors: [] });
      } else {
        expect(c.errors[0]?.kind, name).toBe('bad-response');
        expect(c.errors[0]?.message, name).toMatch(message);
      }
    }
    expect(hostile.seen.filter((line) => line.startsWith(REDIRECT_TARGET))).toEqual([]);
    expect(hostile.seen.filter((line) => line.startsWith(ctx('redirect')))).not.toEqual([]);
  });

  it('credentials in a server URL are never shown', async () => {
    const { body } = await call<ClustersResponse>(clustersGET());
    expect(body.clusters.find((c) => c.cluster === CREDS_CONTEXT)!.server).toBe(`http://127.0.0.1:${hostile.credsPort}`);
  });

  it('/api/mesh: hostile clusters and ten hostile istiods cost their own errors, the seed clusters unchanged', async () => {
    const body = await readBesideHostile<MeshResponse>(() => meshGET(), (b) => seedOnly(b.clusters), baseline.mesh!.clusters);
    for (const mode of MODES.filter((m) => m !== 'ten-istiods')) {
      const c = body.clusters.find((x) => x.cluster === ctx(mode))!;
      const kinds = c.errors.map((e) => e.kind);
      expect(kinds.length, mode).toBeGreaterThan(0);
      expect(kinds.every((k) => expectedKinds(mode).includes(k)), `${mode}: ${kinds}`).toBe(true);
    }
    const ten = body.clusters.find((c) => c.cluster === TEN)!;
    expect(ten.ok).toBe(true);
    expect(ten.istiod).toHaveLength(10);
    // Every replica's clusterz and syncz is an error: cut at the per-answer cap or at the total across forwards.
    expect(ten.errors).toHaveLength(20);
    const capped = ten.errors.filter((e) => e.kind === 'bad-response' && /more than 64 MiB|at once/.test(e.message));
    expect(capped.length).toBeGreaterThan(0);
    expect(ten.errors.every((e) => capped.includes(e) || e.kind === 'timeout'), JSON.stringify(ten.errors)).toBe(true);
  });

  it('/api/topology: the seed clusters complete, hostile ones as errors', async () => {
    const seedNodes = (t: TopologyResponse) => t.nodes.filter((n) => 'cluster' in n && (n.cluster === CLUSTER1 || n.cluster === CLUSTER2));
    const body = await readBesideHostile<TopologyResponse>(() => topologyGET(), seedNodes, seedNodes(baseline.topology!));
    for (const mode of ['gib-body', 'endless', 'endless-headers', 'deep-top', 'redirect', 'wrong-types', 'deep-field'] as const) {
      const kinds = body.clusters.find((c) => c.cluster === ctx(mode))!.errors.map((e) => e.kind);
      expect(kinds.length, mode).toBeGreaterThan(0);
      expect(kinds.every((k) => expectedKinds(mode).includes(k)), `${mode}: ${kinds}`).toBe(true);
    }
  });

  it.each(STREAMING)('%s read alone: cut at the byte cap, bad-response', async (mode) => {
    freshState();
    const { status, body } = await call<MeshResponse>(meshGET(apiRequest(`/api/mesh?cluster=${ctx(mode)}`)));
    expect(status).toBe(200);
    const errors = body.clusters[0].errors;
    expect(errors.map((e) => e.kind)).toContain('bad-response');
    expect(errors.some((e) => /more than \d+ [MK]iB|at once/.test(e.message)), JSON.stringify(errors)).toBe(true);
  });

  it("an Envoy that never ends its headers is that pod's bad-response", async () => {
    freshState();
    const pod = 'victim-app';
    const { status, body, ms } = await call<EndpointsResponse>(
      endpointsGET(apiRequest(`/api/clusters/${TEN}/namespaces/default/pods/${pod}/endpoints`), params({ cluster: TEN, ns: 'default', pod })),
    );
    expect(status).toBe(200);
    expect(ms).toBeLessThan(WITHIN);
    expect(body.clusters[0].errors.find((e) => e.source.includes('/clusters'))?.kind).toBe('bad-response');
  });

  it('no credential in any answer or log line; no internal error; RSS under 450 MiB throughout', () => {
    for (const secret of SECRETS) {
      expect(bodies.filter((b) => b.includes(secret))).toEqual([]);
      expect(logged.filter((l) => l.includes(secret))).toEqual([]);
    }
    expect(bodies.filter((b) => b.includes('"internal"'))).toEqual([]);
    expect(peakRss).toBeLessThan(RSS_LIMIT);
  });
});
