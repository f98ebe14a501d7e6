import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { Recorded } from '@/lib/traffic/promql';
import { ClusterState } from '../k8s/cluster-state';
import { createDeadline } from '../k8s/deadline';
import type { ClusterHandle } from '../k8s/registry';
import { describeTarget } from './client';
import { RECORDINGS_KEPT, recordingsFor, recordingsForChart, type Recordings } from './recordings';
import type { ClusterPrometheus } from './sources';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function source(url: string): ClusterPrometheus {
  const cluster = { name: 'c1', state: new ClusterState() } as unknown as ClusterHandle;
  return { cluster, clusterId: 'c1', kind: 'flag', target: { kind: 'url', url, scope: '' } };
}

describe('recordings', () => {
  it('a probe that fails leaves the raw metrics to answer, and is probed again next time', async () => {
    const s = source(`http://127.0.0.1:${await closedPort()}`);
    await expect(recordingsFor(s, '5m', createDeadline(2000))).resolves.toEqual(new Set());
    expect(s.cluster.state.prometheusRecordings.due(RECORDINGS_KEPT)).toBe(true);
    s.cluster.state.close();
  });

  it("a chart reads the recordings reaching back over its range and its first point's window", async () => {
    const s = source('http://127.0.0.1:9');
    const by = (span: string): Recorded => new Set([`istio_requests_total@${span}`]) as unknown as Recorded;
    const kept: Recordings = new Map(['1m', '5m', '15m', '1h', '6h'].map((span) => [span as '1m', by(span)]));
    s.cluster.state.prometheusRecordings.keep(kept, Date.now(), `${describeTarget(s.target)}${s.target.scope}`);
    const chart = (range: '15m' | '1h' | '6h', window: '1m' | '5m' | '1h') => recordingsForChart(s, range, window, createDeadline(1000));
    expect(await chart('15m', '5m')).toEqual(by('1h'));
    expect(await chart('15m', '1h')).toEqual(by('6h'));
    expect(await chart('6h', '5m')).toEqual(by('6h'));
    s.cluster.state.close();
  });
});
