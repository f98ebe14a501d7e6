import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseClusterz } from './clusterz';
import { BadResponseError } from './errors';
import { parseNetworkz } from './networkz';
import { overallStatus, parseSyncz, proxySyncCounts, xdsStatus } from './syncz';
import { istioVersionFromImage } from './version';

const SYNTH = '/work/shared/fixtures/istio/synthesized';
const read = (name: string) => readFileSync(`${SYNTH}/${name}`, 'utf8');

/** Every parser must report these as BadResponseError. */
const MALFORMED = ['', '[{"id":"cluster1",', '{"id":"x"}', '"text"', '42', '<html>401</html>'];

describe('parseClusterz', () => {
  it('reads the rows of one istiod in response order', () => {
    expect(parseClusterz(read('debug-clusterz.istiod-cluster1.json'), 'istiod-6696b6844d-cwj44', 'default')).toEqual([
      { name: 'cluster1', secret: '', status: 'synced', istiod: 'istiod-6696b6844d-cwj44', revision: 'default' },
      { name: 'cluster2', secret: 'istio-system/istio-remote-secret-cluster2', status: 'synced', istiod: 'istiod-6696b6844d-cwj44', revision: 'default' },
      { name: 'cluster3', secret: 'istio-system/istio-remote-secret-cluster3', status: 'timeout', istiod: 'istiod-6696b6844d-cwj44', revision: 'default' },
    ]);
  });

  it('tolerates null, empty arrays, wrong entries and unknown fields', () => {
    expect(parseClusterz('null', 'i', 'default')).toEqual([]);
    expect(parseClusterz('[]', 'i', 'default')).toEqual([]);
    expect(parseClusterz('[1, null, {"id": 3}, {"id":"c","extra":true,"syncStatus":7}]', 'i', 'r')).toEqual([
      { name: 'c', secret: '', status: '', istiod: 'i', revision: 'r' },
    ]);
  });

  it('throws BadResponseError on malformed bodies', () => {
    for (const body of MALFORMED) expect(() => parseClusterz(body, 'i', 'default')).toThrow(BadResponseError);
  });
});

