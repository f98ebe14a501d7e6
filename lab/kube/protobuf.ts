/**
 * Kubernetes' protobuf encoding (`application/vnd.kubernetes.protobuf`) of the lab's pod lists, as
 * kube-apiserver answers client-go (which asks for it by default: decoding it costs a fraction of JSON).
 * The body is the 4-byte magic `k8s\0` then a runtime.Unknown whose raw bytes are the PodList message.
 *
 * The messages are described once below, field by field in Kubernetes' numbering (k8s.io/api core/v1,
 * apimachinery meta/v1, runtime and intstr generated.proto; test/fixtures/kubernetes holds the files
 * and a test checks every number and type here against them). Every field the lab's pods carry is
 * encoded, not only what Isthmus reads: the lab is an API server and other clients may read it. A
 * field the table does not know makes the object unencodable (EncodeError): the list is then answered
 * in JSON, as a real server does for kinds it has no protobuf for (CRDs).
 */

/** A field's type: a scalar, a string map, or another message of the table (by its key in MESSAGES). */
type FieldType = 'string' | 'bool' | 'int32' | 'int64' | 'map<string,string>' | (string & {});

export interface FieldSpec {
  /** The field number in Kubernetes' .proto. */
  n: number;
  type: FieldType;
  repeated?: true;
}

interface MessageSpec {
  /** The message's full protobuf name. */
  proto: string;
  /** By JSON name (Kubernetes' .proto names its fields as their JSON). */
  fields: Record<string, FieldSpec>;
  /** A field whose message is inlined in JSON (Probe's `handler`: httpGet… sit beside the Probe's own fields). */
  inline?: string;
}

const CORE = 'k8s.io.api.core.v1';
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

const str = (n: number): FieldSpec => ({ n, type: 'string' });
const strs = (n: number): FieldSpec => ({ n, type: 'string', repeated: true });
const bool = (n: number): FieldSpec => ({ n, type: 'bool' });
const int32 = (n: number): FieldSpec => ({ n, type: 'int32' });
const int64 = (n: number): FieldSpec => ({ n, type: 'int64' });
const msg = (n: number, type: string): FieldSpec => ({ n, type });
const msgs = (n: number, type: string): FieldSpec => ({ n, type, repeated: true });
const map = (n: number): FieldSpec => ({ n, type: 'map<string,string>' });

