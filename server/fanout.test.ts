import { afterEach, describe, expect, it } from 'vitest';
import { ApiException, FetchError, KubeConfig } from '@kubernetes/client-node';
import { cached, fanOut } from './fanout';
import { ClusterState, resetClusterState } from './k8s/cluster-state';
import type { ClusterHandle } from './k8s/registry';

const handle = (name: string) => {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name, server: `https://127.0.0.1/${name}` }], users: [{ name, token: 't' }], contexts: [{ name, cluster: name, user: name }], currentContext: name });
  return { name, server: `https://127.0.0.1/${name}`, generation: 1, kc, state: new ClusterState() } as unknown as ClusterHandle;
};

afterEach(() => resetClusterState());

describe('fanOut', () => {
  it('one cluster hangs, one refuses, one 403s: the others complete, the hung one times out at its deadline', async () => {
    const clusters = ['ok1', 'hang', 'refused', 'forbidden', 'ok2'].map(handle);
    const started = Date.now();
    const results = await fanOut(
      clusters,
      'test',
      async (c, deadline) => {
        if (c.name === 'hang') return new Promise(() => {}); // ignores the signal on purpose
        if (c.name === 'refused') throw new FetchError('connect ECONNREFUSED', 'system', { code: 'ECONNREFUSED' } as NodeJS.ErrnoException);
        if (c.name === 'forbidden') throw new ApiException(403, 'Forbidden', '{"kind":"Status","message":"pods is forbidden"}', {});
        expect(deadline.signal.aborted).toBe(false);
        return c.name.toUpperCase();
      },
      { deadlineMs: 300, cacheMs: 0, source: 'pods' },
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    expect(results.map((r) => r.cluster)).toEqual(['ok1', 'hang', 'refused', 'forbidden', 'ok2']);
    expect(results[0]).toEqual({ cluster: 'ok1', ok: true, data: 'OK1' });
    expect(results[4]).toEqual({ cluster: 'ok2', ok: true, data: 'OK2' });
    const kinds = results.map((r) => (r.ok ? 'ok' : r.error.kind));
    expect(kinds).toEqual(['ok', 'timeout', 'unreachable', 'forbidden', 'ok']);
  });

  it('healthy clusters are not held back by a hung one', async () => {
    const finished: Record<string, number> = {};
    const started = Date.now();
    const run = fanOut(
      [handle('fast'), handle('hang')],
      'test2',
      async (c) => {
        if (c.name === 'hang') return new Promise(() => {});
        finished[c.name] = Date.now() - started;
        return 1;
      },
      { deadlineMs: 500, cacheMs: 0 },
    );
    await run;
    expect(finished.fast).toBeLessThan(400);
  });
});

describe('cached', () => {
  it('shares one upstream call between concurrent identical requests', async () => {
    let calls = 0;
    const load = async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 30));
      return calls;
    };
    const results = new Map();
    const [a, b, c] = await Promise.all([cached(results, 'k', 0, load), cached(results, 'k', 0, load), cached(results, 'k', 0, load)]);
    expect([a, b, c]).toEqual([1, 1, 1]);
    expect(calls).toBe(1);
    await cached(results, 'k', 0, load);
    expect(calls).toBe(2); // ttl 0: single-flight only
  });

  it('keeps a failed fan-out result only for failureCacheMs, a good one for cacheMs', async () => {
    const [c] = ['flaky'].map(handle);
    let calls = 0;
    const read = async () => {
      calls++;
      if (calls === 1) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
      return 'addresses';
    };
    const opts = { deadlineMs: 1000, cacheMs: 60_000, failureCacheMs: 0 };
    expect((await fanOut([c], 'kept', read, opts))[0].ok).toBe(false);
    expect((await fanOut([c], 'kept', read, opts))[0]).toMatchObject({ ok: true, data: 'addresses' });
    await fanOut([c], 'kept', read, opts);
    expect(calls).toBe(2);
  });

  it('serves a settled result for the TTL, then reloads', async () => {
    let calls = 0;
    const load = async () => ++calls;
    const results = new Map();
    await cached(results, 't', 60_000, load);
    await cached(results, 't', 60_000, load);
    expect(calls).toBe(1);
    results.clear();
    await cached(results, 't', 60_000, load);
    expect(calls).toBe(2);
  });
});
