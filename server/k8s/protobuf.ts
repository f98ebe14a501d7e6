import 'server-only';
import { isUtf8 } from 'node:buffer';
import { BadResponseError } from '@/lib/istio/errors';
import type { ListMetadata } from './list-json';
import { fieldPath } from './shapes';

/**
 * Reading Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`), which real API
 * servers answer for built-in kinds when asked first (client-go does): the 4-byte magic `k8s\0`, then a
 * runtime.Unknown {typeMeta, raw, contentEncoding, contentType} whose raw bytes are the object (a List).
 * Field numbers are Kubernetes' (k8s.io/api and apimachinery generated.proto; test/fixtures/kubernetes
 * holds the files and a test checks every number used here and in the decoders built on this).
 *
 * The body is untrusted: every length is checked against what is left of its message, wire types
 * against the field's, kept strings are valid UTF-8, and anything else is skipped by its length without
 * being looked at. A violation is a BadResponseError naming the field, as a JSON body's shape check does.
 */

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';
/** What we ask a list of a kind that has a protobuf decoder for: protobuf, JSON if the server has no protobuf for it (as client-go). */
export const PROTOBUF_OR_JSON = `${PROTOBUF_CONTENT_TYPE}, application/json`;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;
const WIRE_FIXED32 = 5;

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** runtime.Unknown and its runtime.TypeMeta (runtime/generated.proto: apiVersion 1, kind 2). */
export const UNKNOWN = { typeMeta: 1, raw: 2, contentEncoding: 3, contentType: 4 } as const;
export const RUNTIME_TYPE_META = { apiVersion: 1, kind: 2 } as const;
/** A List's fields (every core/v1 XList: metadata 1, items 2) and meta/v1 ListMeta's. */
export const LIST = { metadata: 1, items: 2 } as const;
export const LIST_META = { resourceVersion: 2, continue: 3 } as const;

/** Node's Buffer methods behind toString (not in its type definitions; present since Node 0.x). */
type FastSlices = Buffer & { latin1Slice(start: number, end: number): string; utf8Slice(start: number, end: number): string };

/** Short ASCII strings read, by hash: one string for each value that repeats across pods (most do). */
const interned = new Map<number, string>();
const INTERNED_MAX = 50_000;
const INTERNED_MAX_BYTES = 64;

