/**
 * Pods in Kubernetes' protobuf encoding: the lab's encoder (lab/kube/protobuf.ts) and the server's
 * decoder (server/k8s/protobuf.ts, pod-protobuf.ts) use Kubernetes' field numbers, not numbers they
 * merely agree on (checked against the generated.proto files in test/fixtures/kubernetes); the decoder
 * reads from the encoder's bytes exactly what the JSON path keeps of every lab pod; malformed bodies are
 * BadResponseErrors naming the field; and Google's protoc, given Kubernetes' .proto files, reads the
 * lab's bytes with no unknown field and writes bytes the server's decoder reads.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadResponseError } from '@/lib/istio/errors';
import { createWorld, loadScenario, scaleScenario } from '@/lab/model/index';
import { EncodeError, encodePod, MESSAGES, podListBody, RUNTIME_TYPE_META_FIELDS, statusBody, UNKNOWN_FIELDS, type FieldSpec } from '@/lab/kube/protobuf';
import { expired } from '@/lab/kube/status';
import type { KubeObject } from '@/lab/world';
import { PODS } from '@/server/cache/kinds';
import { keepPage, keepProtobufPage } from '@/server/cache/list-page';
import { decodePodList, POD_FIELDS } from '@/server/k8s/pod-protobuf';
import { LIST, LIST_META, RUNTIME_TYPE_META, STATUS, statusJsonFromProtobuf, UNKNOWN } from '@/server/k8s/protobuf';
import { PodShape } from '@/server/k8s/shapes';

/* ------------------------------------------------------------------ Kubernetes' .proto files */

interface ProtoField {
  number: number;
  /** Fully qualified message name, a scalar type, or "map<string, string>". */
  type: string;
  label: 'optional' | 'repeated' | 'map';
}

const SCALARS = new Set(['string', 'bool', 'int32', 'int64', 'bytes', 'double', 'float', 'uint32', 'uint64', 'sint32', 'sint64', 'fixed32', 'fixed64']);

/** Every message of the fixtures' generated.proto files, by full name (package.Message), with its fields by name. */
function parseProtoFiles(): Map<string, Map<string, ProtoField>> {
  const dir = path.join(import.meta.dirname, 'fixtures/kubernetes');
  const messages = new Map<string, Map<string, ProtoField>>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.proto'))) {
    let pkg = '';
    let current: Map<string, ProtoField> | null = null;
    const qualify = (type: string) => (SCALARS.has(type) || type.includes('.') ? type : `${pkg}.${type}`);
    for (const raw of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const line = raw.replace(/\/\/.*$/, '').trim();
      let m: RegExpMatchArray | null;
      if ((m = line.match(/^package ([\w.]+);$/))) pkg = m[1];
      else if ((m = line.match(/^message (\w+) \{$/))) messages.set(`${pkg}.${m[1]}`, (current = new Map()));
      else if (line === '}') current = null;
      else if (current && (m = line.match(/^(optional|repeated) ([\w.]+) (\w+) = (\d+);$/))) {
        current.set(m[3], { label: m[1] as 'optional' | 'repeated', type: qualify(m[2]), number: Number(m[4]) });
      } else if (current && (m = line.match(/^map<(\w+), ([\w.]+)> (\w+) = (\d+);$/))) {
        current.set(m[3], { label: 'map', type: `map<${m[1]}, ${qualify(m[2])}>`, number: Number(m[4]) });
      }
    }
  }
  return messages;
}

const proto = parseProtoFiles();
const CORE = 'k8s.io.api.core.v1';
const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const RUNTIME = 'k8s.io.apimachinery.pkg.runtime';

function protoField(message: string, field: string): ProtoField {
  const found = proto.get(message)?.get(field);
  if (!found) throw new Error(`${message} has no field ${field} in test/fixtures/kubernetes`);
  return found;
}

