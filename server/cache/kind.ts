import 'server-only';
import type { z } from 'zod';
import type { ListMetadata } from '../k8s/list-json';
import { shaped } from '../k8s/shapes';

/**
 * One kind Isthmus reads, declared once (declareKind): where it is listed and watched, and what is kept
 * of each object: its shape is checked (an API server is untrusted input), then only the fields Isthmus
 * uses are kept, so memory grows with what is shown, not with what the API server sends.
 */
export interface KindDeclaration<T> {
  /** Names the kind in errors and watch state ("pods"); the SourceError source when it fails. */
  name: string;
  /** Cluster-wide (or one-namespace) list path, e.g. "/api/v1/pods". */
  path: string;
  labelSelector?: string;
  /**
   * A kind whose API may not exist in a cluster (a CRD not installed): its list answering 404 means none
   * of it, synced and empty, looked for again now and then, not an error of the cluster's watch state.
   */
  optional?: boolean;
  /** The object's shape, checked on every list (its items) and watch event. */
  shape: z.ZodType;
  /**
   * Reads a list page in Kubernetes' protobuf (its objects as the shape would give them, each handed to
   * `each`; returns the list metadata): the kind's lists are then asked for in protobuf, JSON accepted.
   */
  protobuf?: ProtobufListReader<unknown>;
  /** The kept fields of one object of the shape, or null when the object is of no interest. */
  keep(object: unknown): T | null;
  /** shape then keep, for one object of a watch event; throws on a bad shape. */
  ingest(object: unknown): T | null;
}

/** A decoder of a kind's protobuf list pages (server/k8s/pod-protobuf.ts). Malformed input throws BadResponseError. */
export type ProtobufListReader<O> = (body: Buffer, what: string, each: (object: O) => void) => ListMetadata | undefined;

export function declareKind<S extends z.ZodType, T>(kind: {
  name: string;
  path: string;
  labelSelector?: string;
  optional?: boolean;
  shape: S;
  protobuf?: ProtobufListReader<z.output<S>>;
  keep(object: z.output<S>): T | null;
}): KindDeclaration<T> {
  const keep = (object: unknown) => kind.keep(object as z.output<S>);
  return { ...kind, protobuf: kind.protobuf as ProtobufListReader<unknown> | undefined, keep, ingest: (object) => keep(shaped(kind.shape, object, kind.name)) };
}

/** An object's key in a kind's kept map: namespace/name (cluster-scoped objects: /name). */
export const keyOf = (o: { metadata?: { namespace?: string; name?: string } }) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