function sameAscii(s: string, buf: Buffer, start: number, end: number): boolean {
  if (s.length !== end - start) return false;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

/** A malformed body: carries the field path so far; decodeList turns it into a BadResponseError. */
class Malformed extends Error {}

/**
 * A cursor over one message of the body. `path` names where it is (segments pushed by the decoders as
 * they enter a field) so an error can say "items[3].metadata.labels: …".
 */
export class ProtoReader {
  pos: number;
  readonly path: Array<string | number> = [];

  constructor(
    readonly buf: Buffer,
    pos: number,
    /** The end of the message being read: nothing past it belongs to it. */
    public end: number,
  ) {
    this.pos = pos;
  }

  fail(problem: string, field?: string | number): never {
    throw new Malformed(`${fieldPath(field === undefined ? this.path : [...this.path, field])}: ${problem}`);
  }

  /** An unsigned varint of up to 64 bits, as a number (exact to 2^53; above, only its being read matters). */
  varint(field?: string | number): number {
    const { buf, end } = this;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= end) this.fail('truncated varint', field);
      const b = buf[this.pos++];
      result += (b & 0x7f) * scale;
      if (b < 0x80) return result;
      scale *= 128;
    }
    this.fail('varint longer than 10 bytes', field);
  }

  /** A field's key: its number and wire type. 0 once the message ends. */
  tag(): number {
    if (this.pos >= this.end) return 0;
    const b = this.buf[this.pos];
    // Field numbers below 16 fit one byte: the common case.
    if (b < 0x80) {
      this.pos++;
      if (b >>> 3 === 0) this.fail('field number 0');
      return b;
    }
    const tag = this.varint();
    if (tag >>> 3 === 0 || tag > 0xffffffff) this.fail('invalid field number');
    return tag;
  }

  /** The end of a length-delimited field that starts here (its length read and checked). */
  lengthEnd(field: string | number): number {
    const length = this.varint(field);
    if (length > this.end - this.pos) this.fail(`length ${length} past the end of the message`, field);
    return this.pos + length;
  }

  /** Checks a kept field's wire type. */
  expect(tag: number, wire: number, field: string | number, what: string): void {
    if ((tag & 7) !== wire) this.fail(`expected ${what} (wire type ${wire}), got wire type ${tag & 7}`, field);
  }

  /** A UTF-8 string field (its tag already read and checked). */
  string(field: string): string {
    const end = this.lengthEnd(field);
    const { buf } = this;
    const start = this.pos;
    this.pos = end;
    if (end - start <= INTERNED_MAX_BYTES) {
      // Hash and check for ASCII in one pass; most short strings of a list repeat (label keys and
      // values, images, env, condition types): one string each, found again by hash and compared.
      let hash = 0x811c9dc5;
      let high = 0;
      for (let i = start; i < end; i++) {
        const b = buf[i];
        high |= b;
        hash = Math.imul(hash ^ b, 0x01000193);
      }
      if (high < 0x80) {
        const key = (hash ^ (end - start)) & 0x3fffffff;
        const known = interned.get(key);
        if (known !== undefined && sameAscii(known, buf, start, end)) return known;
        const made = (buf as FastSlices).latin1Slice(start, end);
        if (interned.size >= INTERNED_MAX) interned.clear();
        interned.set(key, made);
        return made;
      }
    }
    // Native checks and slicer (toString(encoding, start, end) checks and dispatches first: a third of the cost).
    if (!isUtf8(buf.subarray(start, end))) this.fail('invalid UTF-8', field);
    return (buf as FastSlices).utf8Slice(start, end);
  }

  /** A bool field (varint: anything but 0 is true, as Go reads it). */
  bool(tag: number, field: string): boolean {
    this.expect(tag, WIRE_VARINT, field, 'a bool');
    return this.varint(field) !== 0;
  }

  /** A string field, its wire type checked. */
  stringField(tag: number, field: string): string {
    this.expect(tag, WIRE_LEN, field, 'a string');
    return this.string(field);
  }

  /**
   * Reads an embedded message: `read` is called with the reader bounded to it (and the field pushed on
   * the path), then the reader continues after it.
   */
  message<T>(tag: number, field: string | number, read: (r: ProtoReader) => T): T {
    this.expect(tag, WIRE_LEN, field, 'a message');
    const end = this.lengthEnd(field);
    const outer = this.end;
    this.end = end;
    this.path.push(field);
    const value = read(this);
    if (this.pos !== end) this.fail('message not read to its end');
    this.path.pop();
    this.end = outer;
    return value;
  }

  /** One element of a repeated message field, appended to `list` (created on the first: an empty list is absent, as in JSON). */
  append<T>(tag: number, field: string, list: T[] | undefined, read: (r: ProtoReader) => T): T[] {
    const out = list ?? [];
    this.path.push(field);
    out.push(this.message(tag, out.length, read));
    this.path.pop();
    return out;
  }

  /** Skips a field not kept, by its wire type. */
  skip(tag: number): void {
    switch (tag & 7) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        return this.advance(8);
      case WIRE_LEN:
        this.pos = this.lengthEnd(`field ${tag >>> 3}`);
        return;
      case WIRE_FIXED32:
        return this.advance(4);
      default:
        // 3 and 4 (groups) are not used by Kubernetes; 6 and 7 do not exist.
        this.fail(`unsupported wire type ${tag & 7}`, `field ${tag >>> 3}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) this.fail('truncated fixed-size field');
    this.pos += n;
  }

  /** A map<string, string> entry (key 1, value 2) into `into`; its tag already read. */
  mapEntry(tag: number, field: string, into: Record<string, string>): void {
    let key = '';
    let value = '';
    this.message(tag, field, (r) => {
      for (let t = r.tag(); t !== 0; t = r.tag()) {
        if (t >>> 3 === 1) key = r.stringField(t, 'key');
        else if (t >>> 3 === 2) value = r.stringField(t, key.slice(0, 60));
        else r.skip(t);
      }
    });
    // As the JSON shape check does: a "__proto__" key is dropped, never the object's prototype.
    if (key !== '__proto__') into[key] = value;
  }
}

/** Whether a Content-Type is Kubernetes' protobuf. */
export function isProtobuf(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0].trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

/**
 * A List in protobuf: the envelope checked (magic, runtime.Unknown of `apiVersion`/`listKind`, no
 * content encoding), each item handed to `readItem` with the reader bounded to it (it returns the item,
 * handed on to `each`), the ListMeta's resourceVersion and continue returned. Malformed input throws a
 * BadResponseError naming the field (`what` is its source).
 */
export function decodeList<T>(body: Buffer, what: string, apiVersion: string, listKind: string, readItem: (r: ProtoReader) => T, each: (item: T) => void): ListMetadata | undefined {
  try {
    return readList(readEnvelope(body, apiVersion, listKind), readItem, each);
  } catch (err) {
    if (err instanceof Malformed) throw new BadResponseError(what, err.message);
    throw err;
  }
}

/** A reader over the raw bytes of the runtime.Unknown that a protobuf body is, once its type and encoding are checked. */
function readEnvelope(body: Buffer, apiVersion: string, kind: string): ProtoReader {
  for (let i = 0; i < MAGIC.length; i++) if (body[i] !== MAGIC[i]) throw new Malformed('the body: not Kubernetes protobuf (no k8s\\0 magic)');
  const r = new ProtoReader(body, MAGIC.length, body.length);
  let raw: { start: number; end: number } | null = null;
  let typeMeta = { apiVersion: '', kind: '' };
  let encoding = '';
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case UNKNOWN.typeMeta:
        typeMeta = r.message(t, 'typeMeta', readRuntimeTypeMeta);
        break;
      case UNKNOWN.raw:
        r.expect(t, WIRE_LEN, 'raw', 'bytes');
        raw = { start: 0, end: r.lengthEnd('raw') };
        raw.start = r.pos;
        r.pos = raw.end;
        break;
      case UNKNOWN.contentEncoding:
        encoding = r.stringField(t, 'contentEncoding');
        break;
      default:
        r.skip(t);
    }
  }
  if (typeMeta.apiVersion !== apiVersion || typeMeta.kind !== kind) {
    throw new Malformed(`typeMeta: expected ${apiVersion} ${kind}, got ${typeMeta.apiVersion.slice(0, 60) || '""'} ${typeMeta.kind.slice(0, 60) || '""'}`);
  }
  if (encoding) throw new Malformed(`contentEncoding: unsupported "${encoding.slice(0, 20)}"`);
  if (!raw) throw new Malformed('raw: missing');
  return new ProtoReader(body, raw.start, raw.end);
}

/** meta/v1 Status fields read of an error's body. */
export const STATUS = { message: 3, reason: 4, code: 6 } as const;

/**
 * An error's Status in protobuf (the API server negotiates errors as any answer: a request that prefers
 * protobuf gets its 403 in it) as the JSON text a Status would have been, so its message is shown as
 * ever (errors.ts statusMessage); null when the body is not one.
 */
export function statusJsonFromProtobuf(body: Buffer): string | null {
  try {
    const r = readEnvelope(body, 'v1', 'Status');
    const status: { kind: 'Status'; message?: string; reason?: string; code?: number } = { kind: 'Status' };
    for (let t = r.tag(); t !== 0; t = r.tag()) {
      if (t >>> 3 === STATUS.message) setText(status, 'message', r.stringField(t, 'message'));
      else if (t >>> 3 === STATUS.reason) setText(status, 'reason', r.stringField(t, 'reason'));
      else if (t >>> 3 === STATUS.code && (t & 7) === WIRE_VARINT) status.code = r.varint('code');
      else r.skip(t);
    }
    return JSON.stringify(status);
  } catch (err) {
    if (err instanceof Malformed) return null;
    throw err;
  }
}

function readRuntimeTypeMeta(r: ProtoReader): { apiVersion: string; kind: string } {
  const out = { apiVersion: '', kind: '' };
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    if (t >>> 3 === RUNTIME_TYPE_META.apiVersion) out.apiVersion = r.stringField(t, 'apiVersion');
    else if (t >>> 3 === RUNTIME_TYPE_META.kind) out.kind = r.stringField(t, 'kind');
    else r.skip(t);
  }
  return out;
}

function readList<T>(r: ProtoReader, readItem: (r: ProtoReader) => T, each: (item: T) => void): ListMetadata | undefined {
  let metadata: ListMetadata | undefined;
  let index = 0;
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    if (t >>> 3 === LIST.metadata) metadata = r.message(t, 'metadata', readListMeta);
    else if (t >>> 3 === LIST.items) {
      r.path.push('items');
      each(r.message(t, index++, readItem));
      r.path.pop();
    } else r.skip(t);
  }
  return metadata;
}

function readListMeta(r: ProtoReader): ListMetadata {
  const out: ListMetadata = {};
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    if (t >>> 3 === LIST_META.resourceVersion) setText(out, 'resourceVersion', r.stringField(t, 'resourceVersion'));
    else if (t >>> 3 === LIST_META.continue) setText(out, 'continue', r.stringField(t, 'continue'));
    else r.skip(t);
  }
  return out;
}

/**
 * Sets an omitempty string field: Go writes every string field, empty or not, where JSON omits the
 * empty ones, so an empty one is absent (no key, as in the JSON), and the last occurrence wins.
 */
export function setText<O extends object, K extends keyof O>(o: O, key: K, value: string): void {
  if (value) o[key] = value as O[K];
  else if (o[key] !== undefined) delete o[key];
}