describe("Kubernetes' protobuf field numbers", () => {
  it('parses the fixtures (a sanity check of the parser itself)', () => {
    expect(proto.size).toBeGreaterThan(200);
    expect(protoField(`${CORE}.Pod`, 'spec')).toEqual({ label: 'optional', type: `${CORE}.PodSpec`, number: 2 });
    expect(protoField(`${META}.ObjectMeta`, 'labels')).toEqual({ label: 'map', type: 'map<string, string>', number: 11 });
  });

  it("every field of the lab's encoder has Kubernetes' number, type and label", () => {
    const checked: string[] = [];
    for (const [name, message] of Object.entries(MESSAGES)) {
      expect(proto.has(message.proto), `${name} is ${message.proto}`).toBe(true);
      for (const [field, spec] of Object.entries(message.fields) as Array<[string, FieldSpec]>) {
        const real = protoField(message.proto, field);
        const type = spec.type === 'map<string,string>' ? 'map<string, string>' : (MESSAGES[spec.type]?.proto ?? spec.type);
        expect({ number: spec.n, type, repeated: !!spec.repeated }, `${message.proto}.${field}`).toEqual({ number: real.number, type: real.type, repeated: real.label === 'repeated' });
        checked.push(`${name}.${field}`);
      }
    }
    expect(checked.length).toBeGreaterThan(100);
    for (const [field, n] of Object.entries(UNKNOWN_FIELDS)) expect(protoField(`${RUNTIME}.Unknown`, field).number, field).toBe(n);
    for (const [field, n] of Object.entries(RUNTIME_TYPE_META_FIELDS)) expect(protoField(`${RUNTIME}.TypeMeta`, field).number, field).toBe(n);
  });

  it("every field the server's decoder reads has Kubernetes' number and the type it is read as", () => {
    // How pod-protobuf.ts reads each field: strings unless listed here.
    const readAs: Record<string, string> = {
      'Pod.metadata': `${META}.ObjectMeta`,
      'Pod.spec': `${CORE}.PodSpec`,
      'Pod.status': `${CORE}.PodStatus`,
      'ObjectMeta.labels': 'map<string, string>',
      'ObjectMeta.annotations': 'map<string, string>',
      'ObjectMeta.ownerReferences': `${META}.OwnerReference`,
      'OwnerReference.controller': 'bool',
      'PodSpec.containers': `${CORE}.Container`,
      'PodSpec.initContainers': `${CORE}.Container`,
      'PodSpec.hostNetwork': 'bool',
      'Container.env': `${CORE}.EnvVar`,
      'PodStatus.conditions': `${CORE}.PodCondition`,
    };
    const packageOf = (message: string) => (message === 'ObjectMeta' || message === 'OwnerReference' ? META : CORE);
    for (const [message, fields] of Object.entries(POD_FIELDS)) {
      for (const [field, n] of Object.entries(fields)) {
        const real = protoField(`${packageOf(message)}.${message}`, field);
        expect({ number: n, type: readAs[`${message}.${field}`] ?? 'string' }, `${message}.${field}`).toEqual({ number: real.number, type: real.type });
      }
    }
    // The envelope and the list around the pods.
    expect(UNKNOWN).toEqual(Object.fromEntries(Object.keys(UNKNOWN).map((f) => [f, protoField(`${RUNTIME}.Unknown`, f).number])));
    expect(RUNTIME_TYPE_META).toEqual({ apiVersion: protoField(`${RUNTIME}.TypeMeta`, 'apiVersion').number, kind: protoField(`${RUNTIME}.TypeMeta`, 'kind').number });
    expect(protoField(`${RUNTIME}.Unknown`, 'raw').type).toBe('bytes');
    expect(LIST).toEqual({ metadata: protoField(`${CORE}.PodList`, 'metadata').number, items: protoField(`${CORE}.PodList`, 'items').number });
    expect(protoField(`${CORE}.PodList`, 'items')).toMatchObject({ label: 'repeated', type: `${CORE}.Pod` });
    expect(STATUS).toEqual(Object.fromEntries(Object.keys(STATUS).map((f) => [f, protoField(`${META}.Status`, f).number])));
    expect(protoField(`${META}.Status`, 'code').type).toBe('int32');
    expect(LIST_META).toEqual({ resourceVersion: protoField(`${META}.ListMeta`, 'resourceVersion').number, continue: protoField(`${META}.ListMeta`, 'continue').number });
  });
});

/* ------------------------------------------------------------------ the lab's pods both ways */

