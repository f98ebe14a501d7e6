/**
 * Parsers for what the trace reads beyond the other pages: istiod's /debug/endpointShardz (one
 * service's shards) and the route in an Envoy /config_dump that carries a host and port.
 * Everything here is untrusted input: unknown fields are ignored, wrong types become defaults.
 */
import { arrayAt, isObject, numberAt, objectAt, parseJsonObject, stringAt } from '../istio/json';
import type { RouteReading, ShardEndpoint } from './types';

/**
 * istiod `/debug/endpointShardz`: `{hostname: {namespace: {Shards: {"<registry>/<clusterID>": [IstioEndpoint]}}}}`
 * (pilot/pkg/model/endpointshards.go). Returns the shards of one service by Istio cluster ID; a
 * service istiod does not know gives `{}`.
 */
export function parseEndpointShardz(body: string, istiodPod: string, host: string, namespace: string): Record<string, ShardEndpoint[]> {
  const root = parseJsonObject(body, `istiod ${istiodPod} /debug/endpointShardz`);
  const shards = objectAt(objectAt(objectAt(root, host), namespace), 'Shards');
  const out: Record<string, ShardEndpoint[]> = {};
  for (const [key, list] of Object.entries(shards)) {
    const clusterId = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    out[clusterId] = (Array.isArray(list) ? list : []).filter(isObject).map((ep) => {
      const addresses = arrayAt(ep, 'Addresses').filter((a): a is string => typeof a === 'string');
      const labels = objectAt(ep, 'Labels');
      return {
        // 1.24+ lists Addresses; before, a single Address.
        address: addresses[0] ?? stringAt(ep, 'Address'),
        port: numberAt(ep, 'EndpointPort'),
        portName: stringAt(ep, 'ServicePortName'),
        network: stringAt(ep, 'Network'),
        // HealthStatus: 1 healthy, 2 unhealthy, 3 draining, 4 terminating (0 = unset, counted healthy).
        healthy: [0, 1].includes(numberAt(ep, 'HealthStatus')),
        tlsMode: stringAt(ep, 'TLSMode'),
        labels: Object.fromEntries(Object.entries(labels).filter((e): e is [string, string] => typeof e[1] === 'string')),
      };
    });
  }
  return out;
}

/** The short names a virtual host domain list may carry for a service host. */
function hostMatches(domains: string[], host: string, port: number): boolean {
  return domains.some((d) => d === host || d === `${host}:${port}`);
}

/**
 * The route that carries `host:port` in an Envoy `/config_dump`: the listener 0.0.0.0_<port>, its RDS
 * route configuration and the virtual host whose domains hold the host; null when none does (TCP
 * services, or the proxy has no such route).
 */
export function parseRoute(body: string, host: string, port: number): RouteReading | null {
  const root = parseJsonObject(body, 'Envoy /config_dump');
  const configs = arrayAt(root, 'configs').filter(isObject);
  const routes = configs.find((c) => stringAt(c, '@type').endsWith('.RoutesConfigDump'));
  const listeners = configs.find((c) => stringAt(c, '@type').endsWith('.ListenersConfigDump'));
  const listenerName = `0.0.0.0_${port}`;
  const listener = arrayAt(listeners, 'dynamic_listeners').filter(isObject).find((l) => stringAt(l, 'name') === listenerName);
  for (const rc of arrayAt(routes, 'dynamic_route_configs').filter(isObject)) {
    const config = objectAt(rc, 'route_config');
    for (const vh of arrayAt(config, 'virtual_hosts').filter(isObject)) {
      const domains = arrayAt(vh, 'domains').filter((d): d is string => typeof d === 'string');
      if (!hostMatches(domains, host, port)) continue;
      const route = arrayAt(vh, 'routes').filter(isObject)[0];
      const action = objectAt(route, 'route');
      const weighted = arrayAt(objectAt(action, 'weighted_clusters'), 'clusters').filter(isObject);
      const destinations = weighted.length > 0 ? weighted.map((w) => ({ cluster: stringAt(w, 'name'), weight: numberAt(w, 'weight') })) : [{ cluster: stringAt(action, 'cluster'), weight: 100 }];
      const config = stringAt(objectAt(objectAt(objectAt(route, 'metadata'), 'filter_metadata'), 'istio'), 'config');
      return {
        listener: listener ? listenerName : '',
        routeConfig: stringAt(objectAt(rc, 'route_config'), 'name'),
        virtualHost: stringAt(vh, 'name'),
        destinations: destinations.filter((d) => d.cluster !== ''),
        virtualService: config ? config.split('/').slice(-3).filter((_, i) => i !== 1).join('/') : null,
      };
    }
  }
  return null;
}
