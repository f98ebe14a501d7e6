import { describe, expect, it } from 'vitest';
import type { PodSummary } from '../types/api';
import { podsOfWorkload } from './workload-pods';

const pod = (name: string, app: string | null, version: string | null, namespace = 'default'): PodSummary => ({
  name,
  namespace,
  ip: null,
  phase: 'Running',
  ready: true,
  hasSidecar: true,
  app,
  version,
});

describe('podsOfWorkload', () => {
  it('matches app and version, and unversioned pods by app', () => {
    const pods = [pod('reviews-v1-a', 'reviews', 'v1'), pod('reviews-v2-b', 'reviews', 'v2'), pod('loki-0', 'loki', null), pod('reviews-v1-c', 'reviews', 'v1', 'other')];
    expect(podsOfWorkload(pods, { namespace: 'default', app: 'reviews', version: 'v1' }).map((p) => p.name)).toEqual(['reviews-v1-a']);
    expect(podsOfWorkload(pods, { namespace: 'default', app: 'loki', version: undefined }).map((p) => p.name)).toEqual(['loki-0']);
  });
});