const POD_TYPE = { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true };
const WHAT = 'GET /api/v1/pods';

const protobufList = (pods: KubeObject[], listMeta: Record<string, unknown> = { resourceVersion: '42' }) => Buffer.concat(podListBody(listMeta, pods.map((p) => encodePod(p))));
/** The page as the lab answers it in JSON (list items carry no kind). */
const jsonList = (pods: KubeObject[]) => Buffer.from(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '42' }, items: pods }));

function decodedPods(body: Buffer): unknown[] {
  const pods: unknown[] = [];
  decodePodList(body, WHAT, (pod) => pods.push(pod));
  return pods;
}

const scenarios = {
  seed: () => loadScenario(path.join(import.meta.dirname, '../lab/scenarios/seed.yaml')),
  ambient: () => loadScenario(path.join(import.meta.dirname, '../lab/scenarios/ambient.yaml')),
  scale: () => scaleScenario({ clusters: 2, namespaces: 20, pods: 3000 }),
};

describe('pods in protobuf: the decoder reads what the JSON path keeps', () => {
  for (const [name, scenario] of Object.entries(scenarios)) {
    it(`every pod of the ${name} scenario`, () => {
      const world = createWorld(scenario());
      let pods = 0;
      let istiods = 0;
      for (const cluster of world.clusters()) {
        const items = world.list(cluster.name, POD_TYPE);
        const json = JSON.parse(jsonList(items).toString()) as { items: unknown[] };
        // Read whole: what the JSON path's shape check gives, object by object.
        expect(decodedPods(protobufList(items))).toStrictEqual(json.items.map((p) => PodShape.parse(p)));
        // As the cache reads them (istiod's pods whole, the others without what keep() does not use): the kept entries of the page.
        expect(keepProtobufPage(PODS, protobufList(items), WHAT)).toStrictEqual(keepPage(PODS, jsonList(items), WHAT));
        pods += items.length;
        istiods += keepProtobufPage(PODS, protobufList(items), WHAT).kept.filter(([, entry]) => entry.istiod?.spec?.containers?.[0]?.env).length;
      }
      expect(pods).toBeGreaterThan(name === 'scale' ? 2900 : 5);
      expect(istiods).toBeGreaterThan(0); // read whole: their containers' env kept
    });
  }

  it("an error's Status, as the JSON text it would have been", () => {
    const status = expired('too old resource version: 1 (5)');
    expect(JSON.parse(statusJsonFromProtobuf(Buffer.concat(statusBody({ ...status })))!)).toEqual({ kind: 'Status', message: status.message, reason: 'Expired', code: 410 });
    expect(statusJsonFromProtobuf(protobufList([]))).toBeNull(); // a PodList is not a Status
    expect(statusJsonFromProtobuf(Buffer.from('{"kind":"Status"}'))).toBeNull();
  });

  it("the lab's encoder refuses what its table does not know (its list is then answered in JSON)", () => {
    const pod = (spec: Record<string, unknown>) => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u', resourceVersion: '1', creationTimestamp: '2024-01-01T00:00:00Z' }, spec });
    expect(() => encodePod(pod({ containers: [{ name: 'a', resources: { limits: { cpu: '1' } } }] }))).toThrow(new EncodeError('spec.containers[0].resources: no field of Container in the lab\'s protobuf table'));
    expect(() => encodePod(pod({ containers: [{ name: 'a', ports: [{ containerPort: 'http' }] }] }))).toThrow(new EncodeError('spec.containers[0].ports[0].containerPort: expected an integer'));
    expect(() => encodePod(pod({ nodeName: 'n' }))).not.toThrow();
  });

  it('carries the list metadata (resourceVersion, continue) and an empty list', () => {
    const meta = keepProtobufPage(PODS, protobufList([], { resourceVersion: '7', continue: 'abc', remainingItemCount: 3 }), WHAT);
    expect(meta).toEqual({ kept: [], metadata: { resourceVersion: '7', continue: 'abc' } });
  });
});

/* ------------------------------------------------------------------ malformed bodies */

