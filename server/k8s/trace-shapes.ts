import 'server-only';
import { z } from 'zod';
import { maybe } from './shapes';

/** Shapes of what the reachability trace reads beyond the inventory (see shapes.ts for why shapes). */

const text = maybe(z.string());
const Metadata = z.object({ name: text, namespace: text });

/** discovery.k8s.io/v1 EndpointSlice: addresses, readiness and the pod behind each endpoint. */
export const EndpointSliceShape = z.object({
  metadata: maybe(Metadata),
  ports: maybe(z.array(z.object({ name: text, port: maybe(z.number().int()) }))),
  endpoints: maybe(
    z.array(
      z.object({
        addresses: maybe(z.array(z.string())),
        conditions: maybe(z.object({ ready: maybe(z.boolean()) })),
        targetRef: maybe(z.object({ kind: text, name: text })),
      }),
    ),
  ),
});

/** Service with its ports' names (the trace matches shards and slices by port name). */
export const ServicePortsShape = z.object({
  metadata: maybe(Metadata),
  spec: maybe(
    z.object({
      selector: maybe(z.record(z.string(), z.string())),
      ports: maybe(z.array(z.object({ name: text, port: z.number().int(), targetPort: maybe(z.union([z.number().int(), z.string()])) }))),
    }),
  ),
});

/** An Istio config object (VirtualService, DestinationRule, PeerAuthentication, Gateway): the spec is checked where it is used. */
export const IstioConfigShape = z.object({ metadata: maybe(Metadata), spec: maybe(z.record(z.string(), z.unknown())) });
