/**
 * A pod's workload identity: the one place it is derived. The server attaches it to topology nodes
 * and to the pod list (PodSummary.workload), so the topology, the pod picker and the side panels agree
 * on which pods make a workload without deriving it again in the browser.
 */
import type { WorkloadIdentity } from '../types/api';
import type { PodSnapshot } from './snapshot';

/** A workload's version when its pods carry no version label. */
export const UNVERSIONED = 'unversioned';

/** ReplicaSet pods end in "-<template hash>-<5 chars>", DaemonSet/bare ReplicaSet pods in "-<5 chars>", StatefulSet pods in "-<ordinal>". */
const POD_SUFFIXES = [/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, /-[a-z0-9]{5}$/, /-\d+$/];

/** A Deployment's ReplicaSet is named "<deployment>-<pod-template-hash>". */
const TEMPLATE_HASH_SUFFIX = /-[a-z0-9]{6,10}$/;

/** The controller a pod's name stands for: its ReplicaSet's Deployment, its StatefulSet, DaemonSet, Job… */
function ownerName(pod: Pick<PodSnapshot, 'name' | 'labels' | 'owner'>): string {
  const { owner } = pod;
  if (owner?.kind === 'ReplicaSet') {
    const hash = pod.labels['pod-template-hash'];
    if (hash && owner.name.endsWith(`-${hash}`)) return owner.name.slice(0, -hash.length - 1);
    return owner.name.replace(TEMPLATE_HASH_SUFFIX, '');
  }
  if (owner) return owner.name;
  // No owner known (a bare pod, or a snapshot built without owners): the name without controller suffixes.
  for (const suffix of POD_SUFFIXES) if (suffix.test(pod.name)) return pod.name.replace(suffix, '');
  return pod.name;
}

/** The workload a pod belongs to in a cluster (context name). */
export function workloadOf(cluster: string, pod: Pick<PodSnapshot, 'namespace' | 'name' | 'labels' | 'owner'>): WorkloadIdentity {
  const name = pod.labels.app || pod.labels['app.kubernetes.io/name'] || ownerName(pod);
  const version = pod.labels.version || pod.labels['app.kubernetes.io/version'] || UNVERSIONED;
  return { name, version, id: `wl:${cluster}:${pod.namespace}:${name}:${version}` };
}
