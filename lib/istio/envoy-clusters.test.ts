import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyOutboundClusters, endpointRows, outboundHostAddresses, parseEnvoyClusters } from './envoy-clusters';
import { BadResponseError } from './errors';
import { endpointsTable } from './tables';

const FIXTURES = '/work/shared/fixtures/istio';
const clustersJson = readFileSync(`${FIXTURES}/synthesized/envoy-clusters.curl-cluster1.json`, 'utf8');
/** The golden file holds two `$ istioctl ...` commands, each followed by its table and a blank line. */
const goldenTables = readFileSync(`${FIXTURES}/synthesized/istioctl-pc-endpoints.curl-cluster1.txt`, 'utf8')
  .split(/^\$ .*\n/m)
  .slice(1)
  .map((t) => t.replace(/\n\n$/, '\n'));

describe('parseEnvoyClusters', () => {
  const clusters = parseEnvoyClusters(clustersJson);

  it('reads every cluster, including those without hosts', () => {
    expect(clusters.map((c) => [c.name, c.hosts.length])).toEqual([
      ['outbound|5000||helloworld.sample.svc.cluster.local', 2],
      ['outbound|9080||reviews.default.svc.cluster.local', 3],
      ['BlackHoleCluster', 0],
      ['xds-grpc', 1],
    ]);
  });

  it('reads addresses, health, outlier flag, weight, locality and stats', () => {
    const reviews = clusters[1].hosts;
    expect(reviews[0]).toEqual({
      address: '10.0.5.31',
      port: 9080,
      status: 'HEALTHY',
      failedOutlierCheck: true,
      weight: 1,
      locality: 'us-east1/us-east1-b/',
      rqTotal: 40,
      rqError: 31,
      cxActive: 0,
    });
    expect(reviews[1].status).toBe('DRAINING');
    expect(reviews[2].weight).toBe(2);
    expect(clusters[0].hosts[0].cxActive).toBe(1);
    expect(clusters[3].hosts[0]).toMatchObject({ address: 'unix://./etc/istio/proxy/XDS', port: null, locality: '' });
  });

  it('prints the golden `istioctl proxy-config endpoints` tables byte for byte', () => {
    expect(endpointsTable(endpointRows(clusters))).toBe(goldenTables[0]);
    expect(endpointsTable(endpointRows(clusters, { cluster: 'outbound|5000||helloworld.sample.svc.cluster.local' }))).toBe(
      goldenTables[1],
    );
  });

  it('tolerates numeric and missing stats, missing health, locality, weight and internal addresses', () => {
    const body = JSON.stringify({
      cluster_statuses: [
        {
          name: 'c',
          future_field: { x: 1 },
          host_statuses: [
            { address: { socket_address: { address: '10.1.1.1', port_value: 80 } }, stats: [{ name: 'rq_total', value: 7 }, { name: 'rq_error' }] },
            { address: { envoy_internal_address: { server_listener_name: 'connect_originate', endpoint_id: '10.1.1.2:80' } } },
            { address: { socket_address: { address: '10.1.1.3' } }, health_status: { eds_health_status: 'TIMEOUT' }, stats: 'nope' },
            { address: {}, health_status: { eds_health_status: 'WEIRD' } },
          ],
        },
      ],
    });
    const rows = endpointRows(parseEnvoyClusters(body));
    expect(rows.map((r) => [r.endpoint, r.status, r.weight, r.locality, r.rqTotal, r.rqError])).toEqual([
      ['10.1.1.1:80', 'UNKNOWN', 0, '', 7, 0],
      ['10.1.1.3', 'TIMEOUT', 0, '', 0, 0],
      ['envoy://connect_originate/10.1.1.2:80', 'UNKNOWN', 0, '', 0, 0],
      ['unknown', 'UNKNOWN', 0, '', 0, 0],
    ]);
  });

  it('treats an empty object and empty arrays as no clusters', () => {
    expect(parseEnvoyClusters('{}')).toEqual([]);
    expect(parseEnvoyClusters('{"cluster_statuses":[]}')).toEqual([]);
    expect(parseEnvoyClusters('{"cluster_statuses":[{"name":"x","host_statuses":[]}, 3, {"name": 5}]}')).toEqual([
      { name: 'x', hosts: [] },
    ]);
  });

  it('throws BadResponseError on malformed bodies without echoing them', () => {
    for (const body of [clustersJson.slice(0, 200), '', '<html>secret-token</html>', '[]', '"x"', '{"cluster_statuses":{}}']) {
      let thrown: unknown;
      try {
        parseEnvoyClusters(body);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(BadResponseError);
      expect((thrown as Error).message).not.toContain('secret-token');
    }
  });
});

describe('endpointRows filters (istioctl EndpointFilter semantics)', () => {
  const clusters = parseEnvoyClusters(clustersJson);
  const endpoints = (filter: Parameters<typeof endpointRows>[1]) => endpointRows(clusters, filter).map((r) => `${r.endpoint} ${r.cluster}`);

  it('matches cluster names exactly but case-insensitively', () => {
    expect(endpoints({ cluster: 'OUTBOUND|9080||REVIEWS.DEFAULT.SVC.CLUSTER.LOCAL' })).toHaveLength(3);
    expect(endpoints({ cluster: 'outbound|9080||reviews' })).toEqual([]);
  });

  it('filters by port, status and address, AND-ed', () => {
    expect(endpoints({ port: 15443 })).toEqual([
      '34.122.91.98:15443 outbound|5000||helloworld.sample.svc.cluster.local',
      '34.122.91.98:15443 outbound|9080||reviews.default.svc.cluster.local',
    ]);
    expect(endpoints({ status: 'draining' })).toEqual(['10.0.5.32:9080 outbound|9080||reviews.default.svc.cluster.local']);
    expect(endpoints({ address: '34.122.91.98', cluster: 'outbound|5000||helloworld.sample.svc.cluster.local' })).toEqual([
      '34.122.91.98:15443 outbound|5000||helloworld.sample.svc.cluster.local',
    ]);
    expect(endpoints({ address: 'unix://./etc/istio/proxy/XDS' })).toEqual(['unix://./etc/istio/proxy/XDS xds-grpc']);
    expect(endpoints({ status: 'healthy', port: 9080 })).toEqual(['10.0.5.31:9080 outbound|9080||reviews.default.svc.cluster.local']);
  });

  it('sorts by address string, then numeric port, then cluster', () => {
    const body = JSON.stringify({
      cluster_statuses: [
        { name: 'b', host_statuses: [{ address: { socket_address: { address: '10.0.0.9', port_value: 10000 } } }] },
        { name: 'a', host_statuses: [{ address: { socket_address: { address: '10.0.0.9', port_value: 9 } } }] },
        { name: 'a', host_statuses: [{ address: { socket_address: { address: '10.0.0.10', port_value: 10000 } } }] },
        { name: 'a', host_statuses: [{ address: { socket_address: { address: '10.0.0.9', port_value: 10000 } } }] },
      ],
    });
    expect(endpointRows(parseEnvoyClusters(body)).map((r) => `${r.endpoint} ${r.cluster}`)).toEqual([
      '10.0.0.10:10000 a',
      '10.0.0.9:9 a',
      '10.0.0.9:10000 a',
      '10.0.0.9:10000 b',
    ]);
  });
});

describe('emptyOutboundClusters', () => {
  const clusters = [
    { name: 'outbound|9080||ratings.default.svc.cluster.local', hosts: [] },
    { name: 'outbound|9080||reviews.default.svc.cluster.local', hosts: [{ address: '10.0.0.1', port: 9080, status: 'HEALTHY' as const, failedOutlierCheck: false, weight: 1, locality: '', rqTotal: 0, rqError: 0, cxActive: 0 }] },
    { name: 'BlackHoleCluster', hosts: [] },
    { name: 'inbound|9080||', hosts: [] },
  ];
  it('lists outbound clusters without any endpoint (istioctl prints no row for them)', () => {
    expect(emptyOutboundClusters(clusters)).toEqual(['outbound|9080||ratings.default.svc.cluster.local']);
    expect(emptyOutboundClusters(clusters, { cluster: 'OUTBOUND|9080||ratings.default.svc.cluster.local' })).toHaveLength(1);
    expect(emptyOutboundClusters(clusters, { cluster: 'outbound|9080||reviews.default.svc.cluster.local' })).toEqual([]);
    // Endpoint filters select endpoints: an empty cluster has none to match.
    expect(emptyOutboundClusters(clusters, { port: 9080 })).toEqual([]);
  });
});

describe('outboundHostAddresses', () => {
  it('lists the host addresses of outbound clusters only', () => {
    const body = JSON.stringify({
      cluster_statuses: [
        { name: 'outbound|9080||reviews.default.svc.cluster.local', host_statuses: [{ address: { socket_address: { address: '10.1.0.7', port_value: 9080 } } }, { address: { socket_address: { address: '172.40.143.192', port_value: 15443 } } }] },
        { name: 'inbound|9080||', host_statuses: [{ address: { socket_address: { address: '127.0.0.6', port_value: 9080 } } }] },
      ],
    });
    expect(outboundHostAddresses(body)).toEqual(['10.1.0.7', '172.40.143.192']);
    expect(() => outboundHostAddresses('{"cluster_statuses": 3}')).toThrow(/not an array/);
  });
});
