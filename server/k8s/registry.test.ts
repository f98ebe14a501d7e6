import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRegistry, getRegistry, RegistryError } from './registry';
import { loadConfig } from '../config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-registry-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function kubeconfig(file: string, entries: Array<{ context: string; cluster?: string; user?: string; server?: string; token?: string }>, extra = '') {
  const yaml = [
    'apiVersion: v1',
    'kind: Config',
    `current-context: "${entries[0]?.context ?? ''}"`,
    'clusters:',
    ...entries.map((e) => `- name: "${e.cluster ?? e.context}"\n  cluster:\n    server: ${e.server ?? 'https://127.0.0.1:6443'}`),
    'users:',
    ...entries.map((e) => `- name: "${e.user ?? e.context}"\n  user:\n    token: ${e.token ?? 'tok'}`),
    'contexts:',
    ...entries.map((e) => `- name: "${e.context}"\n  context:\n    cluster: "${e.cluster ?? e.context}"\n    user: "${e.user ?? e.context}"`),
    extra,
  ].join('\n');
  const p = path.join(dir, file);
  fs.writeFileSync(p, yaml);
  return p;
}

const config = (paths: string[], contexts: string[] = []) => ({ ...loadConfig({}), kubeconfigPaths: paths, contexts });

describe('cluster registry', () => {
  it('builds one KubeConfig per context holding only that context, names with : / @ included', () => {
    const eks = 'arn:aws:eks:us-west-2:123:cluster/x';
    const p = kubeconfig('a.yaml', [{ context: 'cluster1-admin@cluster1', server: 'https://127.0.0.1:1001' }, { context: eks, server: 'https://127.0.0.1:1002' }]);
    const reg = buildRegistry(config([p]));
    expect(reg.clusters.map((c) => c.name)).toEqual(['cluster1-admin@cluster1', eks]);
    const c = reg.get(eks)!;
    expect(c.server).toBe('https://127.0.0.1:1002');
    expect(c.kc.getContexts().map((x) => x.name)).toEqual([eks]);
    expect(c.kc.getUsers()).toHaveLength(1);
    expect(c.kc.getCurrentContext()).toBe(eks);
  });

  it('merges several files as kubectl does (first wins) and selects contexts', () => {
    const a = kubeconfig('m1.yaml', [{ context: 'one', server: 'https://127.0.0.1:1' }]);
    const b = kubeconfig('m2.yaml', [{ context: 'one', server: 'https://127.0.0.1:2' }, { context: 'two', server: 'https://127.0.0.1:3' }]);
    const reg = buildRegistry(config([a, path.join(dir, 'missing.yaml'), b]));
    expect(reg.clusters.map((c) => [c.name, c.server])).toEqual([
      ['one', 'https://127.0.0.1:1'],
      ['two', 'https://127.0.0.1:3'],
    ]);
    expect(buildRegistry(config([a, b], ['two'])).clusters.map((c) => c.name)).toEqual(['two']);
  });

  it('reports duplicates, unknown contexts and missing users clearly', () => {
    const dup = kubeconfig('dup.yaml', [{ context: 'x' }, { context: 'x', cluster: 'other', user: 'other' }]);
    expect(() => buildRegistry(config([dup]))).toThrow(/duplicate context name "x"/);
    const ok = kubeconfig('ok.yaml', [{ context: 'x' }]);
    expect(() => buildRegistry(config([ok], ['nope']))).toThrow(/context "nope" is not in the kubeconfig/);
    const noUser = kubeconfig('nouser.yaml', [{ context: 'y', user: 'ghost' }]);
    fs.writeFileSync(noUser, fs.readFileSync(noUser, 'utf8').replace(/users:\n- name: "ghost"\n  user:\n    token: tok/, 'users: []'));
    expect(() => buildRegistry(config([noUser]))).toThrow(RegistryError);
    expect(() => buildRegistry(config([noUser]))).toThrow(/user "ghost"/);
    expect(() => buildRegistry(config([path.join(dir, 'none.yaml')]))).toThrow(/no kubeconfig file found/);
  });

  it('picks up a changed kubeconfig without a restart and never leaks a token into errors', () => {
    const p = kubeconfig('live.yaml', [{ context: 'live', server: 'https://127.0.0.1:10', token: 'secret-token-1' }]);
    const env = { ISTHMUS_KUBECONFIG: p };
    const first = getRegistry(env);
    expect(first.get('live')!.server).toBe('https://127.0.0.1:10');
    expect(getRegistry(env)).toBe(first);
    kubeconfig('live.yaml', [{ context: 'live', server: 'https://127.0.0.1:11', token: 'secret-token-2' }, { context: 'new' }]);
    const future = new Date(Date.now() + 5000);
    fs.utimesSync(p, future, future);
    const second = getRegistry(env);
    expect(second.get('live')!.server).toBe('https://127.0.0.1:11');
    expect(second.get('live')!.generation).not.toBe(first.get('live')!.generation);
    expect(second.clusters.map((c) => c.name)).toEqual(['live', 'new']);
  });

  it("drops a removed or changed cluster's state with its handle; an unchanged one keeps it", () => {
    const p = kubeconfig('state.yaml', [{ context: 'stays' }, { context: 'goes' }, { context: 'changes', token: 'a' }]);
    const env = { ISTHMUS_KUBECONFIG: p };
    const first = getRegistry(env);
    const closed: string[] = [];
    for (const c of first.clusters) {
      c.state.results.set('mesh', { promise: Promise.resolve(), expiresAt: Infinity });
      c.state.owned.add({ close: () => closed.push(c.name) });
    }
    kubeconfig('state.yaml', [{ context: 'stays' }, { context: 'changes', token: 'b' }]);
    const future = new Date(Date.now() + 10_000);
    fs.utimesSync(p, future, future);
    const second = getRegistry(env);
    expect(closed.sort()).toEqual(['changes', 'goes']);
    expect(first.get('goes')!.state.results.size).toBe(0);
    expect(second.get('stays')).toBe(first.get('stays'));
    expect(second.get('stays')!.state.results.size).toBe(1);
    expect(second.get('changes')!.state.results.size).toBe(0);
  });
});

describe('loadConfig', () => {
  it('reads the launcher contract with defaults', () => {
    const c = loadConfig({ HOME: '/home/u' });
    expect(c).toEqual({ kubeconfigPaths: ['/home/u/.kube/config'], contexts: [], demo: false, deadlineMs: 5000, cacheMs: 2000, allowedHosts: null });
    const d = loadConfig({ KUBECONFIG: '/a:/b', ISTHMUS_CONTEXTS: 'x, y,x', ISTHMUS_DEMO: '1', ISTHMUS_DEADLINE_MS: '1500', ISTHMUS_CACHE_MS: '0', ISTHMUS_ALLOWED_HOSTS: 'Example:80,localhost:3000' });
    expect(d).toEqual({ kubeconfigPaths: ['/a', '/b'], contexts: ['x', 'y'], demo: true, deadlineMs: 1500, cacheMs: 0, allowedHosts: ['example:80', 'localhost:3000'] });
    expect(loadConfig({ ISTHMUS_KUBECONFIG: '/c', KUBECONFIG: '/a' }).kubeconfigPaths).toEqual(['/c']);
    expect(() => loadConfig({ ISTHMUS_DEADLINE_MS: 'soon' })).toThrow(/ISTHMUS_DEADLINE_MS/);
  });
});
