import 'server-only';
import type { ListMetadata } from './list-json';
import { decodeList, setText, type ProtoReader } from './protobuf';
import type { KubePod } from './shapes';

/**
 * A core/v1 PodList in protobuf, read into what PodShape (shapes.ts) keeps of a pod's JSON: the same
 * object the JSON path gives, so the cache's keep() is one function for both. Only the kept fields are
 * read; the rest (most of a pod's bytes) is skipped by length. Numbers are Kubernetes' (core/v1 and
 * meta/v1 generated.proto; test/kubernetes-protobuf.test.ts checks them against the files).
 *
 * A pod is read whole (every field of the shape) when `whole` says so from its metadata (the cache:
 * istiod's pods, whose image, env and annotations it keeps); every other pod without its annotations
 * and its containers' images and env, which keep() does not read of it and which are most of the bytes
 * that would have to be checked and copied. Go writes metadata before spec, so that is known in time;
 * a pod whose spec comes first is read whole.
 *
 * Go writes every string field, empty or not, where JSON omits the empty ones (`omitempty`): an empty
 * string of an omitempty field is absent here, as in the JSON (setText). Fields JSON always carries (a
 * container's name, a condition's type) are "" when absent, their Go zero value.
 */

type Pod = NonNullable<KubePod>;
type Metadata = NonNullable<Pod['metadata']>;
type Spec = NonNullable<Pod['spec']>;
type Status = NonNullable<Pod['status']>;
type Container = NonNullable<Spec['containers']>[number];
type EnvVar = NonNullable<Container['env']>[number];
type OwnerReference = NonNullable<Metadata['ownerReferences']>[number];
type Condition = NonNullable<Status['conditions']>[number];

/** The field numbers read, by message (the test reads them from here). */
export const POD_FIELDS = {
  Pod: { metadata: 1, spec: 2, status: 3 },
  ObjectMeta: { name: 1, namespace: 3, labels: 11, annotations: 12, ownerReferences: 13 },
  OwnerReference: { kind: 1, name: 3, controller: 6 },
  PodSpec: { containers: 2, nodeName: 10, hostNetwork: 11, initContainers: 20 },
  Container: { name: 1, image: 2, env: 7 },
  EnvVar: { name: 1, value: 2 },
  PodStatus: { phase: 1, conditions: 2, podIP: 6 },
  PodCondition: { type: 1, status: 2 },
} as const;

const F = POD_FIELDS;

/** A PodList body (magic, runtime.Unknown, PodList): each pod to `each`; returns the list metadata. */
export function decodePodList(body: Buffer, what: string, each: (pod: KubePod) => void, whole: (pod: KubePod) => boolean = () => true): ListMetadata | undefined {
  return decodeList(body, what, 'v1', 'PodList', (r) => readPod(r, whole), each);
}

function readPod(r: ProtoReader, whole: (pod: KubePod) => boolean): KubePod {
  const pod: Pod = {};
  let full = true;
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.Pod.metadata:
        ({ metadata: pod.metadata, whole: full } = r.message(t, 'metadata', (m) => readMetadata(m, whole)));
        break;
      case F.Pod.spec:
        pod.spec = r.message(t, 'spec', full ? readSpec : readSpecLight);
        break;
      case F.Pod.status:
        pod.status = r.message(t, 'status', readStatus);
        break;
      default:
        r.skip(t);
    }
  }
  return pod;
}

/** A pod's metadata, and whether the pod is read whole (its annotations then read too). */
function readMetadata(r: ProtoReader, whole: (pod: KubePod) => boolean): { metadata: Metadata; whole: boolean } {
  const m: Metadata = {};
  const start = r.pos;
  let labels: Record<string, string> | undefined;
  let hasAnnotations = false;
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.ObjectMeta.name:
        setText(m, 'name', r.stringField(t, 'name'));
        break;
      case F.ObjectMeta.namespace:
        setText(m, 'namespace', r.stringField(t, 'namespace'));
        break;
      case F.ObjectMeta.labels:
        r.mapEntry(t, 'labels', (labels ??= {}));
        break;
      case F.ObjectMeta.annotations:
        hasAnnotations = true;
        r.skip(t);
        break;
      case F.ObjectMeta.ownerReferences:
        m.ownerReferences = r.append(t, 'ownerReferences', m.ownerReferences, readOwnerReference);
        break;
      default:
        r.skip(t);
    }
  }
  if (labels) m.labels = labels;
  const isWhole = whole({ metadata: m });
  if (hasAnnotations && isWhole) m.annotations = readAnnotations(r, start);
  return { metadata: m, whole: isWhole };
}