/** A few protobuf bytes by hand: tag, varint, length-delimited. */
const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  return [...out, n];
};
const len = (field: number, bytes: number[] | Buffer): number[] => [...varint(field * 8 + 2), ...varint(bytes.length), ...bytes];
const str = (field: number, s: string) => len(field, [...Buffer.from(s)]);
/** The envelope around a PodList's raw bytes (runtime.Unknown of v1 PodList). */
const envelope = (raw: number[] | Buffer, kind = 'PodList', extra: number[] = []) => Buffer.from([0x6b, 0x38, 0x73, 0x00, ...len(1, [...str(1, 'v1'), ...str(2, kind)]), ...len(2, [...raw]), ...extra]);
/** A PodList with one pod made of the given Pod message bytes. */
const onePod = (pod: number[]) => envelope(len(2, pod));

function problemOf(body: Buffer): string {
  try {
    decodedPods(body);
  } catch (err) {
    expect(err).toBeInstanceOf(BadResponseError);
    expect((err as BadResponseError).source).toBe(WHAT);
    return (err as BadResponseError).problem;
  }
  throw new Error('decoded without an error');
}

describe('malformed protobuf is a BadResponseError naming the field', () => {
  const meta = (fields: number[]) => len(1, fields);

  it('reads a well-formed hand-made pod (the base of the cases below)', () => {
    const pod = [...meta([...str(1, 'p'), ...str(3, 'ns'), ...len(11, [...str(1, 'app'), ...str(2, 'x')])]), ...len(3, str(1, 'Running'))];
    expect(decodedPods(onePod(pod))).toStrictEqual([{ metadata: { name: 'p', namespace: 'ns', labels: { app: 'x' } }, status: { phase: 'Running' } }]);
  });

  it("reads Go's empty strings and false as JSON's omitted fields, and drops a __proto__ key as the shape check does", () => {
    const pod = [
      ...meta([...str(1, ''), ...len(11, [...str(1, '__proto__'), ...str(2, 'x')]), ...len(11, [...str(1, 'a'), ...str(2, 'é')])]),
      ...len(2, [...str(10, ''), 0x58, 0x00, ...len(2, [...str(1, ''), ...str(2, '')])]),
    ];
    const [decoded] = decodedPods(onePod(pod)) as Array<{ metadata: { labels: object } }>;
    expect(decoded).toStrictEqual({ metadata: { labels: { a: 'é' } }, spec: { containers: [{ name: '' }] } });
    expect(Object.getPrototypeOf(decoded.metadata.labels)).toBe(Object.prototype);
  });

  it('truncated varint, length past the end, huge length', () => {
    expect(problemOf(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0x80]))).toBe('typeMeta: truncated varint');
    expect(problemOf(Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x12, 0x05, 0x01]))).toBe('raw: length 5 past the end of the message');
    expect(problemOf(onePod([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]))).toBe('items[0].metadata: length 4294967295 past the end of the message');
    expect(problemOf(onePod(meta([0x28, ...Array(10).fill(0xff), 0x01])))).toBe('items[0].metadata: varint longer than 10 bytes');
    // A whole valid body cut short.
    const world = createWorld(scenarios.seed());
    const body = protobufList(world.list('cluster1', POD_TYPE));
    expect(problemOf(body.subarray(0, body.length - 100))).toMatch(/^raw: length \d+ past the end of the message$/);
  });

  it('wrong wire types of kept fields', () => {
    expect(problemOf(onePod([0x08, 0x01]))).toBe('items[0].metadata: expected a message (wire type 2), got wire type 0');
    expect(problemOf(onePod(meta([0x08, 0x05])))).toBe('items[0].metadata.name: expected a string (wire type 2), got wire type 0');
    expect(problemOf(onePod(len(2, len(11, [0x01]))))).toBe('items[0].spec.hostNetwork: expected a bool (wire type 0), got wire type 2');
    expect(problemOf(onePod(len(2, [...len(2, str(1, 'a')), ...len(2, [0x10, 0x01])])))).toBe('items[0].spec.containers[1].image: expected a string (wire type 2), got wire type 0');
  });

  it('bad UTF-8 in a kept string, unsupported wire types, field number 0', () => {
    expect(problemOf(onePod(meta(len(11, [...str(1, 'app'), ...len(2, [0xc3, 0x28])]))))).toBe('items[0].metadata.labels.app: invalid UTF-8');
    expect(problemOf(onePod(meta(len(1, [0xff]))))).toBe('items[0].metadata.name: invalid UTF-8');
    expect(problemOf(onePod([0x7b]))).toBe('items[0].field 15: unsupported wire type 3');
    expect(problemOf(onePod([0x00]))).toBe('items[0]: field number 0');
  });

  it('the envelope: no magic, another kind, a content encoding', () => {
    expect(problemOf(Buffer.from('{"kind":"PodList"}'))).toBe('the body: not Kubernetes protobuf (no k8s\\0 magic)');
    expect(problemOf(envelope([], 'ServiceList'))).toBe('typeMeta: expected v1 PodList, got v1 ServiceList');
    expect(problemOf(envelope([], 'PodList', str(3, 'gzip')))).toBe('contentEncoding: unsupported "gzip"');
  });

  it('skips fields not kept without looking into them (any content, every wire type)', () => {
    const unknown = [...len(99, [0xff, 0xff]), ...varint(50 * 8), 0x96, 0x01, ...varint(40 * 8 + 1), ...Array<number>(8).fill(0), ...varint(41 * 8 + 5), 0, 0, 0, 0];
    expect(decodedPods(onePod([...unknown, ...meta([...unknown, ...str(1, 'p')])]))).toStrictEqual([{ metadata: { name: 'p' } }]);
  });
});

