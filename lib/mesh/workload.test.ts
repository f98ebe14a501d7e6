import { describe, expect, it } from 'vitest';
import { workloadOf } from './workload';

const C = 'cluster1-admin@cluster1';
const pod = (name: string, labels: Record<string, string> = {}, owner?: { kind: string; name: string }) => ({ namespace: 'default', name, labels, ...(owner ? { owner } : {}) });

describe('workloadOf', () => {
  it('takes the app and version labels (or their app.kubernetes.io forms)', () => {
    expect(workloadOf(C, pod('reviews-v2-7d79d5bd5d-8zzqd', { app: 'reviews', version: 'v2' }))).toEqual({ name: 'reviews', version: 'v2', id: `wl:${C}:default:reviews:v2` });
    expect(workloadOf(C, pod('web-0', { 'app.kubernetes.io/name': 'web', 'app.kubernetes.io/version': '1.4' }))).toMatchObject({ name: 'web', version: '1.4' });
    expect(workloadOf(C, pod('x-abcde', { app: 'reviews' }, { kind: 'ReplicaSet', name: 'other-5b9bd44f4' }))).toMatchObject({ name: 'reviews', version: 'unversioned' });
  });

  it("without an app label, names the pod's controller: a ReplicaSet's Deployment, a StatefulSet, DaemonSet or Job", () => {
    const hash = { 'pod-template-hash': '5b9bd44f4' };
    expect(workloadOf(C, pod('ratings-5b9bd44f4-ztxsd', hash, { kind: 'ReplicaSet', name: 'ratings-5b9bd44f4' }))).toEqual({
      name: 'ratings',
      version: 'unversioned',
      id: `wl:${C}:default:ratings:unversioned`,
    });
    // A hash of another length, and no pod-template-hash label: the ReplicaSet's hash suffix still goes.
    expect(workloadOf(C, pod('api-server-6f4d8c7b9f-abcde', {}, { kind: 'ReplicaSet', name: 'api-server-6f4d8c7b9f' })).name).toBe('api-server');
    expect(workloadOf(C, pod('loki-0', { version: 'v3' }, { kind: 'StatefulSet', name: 'loki' }))).toMatchObject({ name: 'loki', version: 'v3' });
    expect(workloadOf(C, pod('fluentd-x7k2p', {}, { kind: 'DaemonSet', name: 'fluentd' })).name).toBe('fluentd');
    expect(workloadOf(C, pod('backup-28751040-q2x8z', {}, { kind: 'Job', name: 'backup-28751040' })).name).toBe('backup-28751040');
  });

  it('without an owner (a bare pod, a snapshot built by hand), falls back to the name without controller suffixes', () => {
    expect(workloadOf(C, pod('reviews-v3-5b9bd44f4-ztxsd')).name).toBe('reviews-v3');
    expect(workloadOf(C, pod('loki-0')).name).toBe('loki');
    expect(workloadOf(C, pod('fluentd-x7k2p')).name).toBe('fluentd');
    expect(workloadOf(C, pod('standalone')).name).toBe('standalone');
  });
});
