import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseEdsConfigDump, withEdsLocalities, type EdsEndpoint } from './config-dump';
import { endpointRows, parseEnvoyClusters } from './envoy-clusters';
import { BadResponseError } from './errors';
import { tabwrite } from './tabwriter';

const DIR = '/work/shared/fixtures/istio/envoy-config-dump-eds';
const dump = readFileSync(`${DIR}/configdump.json`, 'utf8');

/** `istioctl proxy-config eds` prints pipe paths bare and locality as region[/zone[/subzone]]. */
function edsTable(endpoints: EdsEndpoint[]): string {
  const locality = (e: EdsEndpoint) => [e.region, e.zone, e.subZone].join('/').replace(/\/+$/, '');
  return tabwrite([
    ['NAME', 'STATUS', 'LOCALITY', 'CLUSTER'],
    ...endpoints.map((e) => [`${e.address.replace(/^unix:\/\//, '')}${e.port !== null ? `:${e.port}` : ''}`, e.status, locality(e), e.cluster]),
  ]);
}

describe('parseEdsConfigDump', () => {
  const endpoints = parseEdsConfigDump(dump);

  it('reads every endpoint in istioctl proxy-config eds order (golden table)', () => {
    expect(edsTable(endpoints)).toBe(readFileSync(`${DIR}/emptyfilter_output.txt`, 'utf8'));
    expect(endpoints.find((e) => e.cluster === 'xds-grpc')).toMatchObject({ address: 'unix://./etc/istio/proxy/XDS', port: null, locality: '', weight: 1 });
  });

  it('ignores other config types, tolerates missing parts and rejects malformed dumps', () => {
    const body = JSON.stringify({
      configs: [
        { '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', dynamic_active_clusters: [] },
        {
          '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
          dynamic_endpoint_configs: [
            { endpoint_config: { cluster_name: 'outbound|9080||reviews.default.svc.cluster.local', endpoints: [{ locality: { region: 'r', zone: 'z' }, lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.0.0.1', port_value: 9080 } } } }, 7] }] } },
            { endpoint_config: { policy: {} } },
            'junk',
          ],
        },
      ],
    });
    expect(parseEdsConfigDump(body)).toEqual([
      { cluster: 'outbound|9080||reviews.default.svc.cluster.local', address: '10.0.0.1', port: 9080, status: 'UNKNOWN', locality: 'r/z/', region: 'r', zone: 'z', subZone: '', weight: 0 },
    ]);
    expect(parseEdsConfigDump('{"configs":[]}')).toEqual([]);
    for (const bad of [dump.slice(0, 1000), '[]', '{}', '{"configs":{}}', 'null']) expect(() => parseEdsConfigDump(bad)).toThrow(BadResponseError);
  });
});

describe('withEdsLocalities', () => {
  it('fills localities that /clusters lacks, matching Envoy cluster and ENDPOINT', () => {
    const clusters = parseEnvoyClusters(
      JSON.stringify({
        cluster_statuses: [
          {
            name: 'outbound|9080||reviews.default.svc.cluster.local',
            host_statuses: [
              { address: { socket_address: { address: '10.0.0.1', port_value: 9080 } }, locality: {} },
              { address: { socket_address: { address: '10.0.0.2', port_value: 9080 } }, locality: { region: 'own' } },
            ],
          },
        ],
      }),
    );
    const eds = [
      { cluster: 'outbound|9080||reviews.default.svc.cluster.local', address: '10.0.0.1', port: 9080, locality: 'us-east1/us-east1-b/' },
      { cluster: 'outbound|9080||reviews.default.svc.cluster.local', address: '10.0.0.2', port: 9080, locality: 'other//' },
    ] as EdsEndpoint[];
    expect(withEdsLocalities(endpointRows(clusters), eds).map((r) => r.locality)).toEqual(['us-east1/us-east1-b/', 'own//']);
  });
});