/* ------------------------------------------------------------------ Google's protoc as the other side */

const PROTOC = '/usr/bin/protoc';
const hasProtoc = fs.existsSync(PROTOC);
if (!hasProtoc) console.warn(`protoc tests skipped: ${PROTOC} is not installed (apt-get install protobuf-compiler)`);

/** The fixtures laid out as their imports name them (k8s.io/api/core/v1/generated.proto…), for protoc's -I. */
function protoRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-proto-'));
  const layout: Record<string, string> = {
    'core-v1-generated.proto': 'k8s.io/api/core/v1',
    'meta-v1-generated.proto': 'k8s.io/apimachinery/pkg/apis/meta/v1',
    'runtime-generated.proto': 'k8s.io/apimachinery/pkg/runtime',
    'runtime-schema-generated.proto': 'k8s.io/apimachinery/pkg/runtime/schema',
    'intstr-generated.proto': 'k8s.io/apimachinery/pkg/util/intstr',
    'resource-generated.proto': 'k8s.io/apimachinery/pkg/api/resource',
  };
  for (const [file, dir] of Object.entries(layout)) {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    fs.copyFileSync(path.join(import.meta.dirname, 'fixtures/kubernetes', file), path.join(root, dir, 'generated.proto'));
  }
  return root;
}

