import { describe, expect, it } from 'vitest';
import { BadResponseError } from '@/lib/istio/errors';
import { PODS } from './kinds';
import { keepPage } from './list-page';
import { parseListPage } from './list-parsers';

/** A PodList page of n pods, large enough (n ≥ 200) to go to a parser thread. */
function podList(n: number, mutate: (pod: Record<string, unknown>, i: number) => void = () => {}): Buffer {
  const items = Array.from({ length: n }, (_, i) => {
    const pod: Record<string, unknown> = {
      metadata: { name: `app-${i}`, namespace: `team-${i % 7}`, labels: { app: `app-${i % 13}`, version: 'v1' }, ownerReferences: [{ kind: 'ReplicaSet', name: `app-${i % 13}-5d4f`, controller: true }] },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'example/app:1' }, { name: 'istio-proxy', image: 'istio/proxyv2:1.24.0', args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local'] }] },
      status: { phase: 'Running', podIP: `10.0.${i >> 8}.${i & 255}`, conditions: [{ type: 'Ready', status: 'True' }] },
    };
    mutate(pod, i);
    return pod;
  });
  return Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42', continue: 'next' }, items }));
}

describe('parseListPage (list pages in a parser thread)', () => {
  it('keeps what parsing in place keeps, with the list metadata', async () => {
    const body = podList(400);
    expect(body.byteLength).toBeGreaterThan(64 * 1024);
    const inPlace = keepPage(PODS, body, 'GET /api/v1/pods');
    const page = await parseListPage(PODS, Buffer.from(body), 'GET /api/v1/pods');
    expect(page).toEqual(inPlace);
    expect(page.kept).toHaveLength(400);
    expect(page.kept[3][0]).toBe('team-3/app-3');
    expect(page.metadata).toEqual({ resourceVersion: '42', continue: 'next' });
  });

  it('a field of the wrong type is a BadResponseError naming the field, never the value', async () => {
    const body = podList(400, (pod, i) => {
      if (i === 250) (pod.status as Record<string, unknown>).podIP = { secret: 'value' };
    });
    const err = await parseListPage(PODS, body, 'GET /api/v1/pods').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadResponseError);
    expect((err as BadResponseError).problem).toMatch(/items\[250\]\.status\.podIP/);
    expect((err as Error).message).not.toMatch(/secret/);
  });

  it('a body that is not JSON is a SyntaxError (bad-response)', async () => {
    const body = Buffer.concat([podList(400).subarray(0, 100_000), Buffer.from('garbage')]);
    const err = await parseListPage(PODS, body, 'GET /api/v1/pods').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SyntaxError);
  });

  it('pages in flight at once all come back, each to its own caller', async () => {
    const pages = await Promise.all(Array.from({ length: 6 }, (_, k) => parseListPage(PODS, podList(300 + k), 'GET /api/v1/pods')));
    expect(pages.map((p) => p.kept.length)).toEqual([300, 301, 302, 303, 304, 305]);
  });
});
