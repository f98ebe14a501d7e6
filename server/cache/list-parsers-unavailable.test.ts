import { afterEach, describe, expect, it, vi } from 'vitest';
import { PODS } from './kinds';

/** A PodList page large enough to go to a parser thread. */
function podList(n: number): Buffer {
  const items = Array.from({ length: n }, (_, i) => ({ metadata: { name: `app-${i}`, namespace: 'team', labels: { app: 'app' } }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'example/app:1' }] }, status: { phase: 'Running', podIP: `10.0.${i >> 8}.${i & 255}` } }));
  return Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items }));
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe('parseListPage when parser threads cannot run', () => {
  it('a thread failing before it ever answered gives threads up: the pages after it are parsed on the main thread', async () => {
    // As if bundled: the thread's entry is the TypeScript file itself, which a plain thread cannot load.
    vi.stubEnv('NEXT_RUNTIME', 'nodejs');
    vi.resetModules();
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const { parseListPage } = await import('./list-parsers');
    await expect(parseListPage(PODS, podList(400), 'GET /api/v1/pods')).rejects.toMatchObject({ kind: 'internal' });
    expect((await parseListPage(PODS, podList(401), 'GET /api/v1/pods')).kept).toHaveLength(401);
    expect((await parseListPage(PODS, podList(402), 'GET /api/v1/pods')).kept).toHaveLength(402);
    expect(logged.mock.calls.some(([m]) => String(m).includes('parsed on the main thread'))).toBe(true);
  });
});