function protoc(root: string, mode: 'decode' | 'encode', message: string, input: Buffer | string): Buffer {
  const r = spawnSync(PROTOC, ['-I', root, `--${mode}=${message}`, 'k8s.io/api/core/v1/generated.proto'], { input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`protoc --${mode} ${message}: ${r.stderr.toString().slice(0, 500)}`);
  return r.stdout;
}

describe.skipIf(!hasProtoc)("Google's protoc with Kubernetes' .proto files reads the lab's bytes and writes the server's", () => {
  const root = hasProtoc ? protoRoot() : '';

  it("decodes the lab's pod lists of the seed scenario with no field it does not know", () => {
    const world = createWorld(scenarios.seed());
    for (const cluster of world.clusters()) {
      const items = world.list(cluster.name, POD_TYPE);
      const parts = podListBody({ resourceVersion: '42', continue: 'next' }, items.map((p) => encodePod(p)));
      const envelopeText = protoc(root, 'decode', 'k8s.io.apimachinery.pkg.runtime.Unknown', Buffer.concat(parts).subarray(4)).toString();
      expect(envelopeText).toMatch(/^typeMeta \{\n {2}apiVersion: "v1"\n {2}kind: "PodList"\n\}\nraw: ".*"\ncontentEncoding: ""\ncontentType: ""\n$/s);
      const text = protoc(root, 'decode', 'k8s.io.api.core.v1.PodList', Buffer.concat(parts.slice(2, -1))).toString();
      // A field number or wire type the schema does not have would print as "<number>: <value>".
      expect(text.match(/^\s*\d+:.*$/m)).toBeNull();
      expect(text).toContain('metadata {\n  resourceVersion: "42"\n  continue: "next"\n}');
      for (const pod of items) expect(text).toContain(`name: "${pod.metadata.name}"`);
      expect(text).toMatch(/httpGet \{\n\s+path: "\/ready"\n\s+port \{\n\s+type: 0\n\s+intVal: 8080/);
      expect(text).toMatch(/creationTimestamp \{\n\s+seconds: \d+/);
    }
  });

  it('the server decodes what protoc encodes from a pod in text format', () => {
    const podText = `items {
  metadata {
    name: "istiod-1" generateName: "istiod-" namespace: "istio-system" uid: "u-1" resourceVersion: "7"
    creationTimestamp { seconds: 1700000000 }
    labels { key: "app" value: "istiod" } labels { key: "istio.io/rev" value: "default" }
    annotations { key: "prometheus.io/port" value: "15014" }
    ownerReferences { apiVersion: "apps/v1" kind: "ReplicaSet" name: "istiod-abc" uid: "u-2" controller: true }
    finalizers: "x"
  }
  spec {
    containers { name: "discovery" image: "docker.io/istio/pilot:1.24.0" args: "discovery" ports { containerPort: 15010 protocol: "TCP" }
      env { name: "CLUSTER_ID" value: "c1" } env { name: "EMPTY" value: "" } }
    initContainers { name: "init" image: "busybox" }
    nodeName: "node-1" hostNetwork: true serviceAccountName: "istiod" terminationGracePeriodSeconds: 30 priority: 0
  }
  status {
    phase: "Running" podIP: "10.0.0.7" podIPs { ip: "10.0.0.7" } hostIP: "192.168.0.1"
    conditions { type: "Ready" status: "True" lastTransitionTime { seconds: 1700000010 } }
    containerStatuses { name: "discovery" ready: true restartCount: 0 state { running { startedAt { seconds: 1700000005 } } } }
  }
}
items { metadata { name: "app-1" namespace: "default" annotations { key: "big" value: "skipped" } labels { key: "app" value: "app" } }
  spec { containers { name: "app" image: "app:1" env { name: "A" value: "b" } } containers { name: "istio-proxy" image: "proxyv2" } } }
metadata { resourceVersion: "99" }`;
    const raw = protoc(root, 'encode', 'k8s.io.api.core.v1.PodList', podText);
    expect(decodedPods(envelope(raw))).toStrictEqual([
      {
        metadata: {
          name: 'istiod-1',
          namespace: 'istio-system',
          labels: { app: 'istiod', 'istio.io/rev': 'default' },
          annotations: { 'prometheus.io/port': '15014' },
          ownerReferences: [{ kind: 'ReplicaSet', name: 'istiod-abc', controller: true }],
        },
        spec: {
          containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.24.0', env: [{ name: 'CLUSTER_ID', value: 'c1' }, { name: 'EMPTY' }] }],
          initContainers: [{ name: 'init', image: 'busybox' }],
          nodeName: 'node-1',
          hostNetwork: true,
        },
        status: { phase: 'Running', podIP: '10.0.0.7', conditions: [{ type: 'Ready', status: 'True' }] },
      },
      {
        metadata: { name: 'app-1', namespace: 'default', labels: { app: 'app' }, annotations: { big: 'skipped' } },
        spec: { containers: [{ name: 'app', image: 'app:1', env: [{ name: 'A', value: 'b' }] }, { name: 'istio-proxy', image: 'proxyv2' }] },
      },
    ]);
    // As the cache reads them: the app pod without what keep() does not read of it.
    const page = keepProtobufPage(PODS, envelope(raw), WHAT);
    expect(page.metadata).toEqual({ resourceVersion: '99' });
    expect(page.kept.map(([key, entry]) => [key, entry.istiodClusterId ?? null, entry.hasSidecar])).toEqual([
      ['istio-system/istiod-1', 'c1', false],
      ['default/app-1', null, true],
    ]);
  });
});
