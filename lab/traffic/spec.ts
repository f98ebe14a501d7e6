/**
 * The scenario's `traffic:` section: what each caller sends to each service. The lab turns it into
 * flows (flows.ts) and Istio's standard metrics (metrics.ts); nothing else is declared per endpoint.
 */
import { z } from 'zod';

const dnsName = z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a DNS-1123 name');

export const TrafficSpec = z.object({
  /** The calling workloads: every pod of `app` in `namespace` (in `cluster` only, when given). */
  from: z.object({ cluster: dnsName.optional(), namespace: dnsName, app: dnsName }),
  /** "<service>.<namespace>": the caller resolves it as Istio does, across every cluster its istiod reads. */
  to: z.string().regex(/^[a-z0-9-]+\.[a-z0-9-]+$/, 'must be "<service>.<namespace>"'),
  /** Requests (or, for tcp, connections) per second, summed over the caller's pods. */
  rps: z.number().min(0),
  protocol: z.enum(['http', 'grpc', 'tcp']).default('http'),
  /** Share of requests the destination answers with an error (5xx; gRPC: status `grpcStatus`). */
  errorRatio: z.number().min(0).max(1).default(0),
  errorCode: z.number().int().min(500).max(599).default(500),
  grpcStatus: z.number().int().min(1).max(16).default(14),
  /** Latency the caller sees, log-normal: median and 99th percentile in ms. */
  latencyMs: z.object({ p50: z.number().positive(), p99: z.number().positive() }).default({ p50: 10, p99: 50 }),
  /** tcp: bytes per second each way. */
  bytesPerSecond: z.object({ sent: z.number().min(0), received: z.number().min(0) }).default({ sent: 0, received: 0 }),
});

export type TrafficSpec = z.output<typeof TrafficSpec>;
