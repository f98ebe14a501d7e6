/**
 * deploy/kubernetes: the base and each overlay render with `kubectl kustomize` (offline), every object
 * validates against the Kubernetes schema (test/kube-schema.ts), the pod runs locked down, and the RBAC
 * grants reads only (no Secrets, no write verb but port-forward's create).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { hasKubectl, kubectlPath } from './lab-helpers';
import { parseObjects, validateObject } from './kube-schema';
import { remoteKubeconfig, remoteManifests } from '@/scripts/remote-cluster.mjs';

const root = path.resolve(__dirname, '..');
const TARGETS = ['deploy/kubernetes', 'deploy/kubernetes/overlays/home', 'deploy/kubernetes/overlays/home-and-remotes'];

type Obj = Record<string, any>;

const rendered = new Map<string, string>();
function render(dir: string): Obj[] {
  if (!rendered.has(dir)) rendered.set(dir, execFileSync(kubectlPath, ['kustomize', path.join(root, dir)], { encoding: 'utf8', timeout: 30_000 }));
  return parseObjects(rendered.get(dir)!);
}

describe('the schema validator', () => {
  it('rejects a wrong type, a missing required field and an unknown field', async () => {
    const deployment = (container: Obj) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [container] } } },
    });
    expect(await validateObject(deployment({ name: 'c', image: 'i' }))).toEqual([]);
    expect((await validateObject(deployment({ name: 'c', image: 3 }))).join()).toMatch(/image must be string/);
    expect((await validateObject(deployment({ image: 'i' }))).join()).toMatch(/must have required property name/);
    expect(await validateObject(deployment({ name: 'c', image: 'i', securityContex: {} }))).toEqual([
      'Deployment/x: unknown field Deployment.spec.template.spec.containers[0].securityContex',
    ]);
    expect((await validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).join()).toMatch(/no schema/);
  });
});

describe.skipIf(!hasKubectl)('deploy/kubernetes', () => {
  it.each(TARGETS)('%s renders, and every object validates against the Kubernetes schema', async (dir) => {
    const objects = render(dir);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      expect.arrayContaining(['ClusterRole/isthmus-reader', 'ClusterRoleBinding/isthmus-reader', 'Deployment/isthmus', 'Namespace/isthmus', 'NetworkPolicy/isthmus', 'Service/isthmus', 'ServiceAccount/isthmus']),
    );
    const problems = (await Promise.all(objects.map(validateObject))).flat();
    expect(problems).toEqual([]);
  });

  it('runs the pod non-root, read-only, without capabilities, seccomp RuntimeDefault, with requests, limits and probes', () => {
    for (const dir of TARGETS) {
      const deployment = render(dir).find((o) => o.kind === 'Deployment')!;
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      for (const c of pod.containers) {
        expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
        expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
        expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
        expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(['/healthz', '/readyz']);
      }
    }
  });

  it('grants reads only: no Secrets, no write verb but create on pods/portforward', () => {
    const roles = render('deploy/kubernetes').filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    expect(roles.length).toBeGreaterThan(0);
    for (const rule of roles.flatMap((r) => r.rules as Obj[])) {
      expect(rule.resources).not.toContain('secrets');
      expect(rule.resources).not.toContain('*');
      for (const verb of rule.verbs) {
        if (verb === 'create') expect(rule.resources).toEqual(['pods/portforward']);
        else expect(['get', 'list', 'watch']).toContain(verb);
      }
    }
  });

  it('mounts the remotes kubeconfig Secret only in the home-and-remotes overlay', () => {
    const env = (dir: string) => render(dir).find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].env as Obj[];
    expect(env('deploy/kubernetes/overlays/home').find((e) => e.name === 'ISTHMUS_KUBECONFIG')).toBeUndefined();
    expect(env('deploy/kubernetes/overlays/home-and-remotes')).toEqual(expect.arrayContaining([{ name: 'ISTHMUS_KUBECONFIG', value: '/etc/isthmus/remotes/kubeconfig' }]));
  });
});

describe.skipIf(!hasKubectl)('the impersonate component', () => {
  it('adds the impersonation ClusterRole and ISTHMUS_IMPERSONATE; everything still validates', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-kustomize-'));
    try {
      const rel = (p: string) => path.relative(dir, path.join(root, p));
      fs.writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        `resources: [${rel('deploy/kubernetes/overlays/home')}]\ncomponents: [${rel('deploy/kubernetes/components/impersonate')}]\n`,
      );
      const objects: Obj[] = parseObjects(execFileSync(kubectlPath, ['kustomize', '--load-restrictor', 'LoadRestrictionsNone', dir], { encoding: 'utf8' }));
      expect((await Promise.all(objects.map(validateObject))).flat()).toEqual([]);
      const role = objects.find((o) => o.kind === 'ClusterRole' && o.metadata.name === 'isthmus-impersonate')!;
      expect(role.rules).toEqual([{ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }]);
      const env = objects.find((o) => o.kind === 'Deployment')!.spec.template.spec.containers[0].env as Obj[];
      expect(env).toEqual(expect.arrayContaining([{ name: 'ISTHMUS_IMPERSONATE', value: '1' }]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts/remote-cluster.mjs', () => {
  it('prints valid objects: the home cluster\'s RBAC, a ServiceAccount and its token Secret', async () => {
    const objects: Obj[] = parseObjects(remoteManifests());
    expect((await Promise.all(objects.map(validateObject))).flat()).toEqual([]);
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/isthmus',
      'ServiceAccount/isthmus',
      'ClusterRole/isthmus-reader',
      'ClusterRoleBinding/isthmus-reader',
      'Role/isthmus-reader',
      'RoleBinding/isthmus-reader',
      'Role/isthmus-apiserver-address',
      'RoleBinding/isthmus-apiserver-address',
      'Secret/isthmus-token',
    ]);
    const secret = objects.at(-1)!;
    expect(secret).toMatchObject({ type: 'kubernetes.io/service-account-token', metadata: { annotations: { 'kubernetes.io/service-account.name': 'isthmus' } } });
    expect(parseObjects(remoteManifests({ impersonate: true })).map((o: Obj) => o.metadata.name)).toContain('isthmus-impersonate');
  });

  it('prints a kubeconfig client-node loads: one context named for Isthmus, token and CA', () => {
    const kc = new KubeConfig();
    kc.loadFromString(remoteKubeconfig({ name: 'eu-west', server: 'https://10.0.0.1:6443', caPem: 'CA PEM', token: 'tok' }));
    expect(kc.getContexts().map((c) => c.name)).toEqual(['eu-west']);
    expect(kc.getCurrentCluster()).toMatchObject({ server: 'https://10.0.0.1:6443', caData: Buffer.from('CA PEM').toString('base64') });
    expect(kc.getCurrentUser()?.token).toBe('tok');
  });
});
