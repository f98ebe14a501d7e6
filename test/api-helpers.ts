/** Shared setup for the API integration tests (test/api-*.test.ts): the lab's seed scenario behind our server code. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startLab, type Lab, type LabOptions } from '@/lab/index';
import type { LabFault } from '@/lab/world';
import type { ClusterStatus, SourceError } from '@/lib/types/api';
import { resetClusterState } from '@/server/k8s/cluster-state';
import { getRegistry } from '@/server/k8s/registry';

export const DEADLINE_MS = 1500;
export const CLUSTER1 = 'cluster1-admin@cluster1';
export const CLUSTER2 = 'cluster2-admin@cluster2';

/** Starts the seed lab and points the server's environment at it (short deadline, no cache). */
export async function startSeedLab(options: Omit<LabOptions, 'kubeconfigOut'> = {}): Promise<Lab> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-api-'));
  const lab = await startLab({ ...options, kubeconfigOut: path.join(dir, 'kubeconfig') });
  process.env.ISTHMUS_KUBECONFIG = lab.kubeconfigPath;
  process.env.ISTHMUS_CONTEXTS = '';
  process.env.ISTHMUS_DEADLINE_MS = String(DEADLINE_MS);
  process.env.ISTHMUS_CACHE_MS = '0';
  return lab;
}

export async function stopLab(lab: Lab | undefined): Promise<void> {
  resetClusterState();
  await lab?.stop();
}

/**
 * The seed lab for the enclosing file or describe block, and fault(on, off): a fault applied for one
 * test, reverted after it, each test starting from a cold state.
 */
export function seedLabWithFaults(afterStart?: (lab: Lab) => void, options: Omit<LabOptions, 'kubeconfigOut'> = {}): { readonly lab: Lab; fault(on: LabFault, off: LabFault): void } {
  let lab: Lab;
  const undo: LabFault[] = [];
  beforeAll(async () => {
    lab = await startSeedLab(options);
    afterStart?.(lab);
  });
  afterAll(() => stopLab(lab));
  afterEach(() => {
    for (const f of undo.splice(0)) lab.applyFault(f);
    freshState();
  });
  return {
    get lab() {
      return lab;
    },
    fault(on, off) {
      lab.applyFault(on);
      undo.push(off);
      freshState();
    },
  };
}

/** Start over as a freshly started server would: no cached result, kept-open forward or watch-fed cache. */
export function freshState(): void {
  resetClusterState();
}

export const registry = () => getRegistry();

export function apiRequest(pathAndQuery: string): Request {
  return new Request(`http://127.0.0.1:3000${pathAndQuery}`);
}

export function params<T extends Record<string, string>>(p: T): { params: Promise<T> } {
  return { params: Promise.resolve(p) };
}

/** Every error of an answer's envelopes, each with its cluster (context): what the tests compare. */
export function clusterErrors(clusters: ClusterStatus[]): Array<SourceError & { cluster: string }> {
  return clusters.flatMap((c) => c.errors.map((e) => ({ ...e, cluster: c.cluster })));
}
