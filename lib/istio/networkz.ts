/**
 * istiod `/debug/networkz`: the cross-network gateways istiod resolved (pilot/pkg/model/network.go
 * NetworkGateway, no json tags, so Go field names; istio.md §4.3).
 */
import { isObject, numberAt, parseJsonArray, stringAt } from './json';

export interface NetworkGateway {
  network: string;
  /** Istio cluster ID the gateway belongs to. */
  cluster: string;
  /** Address remote clients dial (the east-west LoadBalancer IP or hostname). */
  address: string;
  /** mTLS port, normally 15443. */
  port: number;
  /** HBONE port (ambient), 0 when none. */
  hbonePort: number;
}

/**
 * Parses an istiod `/debug/networkz` body.
 * @param istiodPod the istiod pod that answered, for the error source
 * @throws BadResponseError when the body is not a JSON array
 */
export function parseNetworkz(body: string, istiodPod: string): NetworkGateway[] {
  return parseJsonArray(body, `istiod ${istiodPod} /debug/networkz`)
    .filter(isObject)
    .map((gw) => ({
      network: stringAt(gw, 'Network'),
      cluster: stringAt(gw, 'Cluster'),
      address: stringAt(gw, 'Addr'),
      port: numberAt(gw, 'Port'),
      hbonePort: numberAt(gw, 'HBONEPort'),
    }))
    .filter((gw) => gw.address !== '');
}
