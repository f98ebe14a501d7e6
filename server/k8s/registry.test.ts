import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRegistry, getRegistry, noUsableCluster } from './registry';
import { DEFAULT_PROMETHEUS_CONFIG, loadConfig } from '../config';

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
    const missing = path.join(dir, 'missing.yaml');
    const reg = buildRegistry(config([a, missing, b]));
    expect(reg.clusters.map((c) => [c.name, c.server])).toEqual([
      ['one', 'https://127.0.0.1:1'],
      ['two', 'https://127.0.0.1:3'],
      // A listed file that is missing is said (a misspelt path), without hiding the others.
      [`kubeconfig ${missing}`, ''],
    ]);
    expect(buildRegistry(config([a, b], ['two'])).clusters.map((c) => c.name)).toEqual(['two']);
  });

  it("makes a bad entry that cluster's error and serves the others: duplicates, unknown contexts, missing users", () => {
    const dup = kubeconfig('dup.yaml', [{ context: 'x' }, { context: 'x', cluster: 'other', user: 'other' }]);
    const ok = kubeconfig('ok.yaml', [{ context: 'x' }]);
    const both = buildRegistry(config([dup, ok]));
    expect(both.clusters.map((c) => [c.name, c.configError?.message ?? null])).toEqual([
      ['x', null],
      [`kubeconfig ${dup}`, `kubeconfig ${dup}: duplicate context name "x"; its contexts are not served`],
    ]);
    const named = buildRegistry(config([ok], ['x', 'nope']));
    expect(named.clusters.map((c) => c.name)).toEqual(['x', 'nope']);
    expect(named.get('nope')!.configError).toEqual({ kind: 'config', message: 'nope: context "nope" is not in the kubeconfig (known: "x")', source: 'the kubeconfig' });
    expect(noUsableCluster(named)).toBeNull();
    const noUser = kubeconfig('nouser.yaml', [{ context: 'y', user: 'ghost' }, { context: 'z' }]);
    fs.writeFileSync(noUser, fs.readFileSync(noUser, 'utf8').replace(/- name: "ghost"\n  user:\n    token: tok\n/, ''));
    const ghost = buildRegistry(config([noUser]));
    expect(ghost.get('y')!.configError!.message).toBe('y: context "y" refers to user "ghost", which the kubeconfig does not define');
    expect(ghost.get('z')!.configError).toBeNull();
    // An unusable cluster holds no credentials at all.
    expect(ghost.get('y')!.kc.getContexts()).toEqual([]);
  });

  it("a YAML typo in one of several files is that file's error with file:line:col; a misspelt path is named", () => {
    const good = kubeconfig('good.yaml', [{ context: 'one' }]);
    const typo = kubeconfig('typo.yaml', [{ context: 'two' }]);
    // One space short: the classic hand-edit typo.
    fs.writeFileSync(typo, fs.readFileSync(typo, 'utf8').replace('6443\n', '6443\n   insecure-skip-tls-verify: true\n'));
    const missing = path.join(dir, 'confg');
    const reg = buildRegistry(config([good, typo, missing]));
    expect(reg.clusters.map((c) => c.name)).toEqual(['one', `kubeconfig ${typo}`, `kubeconfig ${missing}`]);
    expect(reg.clusters[1].configError!.message).toBe(`kubeconfig ${typo}:8:4: bad indentation of a mapping entry; its contexts are not served`);
    expect(reg.clusters[2].configError!.message).toBe(`kubeconfig ${missing} does not exist; its contexts are not served`);
    // Named contexts: the missing one says which contexts exist and which files were not read.
    const named = buildRegistry(config([good, typo], ['one', 'two']));
    expect(named.get('one')!.configError).toBeNull();
    expect(named.get('two')!.configError!.message).toMatch(new RegExp(`^two: context "two" is not in the kubeconfig \\(known: "one"; not read: ${typo}:8:4: bad indentation`));
  });

  it('no usable cluster at all is the one fatal state, and it says why', () => {
    const missing = path.join(dir, 'none.yaml');
    expect(noUsableCluster(buildRegistry(config([missing])))).toBe(`no usable cluster: kubeconfig ${missing} does not exist; its contexts are not served`);
    const ok = kubeconfig('only.yaml', [{ context: 'x' }]);
    expect(noUsableCluster(buildRegistry(config([ok], ['nope'])))).toBe('no usable cluster: nope: context "nope" is not in the kubeconfig (known: "x")');
    const empty = path.join(dir, 'empty.yaml');
    fs.writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    expect(noUsableCluster(buildRegistry(config([empty])))).toBe(`no usable cluster: the kubeconfig (${empty}) has no contexts`);
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
    expect(c).toEqual({ kubeconfigPaths: ['/home/u/.kube/config'], contexts: [], demo: false, deadlineMs: 5000, cacheMs: 2000, allowedHosts: null, prometheus: DEFAULT_PROMETHEUS_CONFIG, inCluster: null, inClusterRoot: '' });
    const d = loadConfig({ KUBECONFIG: '/a:/b', ISTHMUS_CONTEXTS: 'x, y,x', ISTHMUS_DEMO: '1', ISTHMUS_DEADLINE_MS: '1500', ISTHMUS_CACHE_MS: '0', ISTHMUS_ALLOWED_HOSTS: 'Example:80,localhost:3000' });
    expect(d).toEqual({ kubeconfigPaths: ['/a', '/b'], contexts: ['x', 'y'], demo: true, deadlineMs: 1500, cacheMs: 0, allowedHosts: ['example:80', 'localhost:3000'], prometheus: DEFAULT_PROMETHEUS_CONFIG, inCluster: null, inClusterRoot: '' });
    // In a pod, no default kubeconfig: the home cluster needs none, remotes come from ISTHMUS_KUBECONFIG.
    expect(loadConfig({ HOME: '/home/u', ISTHMUS_IN_CLUSTER: 'home' })).toMatchObject({ kubeconfigPaths: [], inCluster: 'home' });
    expect(loadConfig({ ISTHMUS_KUBECONFIG: '/c', KUBECONFIG: '/a' }).kubeconfigPaths).toEqual(['/c']);
    expect(() => loadConfig({ ISTHMUS_DEADLINE_MS: 'soon' })).toThrow(/ISTHMUS_DEADLINE_MS/);
    const p = loadConfig({ ISTHMUS_PROMETHEUS: 'cluster1=http://127.0.0.1:9090/,ctx@2=https://prom.example:443', ISTHMUS_PROMETHEUS_URL: 'http://thanos:10902', ISTHMUS_PROMETHEUS_CLUSTER_LABEL: 'k8s_cluster' }).prometheus;
    expect(p).toEqual({ ...DEFAULT_PROMETHEUS_CONFIG, perCluster: [{ cluster: 'cluster1', url: 'http://127.0.0.1:9090' }, { cluster: 'ctx@2', url: 'https://prom.example' }], globalUrl: 'http://thanos:10902', clusterLabel: 'k8s_cluster' });
    expect(() => loadConfig({ ISTHMUS_PROMETHEUS: 'cluster1=http://user:pw@prom:9090' })).toThrow(/ISTHMUS_PROMETHEUS/);
    expect(() => loadConfig({ ISTHMUS_PROMETHEUS_URL: 'file:///etc/passwd' })).toThrow(/ISTHMUS_PROMETHEUS_URL/);
    expect(() => loadConfig({ ISTHMUS_PROMETHEUS_CLUSTER_LABEL: 'a-b' })).toThrow(/ISTHMUS_PROMETHEUS_CLUSTER_LABEL/);
  });
});
