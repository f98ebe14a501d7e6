import 'server-only';
import type { z } from 'zod';
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
  for (const object of page.items ?? []) {
    const entry = kind.keep(object);
    if (entry !== null) kept.push([keyOf(object), entry]);
  }
  return { kept, metadata: page.metadata };
}
