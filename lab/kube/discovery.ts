/**
 * Plain (non-aggregated) discovery documents. kubectl first asks for the aggregated
 * APIGroupDiscoveryList but accepts these application/json answers and walks each group version.
 */
import type { KubeObject, ResourceType } from '../world';

export function groupVersion(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group ? `${type.group}/${type.version}` : type.version;
}

/** The object as served in `type`'s version (a CRD's stored apiVersion is the one it was written in). */
export function withKind(type: ResourceType, o: KubeObject): KubeObject {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = o;
  return { kind: type.kind, apiVersion: groupVersion(type), ...rest };
}

export function apiVersions() {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' }] };
}

export function apiGroupList(types: ResourceType[]) {
  const groups = new Map<string, Set<string>>();
  for (const t of types) if (t.group) groups.set(t.group, (groups.get(t.group) ?? new Set()).add(t.version));
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: [...groups].map(([name, versions]) => {
      const list = [...versions].map((version) => ({ groupVersion: `${name}/${version}`, version }));
      return { name, versions: list, preferredVersion: list[0] };
    }),
  };
}

/** null when no served type belongs to that group version. */
export function apiResourceList(types: ResourceType[], group: string, version: string) {
  const mine = types.filter((t) => t.group === group && t.version === version);
  if (!mine.length) return null;
  const verbs = ['get', 'list', 'watch'];
  const resources = mine.flatMap((t) => [
    { name: t.resource, singularName: t.kind.toLowerCase(), namespaced: t.namespaced, kind: t.kind, verbs, ...(t.shortNames ? { shortNames: t.shortNames } : {}) },
    ...(t.resource === 'pods'
      ? [
          { name: 'pods/portforward', singularName: '', namespaced: true, kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
          { name: 'pods/proxy', singularName: '', namespaced: true, kind: 'PodProxyOptions', verbs: ['get'] },
        ]
      : []),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion({ group, version }), resources };
}
