import 'server-only';
import type { z } from 'zod';
import { BadResponseError } from '@/lib/istio/errors';
import type { ListMetadata } from '../k8s/list-json';
import { listShape, shaped } from '../k8s/shapes';
import { keyOf, type KindDeclaration } from './kind';

/** One page of a list as the cache keeps it: each object's key and kept fields, and the page's list metadata. */
export interface KeptPage<T> {
  kept: Array<[string, T]>;
  metadata?: ListMetadata;
}

const listShapes = new WeakMap<KindDeclaration<unknown>, z.ZodType>();

/**
 * A page's body parsed, checked against the kind's shape and cut to the kept fields. Pure (no I/O, no
 * state but a memo): a list parser thread runs it (list-parsers.ts), and the main thread when there is
 * none. A body that is not JSON of the shape throws (SyntaxError, BadResponseError naming the field).
 */
export function keepPage<T>(kind: KindDeclaration<T>, body: Uint8Array, what: string): KeptPage<T> {
  let shape = listShapes.get(kind);
  if (!shape) listShapes.set(kind, (shape = listShape(kind.shape)));
  const text = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  const page = shaped(shape, JSON.parse(text), what) as { items?: Array<{ metadata?: { namespace?: string; name?: string } }>; metadata?: ListMetadata };
  const kept: Array<[string, T]> = [];
  for (const object of page.items ?? []) keepInto(kept, kind, object);
  return { kept, metadata: page.metadata };
}

/**
 * A page in Kubernetes' protobuf, read by the kind's decoder (which checks as strictly as the shape)
 * and cut to the kept fields as it goes: no parsed page is ever whole in memory.
 */
export function keepProtobufPage<T>(kind: KindDeclaration<T>, body: Buffer, what: string): KeptPage<T> {
  if (!kind.protobuf) throw new BadResponseError(what, `the body: protobuf, which was not asked for ${kind.name}`);
  const kept: Array<[string, T]> = [];
  const metadata = kind.protobuf(body, what, (object) => keepInto(kept, kind, object as Keyed));
  return { kept, metadata };
}

type Keyed = { metadata?: { namespace?: string; name?: string } };

function keepInto<T>(kept: Array<[string, T]>, kind: KindDeclaration<T>, object: Keyed): void {
  const entry = kind.keep(object);
  if (entry !== null) kept.push([keyOf(object), entry]);
}
