/**
 * Server-side printing: the meta.k8s.io/v1 Table that kubectl asks for, with kubectl's columns.
 * Cells are what kubectl's own printers (pkg/printers/internalversion) compute.
 */
import type { KubeObject, ResourceType } from '../world';
import { withKind } from './discovery';

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date';
  format?: string;
  priority?: number; // 1 = shown only with -o wide
  cell: (o: KubeObject, now: number) => string | number;
}

/** kubectl's duration.HumanDuration (k8s.io/apimachinery/pkg/util/duration). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  const years = Math.trunc(hours / 24 / 365);
  if (hours < 24 * 365 * 8) {
    const d = Math.trunc(hours / 24) % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

// Loosely typed accessors: objects are JSON from the world.
const spec = (o: KubeObject): any => (o.spec ?? {}) as any;
const status = (o: KubeObject): any => (o.status ?? {}) as any;

function formatSelector(selector: Record<string, string> | undefined): string {
  const keys = Object.keys(selector ?? {}).sort();
  return keys.length ? keys.map((k) => `${k}=${selector![k]}`).join(',') : '<none>';
}

const nameColumn: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name };
const ageColumn: Column = {
  name: 'Age',
  type: 'string',
  cell: (o, now) => humanDuration(now - Date.parse(o.metadata.creationTimestamp)),
};

function podStatus(o: KubeObject): string {
  const st = status(o);
  if (o.metadata && (o.metadata as any).deletionTimestamp) return 'Terminating';
  let reason: string = st.reason || st.phase || 'Unknown';
  const initStatuses: any[] = st.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    if (cs.state?.terminated?.exitCode === 0) continue;
    if (cs.state?.waiting?.reason && cs.state.waiting.reason !== 'PodInitializing') return `Init:${cs.state.waiting.reason}`;
    return `Init:${i}/${(spec(o).initContainers ?? []).length}`;
  }
  for (const cs of (st.containerStatuses ?? []) as any[]) {
    if (cs.state?.waiting?.reason) reason = cs.state.waiting.reason;
    else if (cs.state?.terminated?.reason) reason = cs.state.terminated.reason;
  }
  return reason;
}

/** "3 (5m ago)" as the API server prints restarts since Kubernetes 1.24. */
function podRestarts(o: KubeObject, now: number): string {
  let restarts = 0;
  let lastFinished = 0;
  for (const cs of (status(o).containerStatuses ?? []) as any[]) {
    restarts += cs.restartCount ?? 0;
    const finished = Date.parse(cs.lastState?.terminated?.finishedAt ?? '');
    if (finished > lastFinished) lastFinished = finished;
  }
  return restarts > 0 && lastFinished > 0 ? `${restarts} (${humanDuration(now - lastFinished)} ago)` : String(restarts);
}

