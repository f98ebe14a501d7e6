/**
 * istiod `/debug/clusterz`: `[{id, secretName, syncStatus}]`, the rows of `istioctl remote-clusters`
 * for one istiod replica (istio.md §1.2). The first row is the istiod's own cluster (secretName "").
 */
import type { RemoteClusterRow } from '../types/api';
import { isObject, parseJsonArray, stringAt } from './json';

/**
 * Parses one istiod replica's `/debug/clusterz` body into remote-cluster rows, in response order.
 * @param istiodPod name of the istiod pod that answered (the ISTIOD column)
 * @param revision that pod's `istio.io/rev` label ("default" when absent)
 * @throws BadResponseError when the body is not a JSON array
 */
export function parseClusterz(body: string, istiodPod: string, revision: string): RemoteClusterRow[] {
  return parseJsonArray(body, `istiod ${istiodPod} /debug/clusterz`)
    .filter(isObject)
    .filter((entry) => typeof entry.id === 'string')
    .map((entry) => ({
      name: entry.id as string,
      secret: stringAt(entry, 'secretName'),
      status: stringAt(entry, 'syncStatus'),
      istiod: istiodPod,
      revision,
    }));
}