/** The annotations of the metadata message that starts at `start`, read again once the pod is known to be read whole. */
function readAnnotations(r: ProtoReader, start: number): Record<string, string> {
  const annotations: Record<string, string> = {};
  const end = r.pos;
  r.pos = start;
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    if (t >>> 3 === F.ObjectMeta.annotations) r.mapEntry(t, 'annotations', annotations);
    else r.skip(t);
  }
  r.pos = end;
  return annotations;
}

function readOwnerReference(r: ProtoReader): OwnerReference {
  const o: OwnerReference = { kind: '', name: '' };
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.OwnerReference.kind:
        o.kind = r.stringField(t, 'kind');
        break;
      case F.OwnerReference.name:
        o.name = r.stringField(t, 'name');
        break;
      case F.OwnerReference.controller:
        o.controller = r.bool(t, 'controller'); // *bool: present means set, false included
        break;
      default:
        r.skip(t);
    }
  }
  return o;
}

function readSpec(r: ProtoReader): Spec {
  return readSpecWith(r, readContainer);
}

/** A spec of a pod not read whole: its containers' names only. */
function readSpecLight(r: ProtoReader): Spec {
  return readSpecWith(r, readContainerName);
}

function readSpecWith(r: ProtoReader, container: (r: ProtoReader) => Container): Spec {
  const s: Spec = {};
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.PodSpec.containers:
        s.containers = r.append(t, 'containers', s.containers, container);
        break;
      case F.PodSpec.initContainers:
        s.initContainers = r.append(t, 'initContainers', s.initContainers, container);
        break;
      case F.PodSpec.nodeName:
        setText(s, 'nodeName', r.stringField(t, 'nodeName'));
        break;
      case F.PodSpec.hostNetwork:
        // false is JSON's omitted zero value
        if (r.bool(t, 'hostNetwork')) s.hostNetwork = true;
        else if (s.hostNetwork) delete s.hostNetwork;
        break;
      default:
        r.skip(t);
    }
  }
  return s;
}

function readContainer(r: ProtoReader): Container {
  const c: Container = { name: '' };
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.Container.name:
        c.name = r.stringField(t, 'name');
        break;
      case F.Container.image:
        setText(c, 'image', r.stringField(t, 'image'));
        break;
      case F.Container.env:
        c.env = r.append(t, 'env', c.env, readEnvVar);
        break;
      default:
        r.skip(t);
    }
  }
  return c;
}

function readContainerName(r: ProtoReader): Container {
  const c: Container = { name: '' };
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    if (t >>> 3 === F.Container.name) c.name = r.stringField(t, 'name');
    else r.skip(t);
  }
  return c;
}

function readEnvVar(r: ProtoReader): EnvVar {
  const e: EnvVar = { name: '' };
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.EnvVar.name:
        e.name = r.stringField(t, 'name');
        break;
      case F.EnvVar.value:
        setText(e, 'value', r.stringField(t, 'value'));
        break;
      default:
        r.skip(t);
    }
  }
  return e;
}

function readStatus(r: ProtoReader): Status {
  const s: Status = {};
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.PodStatus.phase:
        setText(s, 'phase', r.stringField(t, 'phase'));
        break;
      case F.PodStatus.podIP:
        setText(s, 'podIP', r.stringField(t, 'podIP'));
        break;
      case F.PodStatus.conditions:
        s.conditions = r.append(t, 'conditions', s.conditions, readCondition);
        break;
      default:
        r.skip(t);
    }
  }
  return s;
}

function readCondition(r: ProtoReader): Condition {
  const c: Condition = { type: '', status: '' };
  for (let t = r.tag(); t !== 0; t = r.tag()) {
    switch (t >>> 3) {
      case F.PodCondition.type:
        c.type = r.stringField(t, 'type');
        break;
      case F.PodCondition.status:
        c.status = r.stringField(t, 'status');
        break;
      default:
        r.skip(t);
    }
  }
  return c;
}