function servicePorts(o: KubeObject): string {
  const ports: any[] = spec(o).ports ?? [];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function serviceExternalIp(o: KubeObject): string {
  const s = spec(o);
  const externalIps: string[] = s.externalIPs ?? [];
  switch (s.type ?? 'ClusterIP') {
    case 'LoadBalancer': {
      const ingress: any[] = status(o).loadBalancer?.ingress ?? [];
      const addresses = [...ingress.map((i) => i.ip || i.hostname).filter(Boolean), ...externalIps];
      return addresses.length ? addresses.join(',') : '<pending>';
    }
    case 'ExternalName':
      return s.externalName ?? '<none>';
    default:
      return externalIps.length ? externalIps.join(',') : '<none>';
  }
}

/** "ip:port,ip:port + 2 more..." as kubectl prints Endpoints (at most three). */
function listWithMore(items: string[]): string {
  if (!items.length) return '<none>';
  const shown = items.slice(0, 3).join(',');
  return items.length > 3 ? `${shown} + ${items.length - 3} more...` : shown;
}

function endpointsCell(o: KubeObject): string {
  const items: string[] = [];
  for (const subset of ((o as any).subsets ?? []) as any[]) {
    const addresses: any[] = subset.addresses ?? [];
    const ports: any[] = subset.ports ?? [];
    if (!ports.length) items.push(...addresses.map((a) => a.ip)); // headless without ports
    for (const port of ports) items.push(...addresses.map((a) => `${a.ip}:${port.port}`));
  }
  return listWithMore(items);
}

function containers(o: KubeObject): any[] {
  return spec(o).template?.spec?.containers ?? [];
}

const workloadWide: Column[] = [
  { name: 'Containers', type: 'string', priority: 1, cell: (o) => containers(o).map((c) => c.name).join(',') },
  { name: 'Images', type: 'string', priority: 1, cell: (o) => containers(o).map((c) => c.image).join(',') },
  { name: 'Selector', type: 'string', priority: 1, cell: (o) => formatSelector(spec(o).selector?.matchLabels) },
];

const columnsByResource: Record<string, Column[]> = {
  pods: [
    nameColumn,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => {
        const ready = ((status(o).containerStatuses ?? []) as any[]).filter((c) => c.ready).length;
        return `${ready}/${(spec(o).containers ?? []).length}`;
      },
    },
    { name: 'Status', type: 'string', cell: podStatus },
    { name: 'Restarts', type: 'string', cell: podRestarts },
    ageColumn,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => status(o).podIP || '<none>' },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => spec(o).nodeName || '<none>' },
    { name: 'Nominated Node', type: 'string', priority: 1, cell: (o) => status(o).nominatedNodeName || '<none>' },
    {
      name: 'Readiness Gates',
      type: 'string',
      priority: 1,
      cell: (o) => {
        const gates: any[] = spec(o).readinessGates ?? [];
        if (!gates.length) return '<none>';
        const conditions: any[] = status(o).conditions ?? [];
        const ready = gates.filter((g) => conditions.some((c) => c.type === g.conditionType && c.status === 'True')).length;
        return `${ready}/${gates.length}`;
      },
    },
  ],
  services: [
    nameColumn,
    { name: 'Type', type: 'string', cell: (o) => spec(o).type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => spec(o).clusterIP || '<none>' },
    { name: 'External-IP', type: 'string', cell: serviceExternalIp },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
    ageColumn,
    { name: 'Selector', type: 'string', priority: 1, cell: (o) => formatSelector(spec(o).selector) },
  ],
  namespaces: [nameColumn, { name: 'Status', type: 'string', cell: (o) => status(o).phase ?? 'Active' }, ageColumn],
  endpoints: [nameColumn, { name: 'Endpoints', type: 'string', cell: endpointsCell }, ageColumn],
  deployments: [
    nameColumn,
    { name: 'Ready', type: 'string', cell: (o) => `${status(o).readyReplicas ?? 0}/${spec(o).replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => status(o).updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => status(o).availableReplicas ?? 0 },
    ageColumn,
    ...workloadWide,
  ],
  replicasets: [
    nameColumn,
    { name: 'Desired', type: 'integer', cell: (o) => spec(o).replicas ?? 1 },
    { name: 'Current', type: 'integer', cell: (o) => status(o).replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (o) => status(o).readyReplicas ?? 0 },
    ageColumn,
    ...workloadWide,
  ],
  configmaps: [nameColumn, { name: 'Data', type: 'integer', cell: (o) => Object.keys((o as any).data ?? {}).length + Object.keys((o as any).binaryData ?? {}).length }, ageColumn],
  secrets: [
    nameColumn,
    { name: 'Type', type: 'string', cell: (o) => String((o as any).type ?? 'Opaque') },
    { name: 'Data', type: 'integer', cell: (o) => Object.keys((o as any).data ?? {}).length },
    ageColumn,
  ],
  endpointslices: [
    nameColumn,
    { name: 'AddressType', type: 'string', cell: (o) => String((o as any).addressType ?? '') },
    {
      name: 'Ports',
      type: 'string',
      cell: (o) => {
        const ports: any[] = (o as any).ports ?? [];
        return ports.length ? ports.map((p) => p.port).join(',') : '<unset>';
      },
    },
    {
      name: 'Endpoints',
      type: 'string',
      cell: (o) => listWithMore((((o as any).endpoints ?? []) as any[]).flatMap((e) => e.addresses ?? [])).replace('<none>', '<unset>'),
    },
    ageColumn,
  ],
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  type: ResourceType,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  includeObject: IncludeObject,
  now = Date.now(),
): Record<string, unknown> {
  const columns = columnsByResource[type.resource] ?? [nameColumn, ageColumn];
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: '',
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => ({
      cells: columns.map((c) => c.cell(o, now)),
      object:
        includeObject === 'None'
          ? undefined
          : includeObject === 'Object'
            ? withKind(type, o)
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
    })),
  };
}