/** The messages of a pod list, as far as the lab's pods use them. */
export const MESSAGES: Record<string, MessageSpec> = {
  Unknown: { proto: 'k8s.io.apimachinery.pkg.runtime.Unknown', fields: {} },
  PodList: { proto: `${CORE}.PodList`, fields: { metadata: msg(1, 'ListMeta'), items: msgs(2, 'Pod') } },
  ListMeta: { proto: `${META}.ListMeta`, fields: { selfLink: str(1), resourceVersion: str(2), continue: str(3), remainingItemCount: int64(4) } },
  Pod: { proto: `${CORE}.Pod`, fields: { metadata: msg(1, 'ObjectMeta'), spec: msg(2, 'PodSpec'), status: msg(3, 'PodStatus') } },
  ObjectMeta: {
    proto: `${META}.ObjectMeta`,
    fields: {
      name: str(1),
      generateName: str(2),
      namespace: str(3),
      selfLink: str(4),
      uid: str(5),
      resourceVersion: str(6),
      generation: int64(7),
      creationTimestamp: msg(8, 'Time'),
      deletionTimestamp: msg(9, 'Time'),
      deletionGracePeriodSeconds: int64(10),
      labels: map(11),
      annotations: map(12),
      ownerReferences: msgs(13, 'OwnerReference'),
      finalizers: strs(14),
    },
  },
  OwnerReference: {
    proto: `${META}.OwnerReference`,
    fields: { kind: str(1), name: str(3), uid: str(4), apiVersion: str(5), controller: bool(6), blockOwnerDeletion: bool(7) },
  },
  Time: { proto: `${META}.Time`, fields: { seconds: int64(1), nanos: int32(2) } },
  PodSpec: {
    proto: `${CORE}.PodSpec`,
    fields: {
      containers: msgs(2, 'Container'),
      restartPolicy: str(3),
      terminationGracePeriodSeconds: int64(4),
      activeDeadlineSeconds: int64(5),
      dnsPolicy: str(6),
      nodeSelector: map(7),
      serviceAccountName: str(8),
      serviceAccount: str(9),
      nodeName: str(10),
      hostNetwork: bool(11),
      hostPID: bool(12),
      hostIPC: bool(13),
      hostname: str(16),
      subdomain: str(17),
      schedulerName: str(19),
      initContainers: msgs(20, 'Container'),
      automountServiceAccountToken: bool(21),
      priorityClassName: str(24),
      priority: int32(25),
      runtimeClassName: str(29),
      enableServiceLinks: bool(30),
      preemptionPolicy: str(31),
    },
  },
  Container: {
    proto: `${CORE}.Container`,
    fields: {
      name: str(1),
      image: str(2),
      command: strs(3),
      args: strs(4),
      workingDir: str(5),
      ports: msgs(6, 'ContainerPort'),
      env: msgs(7, 'EnvVar'),
      livenessProbe: msg(10, 'Probe'),
      readinessProbe: msg(11, 'Probe'),
      terminationMessagePath: str(13),
      imagePullPolicy: str(14),
      stdin: bool(16),
      stdinOnce: bool(17),
      tty: bool(18),
      terminationMessagePolicy: str(20),
      startupProbe: msg(22, 'Probe'),
      restartPolicy: str(24),
    },
  },
  ContainerPort: { proto: `${CORE}.ContainerPort`, fields: { name: str(1), hostPort: int32(2), containerPort: int32(3), protocol: str(4), hostIP: str(5) } },
  EnvVar: { proto: `${CORE}.EnvVar`, fields: { name: str(1), value: str(2) } },
  Probe: {
    proto: `${CORE}.Probe`,
    inline: 'handler',
    fields: {
      handler: msg(1, 'ProbeHandler'),
      initialDelaySeconds: int32(2),
      timeoutSeconds: int32(3),
      periodSeconds: int32(4),
      successThreshold: int32(5),
      failureThreshold: int32(6),
      terminationGracePeriodSeconds: int64(7),
    },
  },
  ProbeHandler: { proto: `${CORE}.ProbeHandler`, fields: { httpGet: msg(2, 'HTTPGetAction'), tcpSocket: msg(3, 'TCPSocketAction') } },
  HTTPGetAction: { proto: `${CORE}.HTTPGetAction`, fields: { path: str(1), port: msg(2, 'IntOrString'), host: str(3), scheme: str(4) } },
  TCPSocketAction: { proto: `${CORE}.TCPSocketAction`, fields: { port: msg(1, 'IntOrString'), host: str(2) } },
  IntOrString: { proto: 'k8s.io.apimachinery.pkg.util.intstr.IntOrString', fields: { type: int64(1), intVal: int32(2), strVal: str(3) } },
  PodStatus: {
    proto: `${CORE}.PodStatus`,
    fields: {
      phase: str(1),
      conditions: msgs(2, 'PodCondition'),
      message: str(3),
      reason: str(4),
      hostIP: str(5),
      podIP: str(6),
      startTime: msg(7, 'Time'),
      containerStatuses: msgs(8, 'ContainerStatus'),
      qosClass: str(9),
      initContainerStatuses: msgs(10, 'ContainerStatus'),
      nominatedNodeName: str(11),
      podIPs: msgs(12, 'PodIP'),
      hostIPs: msgs(16, 'HostIP'),
    },
  },
  PodCondition: {
    proto: `${CORE}.PodCondition`,
    fields: { type: str(1), status: str(2), lastProbeTime: msg(3, 'Time'), lastTransitionTime: msg(4, 'Time'), reason: str(5), message: str(6) },
  },
  PodIP: { proto: `${CORE}.PodIP`, fields: { ip: str(1) } },
  HostIP: { proto: `${CORE}.HostIP`, fields: { ip: str(1) } },
  ContainerStatus: {
    proto: `${CORE}.ContainerStatus`,
    fields: {
      name: str(1),
      state: msg(2, 'ContainerState'),
      lastState: msg(3, 'ContainerState'),
      ready: bool(4),
      restartCount: int32(5),
      image: str(6),
      imageID: str(7),
      containerID: str(8),
      started: bool(9),
    },
  },
  ContainerState: {
    proto: `${CORE}.ContainerState`,
    fields: { waiting: msg(1, 'ContainerStateWaiting'), running: msg(2, 'ContainerStateRunning'), terminated: msg(3, 'ContainerStateTerminated') },
  },
  ContainerStateWaiting: { proto: `${CORE}.ContainerStateWaiting`, fields: { reason: str(1), message: str(2) } },
  ContainerStateRunning: { proto: `${CORE}.ContainerStateRunning`, fields: { startedAt: msg(1, 'Time') } },
  Status: {
    proto: `${META}.Status`,
    fields: { metadata: msg(1, 'ListMeta'), status: str(2), message: str(3), reason: str(4), details: msg(5, 'StatusDetails'), code: int32(6) },
  },
  StatusDetails: { proto: `${META}.StatusDetails`, fields: { name: str(1), group: str(2), kind: str(3), retryAfterSeconds: int32(5), uid: str(6) } },
  ContainerStateTerminated: {
    proto: `${CORE}.ContainerStateTerminated`,
    fields: { exitCode: int32(1), signal: int32(2), reason: str(3), message: str(4), startedAt: msg(5, 'Time'), finishedAt: msg(6, 'Time'), containerID: str(7) },
  },
};

