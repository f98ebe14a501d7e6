import 'server-only';
import { z } from 'zod';
import { BadResponseError } from '@/lib/istio/errors';

/**
 * The shapes of the Kubernetes objects we read, checked where they enter (an API server is untrusted
 * input). Only the fields the dashboard uses are kept: everything else (managedFields, a value nested
 * 100,000 levels deep in an annotation we never read) is dropped here, so nothing later can choke on it.
 * A field of the wrong type fails the whole read as `bad-response` naming the field.
 */

/** Kubernetes omits empty fields, but some servers send null: both mean absent. */
export const maybe = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === null ? undefined : v), schema.optional());
const text = maybe(z.string());
const stringMap = maybe(z.record(z.string(), z.string()));

const Metadata = z.object({
  name: text,
  namespace: text,
  labels: stringMap,
  annotations: stringMap,
});

const Container = z.object({
  name: z.string(),
  image: text,
  env: maybe(z.array(z.object({ name: z.string(), value: text }))),
});

export const PodShape = z.object({
  metadata: maybe(
    Metadata.extend({
      ownerReferences: maybe(z.array(z.object({ kind: z.string(), name: z.string(), controller: maybe(z.boolean()) }))),
    }),
  ),
  spec: maybe(
    z.object({
      containers: maybe(z.array(Container)),
      initContainers: maybe(z.array(Container)),
      nodeName: text,
      hostNetwork: maybe(z.boolean()),
    }),
  ),
  status: maybe(
    z.object({
      phase: text,
      podIP: text,
      conditions: maybe(z.array(z.object({ type: z.string(), status: z.string() }))),
    }),
  ),
});

/** A node's pod ranges (what pod-cidr-overlap reads); nothing else of a node is kept. */
export const NodeShape = z.object({
  metadata: maybe(Metadata),
  spec: maybe(z.object({ podCIDR: text, podCIDRs: maybe(z.array(z.string())) })),
});

export const ServiceShape = z.object({
  metadata: maybe(Metadata),
  spec: maybe(
    z.object({
      type: text,
      clusterIP: text,
      externalIPs: maybe(z.array(z.string())),
      selector: stringMap,
      ports: maybe(z.array(z.object({ name: text, port: z.number().int(), nodePort: maybe(z.number().int()), protocol: text }))),
    }),
  ),
  status: maybe(z.object({ loadBalancer: maybe(z.object({ ingress: maybe(z.array(z.object({ ip: text, hostname: text }))) })) })),
});

/** networking.istio.io Gateway: the selector and servers (port, TLS mode, hosts). */
export const IstioGatewayShape = z.object({
  metadata: maybe(Metadata),
  spec: maybe(
    z.object({
      selector: stringMap,
      servers: maybe(
        z.array(
          z.object({
            port: maybe(z.object({ number: maybe(z.number().int()), protocol: text, name: text })),
            tls: maybe(z.object({ mode: text })),
            hosts: maybe(z.array(z.string())),
          }),
        ),
      ),
    }),
  ),
});

/** networking.istio.io DestinationRule: its host and whether the traffic policy balances by locality / detects outliers. */
export const DestinationRuleShape = z.object({
  metadata: maybe(Metadata),
  spec: maybe(
    z.object({
      host: text,
      trafficPolicy: maybe(
        z.object({
          loadBalancer: maybe(z.object({ localityLbSetting: maybe(z.object({ enabled: maybe(z.boolean()) })) })),
          outlierDetection: maybe(z.object({})),
        }),
      ),
    }),
  ),
});

export const NamespaceShape = z.object({ metadata: maybe(Metadata) });

/** An Endpoints object (default/kubernetes: the API server addresses). */
export const EndpointsShape = z.object({
  subsets: maybe(z.array(z.object({ addresses: maybe(z.array(z.object({ ip: z.string() }))), ports: maybe(z.array(z.object({ port: z.number().int() }))) }))),
});

export const ConfigMapShape = z.object({ metadata: maybe(Metadata), data: stringMap });

/** GET /version (version.Info). */
export const VersionShape = z.object({ gitVersion: text });

export type KubePod = z.output<typeof PodShape>;
export type KubeService = z.output<typeof ServiceShape>;
export type KubeNamespace = z.output<typeof NamespaceShape>;
export type KubeConfigMap = z.output<typeof ConfigMapShape>;

/** One page of a List: items of the given shape and the paging fields. */
export function listShape<T extends z.ZodType>(item: T) {
  return z.object({
    items: maybe(z.array(item)),
    metadata: maybe(z.object({ resourceVersion: text, continue: text })),
  });
}

/** "items[3].spec.containers[0].image" for a zod issue path (and the protobuf reader's, protobuf.ts). */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key).slice(0, 60)}`;
  return out || 'the body';
}

/** Parses upstream JSON into a shape; a violation is a BadResponseError naming the field (never the value). */
export function shaped<T extends z.ZodType>(schema: T, value: unknown, source: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const want = issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.code.replace(/_/g, ' ');
  throw new BadResponseError(source, `${fieldPath(issue.path)}: ${want}`);
}
