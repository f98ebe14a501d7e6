import path from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ResourceType } from '../world';
import { envoyClusters } from './envoy';
import { istiodAnswer } from './istiod';
import { createWorld, loadScenario, parseScenario, type LabWorld } from './index';
import type { RootCA } from './rootca';

const SEED = path.resolve(__dirname, '../scenarios/seed.yaml');
const NOW = Date.parse('2024-06-06T12:00:00Z');
const RATINGS = 'ratings-v1-6484c4d9bb-25cnf';
const REVIEWS = 'outbound|9080||reviews.default.svc.cluster.local';
const NO_CA = { certPem: '', keyPem: '' } as unknown as RootCA;

function seedWorld(edit?: (seed: { clusters: Array<{ id: string; istiod: Record<string, unknown> }> }) => void): LabWorld {
  if (!edit) return createWorld(loadScenario(SEED), { nowMs: NOW, clock: () => NOW });
  const doc = parse(readFileSync(SEED, 'utf8'));
  edit(doc);
  return createWorld(parseScenario(doc), { nowMs: NOW, clock: () => NOW });
}

function hostsOf(world: LabWorld, cluster: string, namespace: string, pod: string, envoyCluster = REVIEWS): string[] {
  const caller = world.mesh.findPod(cluster, namespace, pod)!;
  const status = envoyClusters(world.mesh, caller, NOW).cluster_statuses.find((c) => c.name === envoyCluster);
  if (!status) return ['<no cluster>'];
  const hosts = ('host_statuses' in status ? status.host_statuses : undefined) ?? [];
  return hosts.map((h) => ('socket_address' in h.address ? `${h.address.socket_address.address}:${h.address.socket_address.port_value} w${h.weight}` : 'pipe'));
}

function debug(world: LabWorld, cluster: string, replica: string, p: string) {
  const istiod = world.mesh.findPod(cluster, 'istio-system', replica)!;
  return JSON.parse(istiodAnswer(world.mesh, istiod, { port: 15014, path: p, query: new URLSearchParams(), viaApiServerProxy: false }, NOW, NO_CA).body);
}

const DR: ResourceType = { group: 'networking.istio.io', version: 'v1', resource: 'destinationrules', kind: 'DestinationRule', namespaced: true };

describe('path faults', () => {
  it('istiod-shard-empty empties one replica of two and the proxies it serves', () => {
    const world = seedWorld((doc) => {
      doc.clusters[1].istiod = { ...doc.clusters[1].istiod, pods: undefined, replicas: 2 };
    });
    const replicas = world.mesh.istiodReplicas('cluster2').map((p) => p.name);
    expect(replicas).toHaveLength(2);
    const caller = world.mesh.findPod('cluster2', 'default', RATINGS)!;
    const serving = world.mesh.istiodOf(caller)!.name;
    const shard = (replica: string) => debug(world, 'cluster2', replica, '/debug/endpointShardz')['reviews.default.svc.cluster.local'].default.Shards['Kubernetes/cluster1'];
    expect(shard(replicas[0])).toHaveLength(2);

    world.applyFault({ type: 'istiod-shard-empty', cluster: 'cluster2', replica: serving, remote: 'cluster1', on: true });
    expect(shard(serving)).toEqual([]);
    expect(shard(replicas.find((r) => r !== serving)!)).toHaveLength(2);
    expect(hostsOf(world, 'cluster2', 'default', RATINGS)).toEqual(['192.168.179.215:9080 w1']);

    world.applyFault({ type: 'istiod-shard-empty', cluster: 'cluster2', replica: serving, remote: 'cluster1', on: false });
    expect(hostsOf(world, 'cluster2', 'default', RATINGS)).toEqual(['192.168.179.215:9080 w1', '172.40.143.182:15443 w2']);
  });

  it('eds-stale freezes the proxy on what it had, and syncz says EDS is stale', () => {
    const world = seedWorld();
    world.applyFault({ type: 'eds-stale', cluster: 'cluster2', namespace: 'default', pod: RATINGS, on: true });
    world.applyFault({ type: 'eastwest-pending', cluster: 'cluster1', pending: true });
    expect(hostsOf(world, 'cluster2', 'default', RATINGS)).toEqual(['192.168.179.215:9080 w1', '172.40.143.182:15443 w2']);
    const row = (debug(world, 'cluster2', 'istiod-6c4d88c6d7-wpzz8', '/debug/syncz') as Array<Record<string, string>>).find((r) => r.proxy === `${RATINGS}.default`)!;
    expect(row.endpoint_acked).not.toBe(row.endpoint_sent);
    expect(row.cluster_acked).toBe(row.cluster_sent);
    world.applyFault({ type: 'eds-stale', cluster: 'cluster2', namespace: 'default', pod: RATINGS, on: false });
    expect(hostsOf(world, 'cluster2', 'default', RATINGS)).not.toContain('172.40.143.182:15443 w2');
  });

  it('subset-unmatched adds a DestinationRule subset whose Envoy cluster is empty', () => {
    const world = seedWorld();
    world.applyFault({ type: 'subset-unmatched', cluster: 'cluster2', namespace: 'default', service: 'reviews', subset: 'v4', on: true });
    const dr = world.list('cluster2', DR, 'default').find((o) => o.metadata.name === 'reviews')!;
    expect((dr.spec as { subsets: Array<{ name: string }> }).subsets.map((s) => s.name)).toEqual(['v1', 'v2', 'v3', 'v4']);
    expect(hostsOf(world, 'cluster2', 'default', RATINGS, 'outbound|9080|v4|reviews.default.svc.cluster.local')).toEqual([]);
    expect(hostsOf(world, 'cluster2', 'default', RATINGS, 'outbound|9080|v3|reviews.default.svc.cluster.local')).toEqual(['192.168.179.215:9080 w1']);
    // cluster1's DestinationRule is its own: unchanged.
    const dr1 = world.list('cluster1', DR, 'default').find((o) => o.metadata.name === 'reviews')!;
    expect((dr1.spec as { subsets: unknown[] }).subsets).toHaveLength(3);
  });

  it('sidecar-removed takes the proxy out of the pods, and back', () => {
    const world = seedWorld();
    const sleep = () => world.mesh.findPod('cluster1', 'sample', 'sleep-7656cf8794-qmx9p')!;
    world.applyFault({ type: 'sidecar-removed', cluster: 'cluster1', namespace: 'sample', workload: 'sleep', on: true });
    expect(sleep().sidecar).toBe(false);
    expect(world.podHandler('cluster1', 'sample', sleep().name, 15000)).toBeNull();
    world.applyFault({ type: 'sidecar-removed', cluster: 'cluster1', namespace: 'sample', workload: 'sleep', on: false });
    expect(sleep().sidecar).toBe(true);
  });
});