/** runtime.Unknown's fields (runtime/generated.proto) and its runtime.TypeMeta's (apiVersion 1, kind 2: not meta/v1's order). */
export const UNKNOWN_FIELDS = { typeMeta: 1, raw: 2, contentEncoding: 3, contentType: 4 } as const;
export const RUNTIME_TYPE_META_FIELDS = { apiVersion: 1, kind: 2 } as const;

/** The magic that starts every protobuf body of the API server. */
const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

/** An object the table cannot encode (a field it does not know, a value of the wrong type). */
export class EncodeError extends Error {}

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

/**
 * A growing byte buffer. A nested message's length is known only once it is written: one byte is
 * reserved for it and the message moved right when its length needs more (the output stays canonical).
 */
class Writer {
  buf: Buffer;
  pos = 0;

  constructor(size = 4096) {
    this.buf = Buffer.allocUnsafe(size);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  varint(v: number | bigint): void {
    this.ensure(10);
    if (typeof v === 'number' && v >= 0 && v < 2 ** 31) {
      let x = v;
      while (x > 0x7f) {
        this.buf[this.pos++] = (x & 0x7f) | 0x80;
        x >>>= 7;
      }
      this.buf[this.pos++] = x;
      return;
    }
    // Negative values are their 64-bit two's complement (ten bytes), as Go writes them.
    let n = BigInt.asUintN(64, BigInt(v));
    while (n > 0x7fn) {
      this.buf[this.pos++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.pos++] = Number(n);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  bytes(field: number, b: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(b.length);
    this.raw(b);
  }

  /** Bytes already encoded (fields with their tags). */
  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  string(field: number, s: string): void {
    this.tag(field, WIRE_LEN);
    const max = s.length * 3;
    this.ensure(max + 5);
    const start = this.pos;
    this.pos++; // one byte for the length
    const written = this.buf.write(s, this.pos, 'utf8');
    this.pos += written;
    this.endLength(start, written);
  }

  /** Starts a length-delimited field; endNested(start) writes its length. */
  beginNested(field: number): number {
    this.tag(field, WIRE_LEN);
    this.ensure(1);
    return this.pos++;
  }

  endNested(start: number): void {
    this.endLength(start, this.pos - start - 1);
  }

  private endLength(start: number, length: number): void {
    const size = varintSize(length);
    if (size > 1) {
      this.ensure(size - 1);
      this.buf.copyWithin(start + size, start + 1, this.pos);
      this.pos += size - 1;
    }
    let x = length;
    let at = start;
    while (x > 0x7f) {
      this.buf[at++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.buf[at] = x;
  }

  take(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}

function varintSize(n: number): number {
  let size = 1;
  while (n > 0x7f) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/**
 * Encoded pieces by object: the lab's pods share their spec, labels, annotations, owner references,
 * conditions, host IPs and container states between replicas (objects.ts templates), and the store never
 * changes an object once rendered, so each shared piece is encoded once. Only those messages are kept
 * here: a piece that is each pod's own (its metadata, status, container statuses) would only cost a
 * copy and a weak entry to collect (first listings of 50,000 pods: a third of the time in GC).
 */
const encodedPieces = new WeakMap<object, Buffer>();
const SHARED_MESSAGES = new Set(['PodSpec', 'OwnerReference', 'PodCondition', 'HostIP', 'ContainerState']);

/** Where the encoder is (field names and indexes), for an error's message only: kept as a stack, not built per field. */
const at: Array<string | number> = [];

function fail(problem: string, key?: string): never {
  const path = [...at, ...(key === undefined ? [] : [key])].map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  at.length = 0;
  throw new EncodeError(`${path.slice(1) || 'the object'}: ${problem}`);
}

function writeScalar(w: Writer, spec: FieldSpec, value: unknown): void {
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') fail('expected a string');
      return w.string(spec.n, value);
    case 'bool':
      if (typeof value !== 'boolean') fail('expected a boolean');
      w.tag(spec.n, WIRE_VARINT);
      return w.varint(value ? 1 : 0);
    case 'int32':
    case 'int64':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail('expected an integer');
      if (spec.type === 'int32' && (value < -(2 ** 31) || value >= 2 ** 31)) fail('out of int32 range');
      w.tag(spec.n, WIRE_VARINT);
      return w.varint(value);
    case 'map<string,string>': {
      if (!isObject(value)) fail('expected an object');
      // A map is its entries, each a message {key 1, value 2}; a shared map's entries are encoded once.
      const known = encodedPieces.get(value);
      if (known) return w.raw(known);
      const from = w.pos;
      for (const [k, v] of Object.entries(value)) {
        if (typeof v !== 'string') fail('expected a string', k);
        const start = w.beginNested(spec.n);
        w.string(1, k);
        w.string(2, v);
        w.endNested(start);
      }
      encodedPieces.set(value, Buffer.from(w.buf.subarray(from, w.pos)));
      return;
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function writeOne(w: Writer, spec: FieldSpec, value: unknown): void {
  if (!(spec.type in MESSAGES)) return writeScalar(w, spec, value);
  const name = spec.type;
  if (name === 'Time') return writeTime(w, spec.n, value);
  if (name === 'IntOrString') return writeIntOrString(w, spec.n, value);
  if (!isObject(value)) fail('expected an object');
  const shared = SHARED_MESSAGES.has(name);
  const known = shared ? encodedPieces.get(value) : undefined;
  if (known) return w.bytes(spec.n, known);
  const start = w.beginNested(spec.n);
  const from = w.pos;
  writeMessage(w, name, value);
  if (shared) encodedPieces.set(value, Buffer.from(w.buf.subarray(from, w.pos)));
  w.endNested(start);
}

/**
 * A message's fields present in `value`, written in field-number order (as Go's marshalling writes
 * them). Only the keys the object has are looked at (a message type's table has many more).
 */
function writeMessage(w: Writer, name: string, value: Record<string, unknown>): void {
  const spec: MessageSpec = MESSAGES[name];
  const inlined = spec.inline ? MESSAGES[spec.fields[spec.inline].type] : null;
  const present: Array<{ key: string; field: FieldSpec; value: unknown }> = [];
  let handler: Record<string, unknown> | null = null;
  for (const key in value) {
    const v = value[key];
    if (v == null) continue; // absent (JSON null: an unset pointer)
    const field = key === spec.inline ? undefined : spec.fields[key];
    if (field) present.push({ key, field, value: v });
    else if (inlined?.fields[key]) (handler ??= {})[key] = v;
    else fail(`no field of ${name} in the lab's protobuf table`, key);
  }
  if (handler) present.push({ key: spec.inline!, field: spec.fields[spec.inline!], value: handler });
  // Usually in order already (the lab writes JSON in about field order): an insertion sort is then one pass.
  for (let i = 1; i < present.length; i++) {
    const item = present[i];
    let j = i - 1;
    for (; j >= 0 && present[j].field.n > item.field.n; j--) present[j + 1] = present[j];
    present[j + 1] = item;
  }
  for (const { key, field, value: v } of present) {
    at.push(key);
    if (!field.repeated) writeOne(w, field, v);
    else if (!Array.isArray(v)) fail('expected an array');
    else {
      for (let i = 0; i < v.length; i++) {
        at.push(i);
        writeOne(w, field, v[i]);
        at.pop();
      }
    }
    at.pop();
  }
}

/** meta/v1 Time: RFC 3339 in JSON, {seconds, nanos} on the wire. */
function writeTime(w: Writer, field: number, value: unknown): void {
  const ms = typeof value === 'string' ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) fail('expected an RFC 3339 time');
  const start = w.beginNested(field);
  w.tag(MESSAGES.Time.fields.seconds.n, WIRE_VARINT);
  w.varint(Math.floor(ms / 1000));
  w.tag(MESSAGES.Time.fields.nanos.n, WIRE_VARINT);
  w.varint((ms % 1000) * 1e6);
  w.endNested(start);
}

/** intstr.IntOrString: a number or a string in JSON; on the wire its type (0 int, 1 string) and both values. */
function writeIntOrString(w: Writer, field: number, value: unknown): void {
  const { type, intVal, strVal } = MESSAGES.IntOrString.fields;
  if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value))) fail('expected an integer or a string');
  const start = w.beginNested(field);
  w.tag(type.n, WIRE_VARINT);
  w.varint(typeof value === 'string' ? 1 : 0);
  w.tag(intVal.n, WIRE_VARINT);
  w.varint(typeof value === 'number' ? value : 0);
  w.string(strVal.n, typeof value === 'string' ? value : '');
  w.endNested(start);
}

/** One pod's Pod message (what a PodList's items field carries). Throws EncodeError for a field the table does not know. */
export function encodePod(pod: Record<string, unknown>): Buffer {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = pod;
  scratch.pos = 0;
  at.length = 0;
  writeMessage(scratch, 'Pod', rest);
  return scratch.take();
}

/** One writer for every pod (encoding is synchronous): its buffer grows once to the largest pod, then is reused. */
const scratch = new Writer();

/**
 * A PodList body: magic, then runtime.Unknown {typeMeta {apiVersion v1, kind PodList}, raw: the
 * PodList, contentEncoding "", contentType ""} (as k8s.io/apimachinery's protobuf serializer writes
 * it). `items` are encodePod's messages.
 */
export function podListBody(listMeta: Record<string, unknown>, items: Buffer[]): Buffer[] {
  const list = new Writer(256);
  const metaStart = list.beginNested(MESSAGES.PodList.fields.metadata.n);
  writeMessage(list, 'ListMeta', listMeta);
  list.endNested(metaStart);
  const raw: Buffer[] = [list.take()];
  for (const item of items) {
    const tag = new Writer(16);
    tag.tag(MESSAGES.PodList.fields.items.n, WIRE_LEN);
    tag.varint(item.length);
    raw.push(tag.take(), item);
  }
  return unknownBody('PodList', raw);
}

/** A Status (an error's body) in protobuf, as the API server answers a client that prefers it. */
export function statusBody(status: Record<string, unknown>): Buffer[] {
  const { kind: _kind, apiVersion: _apiVersion, ...rest } = status;
  const w = new Writer(512);
  writeMessage(w, 'Status', rest);
  return unknownBody('Status', [w.take()]);
}

/** The magic and a runtime.Unknown of a core/v1 `kind` whose raw bytes are `raw` (in parts, not joined). */
function unknownBody(kind: string, raw: Buffer[]): Buffer[] {
  const envelope = new Writer(64);
  const typeMeta = envelope.beginNested(UNKNOWN_FIELDS.typeMeta);
  envelope.string(RUNTIME_TYPE_META_FIELDS.apiVersion, 'v1');
  envelope.string(RUNTIME_TYPE_META_FIELDS.kind, kind);
  envelope.endNested(typeMeta);
  envelope.tag(UNKNOWN_FIELDS.raw, WIRE_LEN);
  envelope.varint(raw.reduce((n, part) => n + part.length, 0));
  const tail = new Writer(16);
  tail.string(UNKNOWN_FIELDS.contentEncoding, '');
  tail.string(UNKNOWN_FIELDS.contentType, '');
  return [PROTOBUF_MAGIC, envelope.take(), ...raw, tail.take()];
}