describe('parseSyncz', () => {
  it('computes per-type states and the overall state from the fixture', () => {
    const rows = parseSyncz(read('debug-syncz.istiod-cluster1.json'), 'istiod-1');
    expect(rows.map((r) => [r.name, r.cluster, r.proxyType, r.version, r.types, r.overall])).toEqual([
      [
        'curl-754684654f-n6bzf.sample',
        'cluster1',
        'sidecar',
        '1.26.2',
        // A 1.23+ istiod lists the watched types only: ECDS was never subscribed (istioctl's IGNORED).
        { CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'SYNCED', ECDS: 'IGNORED' },
        'SYNCED',
      ],
      [
        'istio-eastwestgateway-6d9c5b7f8d-x2k4q.istio-system',
        'cluster1',
        'router',
        '1.26.2',
        { CDS: 'ERROR', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'IGNORED', ECDS: 'IGNORED' },
        'ERROR',
      ],
    ]);
    expect(rows.every((r) => r.istiod === 'istiod-1')).toBe(true);
    // Every subscribed type in istioctl's order (core types, then by type URL), with the time of its last push.
    expect(rows[0].resources.map((r) => [r.type, r.status, r.sentAt])).toEqual([
      ['CDS', 'SYNCED', '2025-06-01T10:15:02.518Z'],
      ['LDS', 'SYNCED', '2025-06-01T10:15:02.530Z'],
      ['EDS', 'SYNCED', '2025-06-01T10:16:40.101Z'],
      ['RDS', 'SYNCED', '2025-06-01T10:15:02.541Z'],
      ['SDS', 'SYNCED', '2025-06-01T10:14:59.002Z'],
    ]);
    expect(proxySyncCounts(rows)).toEqual({ SYNCED: 1, 'NOT SENT': 0, STALE: 0, ERROR: 1 });
  });

  it('reads nonces from `resources` when the flat fields are absent', () => {
    const body = JSON.stringify([
      { proxy: 'p.ns', resources: { 'type.googleapis.com/envoy.config.cluster.v3.Cluster': { sent: 'a', acked: 'b' } } },
    ]);
    expect(parseSyncz(body, 'i')[0].types.CDS).toBe('STALE');
  });

  it('applies istioctl\'s rules in order', () => {
    expect(xdsStatus('a', 'b', 'nack', 'sidecar')).toBe('ERROR');
    expect(xdsStatus('', '', '', 'sidecar')).toBe('NOT SENT');
    expect(xdsStatus('', '', '', 'ztunnel')).toBe('IGNORED');
    expect(xdsStatus('a', 'a', '', 'ztunnel')).toBe('SYNCED');
    expect(xdsStatus('a', '', '', 'sidecar')).toBe('STALE (Never Acknowledged)');
    expect(xdsStatus('a', 'b', '', 'sidecar')).toBe('STALE');
    expect(overallStatus({ CDS: 'IGNORED', LDS: 'IGNORED', EDS: 'IGNORED', RDS: 'IGNORED', ECDS: 'IGNORED' })).toBe('SYNCED');
    expect(overallStatus({ CDS: 'SYNCED', LDS: 'STALE (Never Acknowledged)', EDS: 'NOT SENT', RDS: 'IGNORED', ECDS: 'SYNCED' })).toBe('STALE');
    // ECDS (and RDS on some gateways) is never sent: a proxy synced on the rest is SYNCED.
    expect(overallStatus({ CDS: 'SYNCED', LDS: 'SYNCED', EDS: 'SYNCED', RDS: 'SYNCED', ECDS: 'NOT SENT' })).toBe('SYNCED');
    expect(overallStatus({ CDS: 'NOT SENT', LDS: 'NOT SENT', EDS: 'NOT SENT', RDS: 'NOT SENT', ECDS: 'NOT SENT' })).toBe('NOT SENT');
  });

  it('tolerates empty arrays, entries without a proxy id and wrong field types', () => {
    expect(parseSyncz('[]', 'i')).toEqual([]);
    const rows = parseSyncz('[{}, 5, {"proxy":"p.ns","cluster_sent":5,"resources":[],"istio_version":null}]', 'i');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ name: 'p.ns', cluster: '', version: '', proxyVersion: '', overall: 'NOT SENT' });
  });

  it('throws BadResponseError on malformed bodies', () => {
    for (const body of MALFORMED) expect(() => parseSyncz(body, 'i')).toThrow(BadResponseError);
    const truncated = read('debug-syncz.istiod-cluster1.json').slice(0, 500);
    expect(() => parseSyncz(truncated, 'i')).toThrow(BadResponseError);
  });
});

describe('parseNetworkz', () => {
  it('reads the resolved gateways', () => {
    expect(parseNetworkz(read('debug-networkz.istiod-cluster1.json'), 'i')).toEqual([
      { network: 'network1', cluster: 'cluster1', address: '34.75.71.237', port: 15443, hbonePort: 0 },
      { network: 'network2', cluster: 'cluster2', address: '34.122.91.98', port: 15443, hbonePort: 0 },
    ]);
  });

  it('accepts 1.20-era entries without HBONEPort, skips entries without an address, rejects malformed bodies', () => {
    expect(parseNetworkz('[{"Network":"n","Cluster":"c","Addr":"1.2.3.4","Port":15443},{"Network":"x"}]', 'i')).toEqual([
      { network: 'n', cluster: 'c', address: '1.2.3.4', port: 15443, hbonePort: 0 },
    ]);
    for (const body of MALFORMED) expect(() => parseNetworkz(body, 'i')).toThrow(BadResponseError);
  });
});

describe('istioVersionFromImage', () => {
  it('reads the tag of istiod and proxy images', () => {
    expect(istioVersionFromImage('docker.io/istio/pilot:1.21.2')).toBe('1.21.2');
    expect(istioVersionFromImage('gcr.io/istio-release/proxyv2:1.22.0-distroless')).toBe('1.22.0');
    expect(istioVersionFromImage('localhost:5000/istio/pilot:1.23.1')).toBe('1.23.1');
    expect(istioVersionFromImage('istio/pilot:1.24.0@sha256:abcd')).toBe('1.24.0');
  });

  it('is null without a usable tag', () => {
    expect(istioVersionFromImage('localhost:5000/istio/pilot')).toBeNull();
    expect(istioVersionFromImage('istio/pilot@sha256:abcd')).toBeNull();
    expect(istioVersionFromImage('istio/pilot:latest')).toBeNull();
    expect(istioVersionFromImage('')).toBeNull();
    expect(istioVersionFromImage(undefined)).toBeNull();
  });
});
