import 'server-only';
import type { SourceError } from '@/lib/types/api';
import { toSourceError } from './k8s/errors';
import type { ClusterHandle } from './k8s/registry';

/**
 * Reading one cluster means several sources (pods, services, istiod...). A source that is forbidden,
 * missing or malformed becomes an entry in `errors` while the rest is shown; a failure that means the
 * cluster itself cannot be read (down, slow, bad TLS, rejected credentials) fails the whole cluster.
 */
export const CLUSTER_FATAL = new Set<SourceError['kind']>(['unreachable', 'timeout', 'tls', 'unauthorized']);

/** Whether an error means the cluster itself cannot be read (rather than one source of it). */
export function isClusterFatal(error: SourceError): boolean {
  return CLUSTER_FATAL.has(error.kind);
}

export class ClusterFailure extends Error {
  constructor(readonly error: SourceError) {
    super(error.message);
    this.name = 'ClusterFailure';
  }
}

export interface SourceReader {
  /** Kubernetes data: a cluster-level failure throws ClusterFailure; other failures give null and an entry in errors. */
  kube<T>(source: string, work: Promise<T>): Promise<T | null>;
  /** Optional source (istiod, Envoy): any failure gives null and an entry in errors. */
  optional<T>(source: string, work: Promise<T>): Promise<T | null>;
  errors: SourceError[];
}

export function sourceReader(cluster: ClusterHandle): SourceReader {
  const errors: SourceError[] = [];
  const describe = (err: unknown, source: string) => toSourceError(err, { cluster: cluster.name, server: cluster.server, source });
  return {
    errors,
    async kube(source, work) {
      try {
        return await work;
      } catch (err) {
        const e = describe(err, source);
        if (isClusterFatal(e)) throw new ClusterFailure(e);
        errors.push(e);
        return null;
      }
    },
    async optional(source, work) {
      try {
        return await work;
      } catch (err) {
        errors.push(describe(err, source));
        return null;
      }
    },
  };
}
