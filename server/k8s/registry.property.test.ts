/**
 * Property tests (fast-check, fixed seeds) for the kubeconfig loader: any file (random text, random
 * JSON, a valid kubeconfig with any subtree replaced by anything, server URLs carrying credentials)
 * gives a registry, with each bad entry that cluster's config error, or a RegistryError; never another
 * exception, and no credential in a shown server URL or an error message.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PROMETHEUS_CONFIG, type ServerConfig } from '../config';
import { buildRegistry, RegistryError, type Registry } from './registry';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-kubeconfig-fuzz-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const config = (file: string): ServerConfig => ({ kubeconfigPaths: [file], contexts: [], demo: false, deadlineMs: 1000, cacheMs: 0, allowedHosts: null, prometheus: DEFAULT_PROMETHEUS_CONFIG });

/** Loads a kubeconfig text; checks the outcome; the registry when there is one. */
function load(text: string): Registry | null {
  const file = path.join(dir, 'config');
  fs.writeFileSync(file, text, { mode: 0o600 });
  let registry: Registry;
  try {
    registry = buildRegistry(config(file));
  } catch (e) {
    if (!(e instanceof RegistryError)) throw e;
    expect(e.message).not.toMatch(/SECRET/);
    return null;
  }
  for (const c of registry.clusters) {
    expect(typeof c.name).toBe('string');
    expect(c.server).not.toMatch(/SECRET/);
    expect(c.configError?.message ?? '').not.toMatch(/SECRET/);
  }
  for (const w of registry.warnings) expect(w).not.toMatch(/SECRET/);
  return registry;
}

const name = fc.stringMatching(/^[a-z0-9@._-]{1,20}$/);
const server = fc.oneof(
  fc.constant('https://127.0.0.1:6443'),
  fc.constant('https://admin:SECRET-PASSWORD@127.0.0.1:6443/?token=SECRET-QUERY#SECRET-FRAGMENT'),
  fc.stringMatching(/^https?:\/\/[a-z0-9.:@/?=%-]{0,30}$/),
  fc.string({ maxLength: 30 }),
);

/** A kubeconfig document with random names and cross references (some dangling), tokens marked SECRET. */
const kubeconfigDoc = fc
  .record({
    clusters: fc.array(fc.record({ name, server }), { maxLength: 4 }),
    users: fc.array(fc.record({ name, token: fc.stringMatching(/^[a-z0-9]{1,10}$/) }), { maxLength: 4 }),
    contexts: fc.array(fc.record({ name, cluster: name, user: name }), { maxLength: 4 }),
  })
  .map(({ clusters, users, contexts }) => ({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: clusters.map((c) => ({ name: c.name, cluster: { server: c.server } })),
    users: users.map((u) => ({ name: u.name, user: { token: `SECRET-${u.token}` } })),
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.cluster, user: c.user } })),
    'current-context': contexts[0]?.name ?? '',
  }));

function replaceAt(value: unknown, steps: number[], replacement: unknown): unknown {
  if (steps.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [step, ...rest] = steps;
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[step % keys.length];
  const copy = (Array.isArray(value) ? [...value] : { ...value }) as Record<string, unknown>;
  copy[key] = replaceAt(copy[key], rest, replacement);
  return copy;
}

describe('kubeconfig loader', () => {
  it('any text: a registry or a RegistryError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => void load(text)),
      { seed: 931, numRuns: 1000 },
    );
  });

  it('random kubeconfigs with dangling references and credentials in server URLs: every usable cluster shows only origin and path', () => {
    fc.assert(
      fc.property(kubeconfigDoc, (doc) => {
        const registry = load(YAML.stringify(doc));
        for (const c of registry?.clusters ?? []) if (!c.configError) expect(c.server).not.toMatch(/@|\?|#/);
      }),
      { seed: 932, numRuns: 1000 },
    );
  });

  it('a valid kubeconfig with any subtree replaced by any JSON value', () => {
    fc.assert(
      fc.property(kubeconfigDoc, fc.array(fc.nat(), { maxLength: 5 }), fc.jsonValue({ maxDepth: 3 }), (doc, steps, replacement) =>
        void load(YAML.stringify(replaceAt(doc, steps, replacement))),
      ),
      { seed: 933, numRuns: 1000 },
    );
  });
});
