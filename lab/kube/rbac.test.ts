import { describe, expect, it } from 'vitest';
import { RbacError, RbacPolicy, serviceAccountGroups, serviceAccountUser } from './rbac';

const POLICY = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: reader }
rules:
  - { apiGroups: [""], resources: [pods], verbs: [get, list] }
  - { apiGroups: [""], resources: [pods/portforward], verbs: [create] }
  - { apiGroups: [""], resources: [services/proxy], resourceNames: ["prometheus:9090"], verbs: [get] }
  - { apiGroups: [apps], resources: ["*/scale"], verbs: [get] }
  - { nonResourceURLs: ["/metrics", "/debug/*"], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: sa-reader }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects: [{ kind: ServiceAccount, name: isthmus, namespace: isthmus }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: cm, namespace: istio-system }
rules: [{ apiGroups: [""], resources: [configmaps], verbs: ["*"] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: cm, namespace: istio-system }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: cm }
subjects: [{ kind: Group, name: mesh-admins }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: reader-in-default, namespace: default }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: reader }
subjects: [{ kind: User, name: alice }]
---
apiVersion: v1
kind: ConfigMap
metadata: { name: ignored }
`;

const policy = RbacPolicy.fromYaml(POLICY);
const sa = { name: serviceAccountUser('isthmus', 'isthmus'), groups: serviceAccountGroups('isthmus') };
const alice = { name: 'alice', groups: ['system:authenticated'] };
const admins = { name: 'bob', groups: ['mesh-admins', 'system:authenticated'] };
const res = (verb: string, resource: string, more: { apiGroup?: string; subresource?: string; name?: string; namespace?: string } = {}) => ({ verb, apiGroup: '', resource, ...more });

describe('RbacPolicy', () => {
  it('matches verbs and resources of a ClusterRoleBinding cluster-wide, for the ServiceAccount only', () => {
    expect(policy.authorize(sa, res('list', 'pods'))).toBe(true);
    expect(policy.authorize(sa, res('get', 'pods', { namespace: 'x', name: 'p' }))).toBe(true);
    expect(policy.authorize(sa, res('watch', 'pods'))).toBe(false);
    expect(policy.authorize(sa, res('list', 'secrets'))).toBe(false);
    expect(policy.authorize({ name: serviceAccountUser('other', 'isthmus'), groups: serviceAccountGroups('other') }, res('list', 'pods'))).toBe(false);
  });

  it('tells subresources apart from their resource', () => {
    expect(policy.authorize(sa, res('create', 'pods', { subresource: 'portforward', namespace: 'istio-system', name: 'istiod-1' }))).toBe(true);
    expect(policy.authorize(sa, res('get', 'pods', { subresource: 'log', namespace: 'x', name: 'p' }))).toBe(false);
    expect(policy.authorize(sa, res('create', 'pods'))).toBe(false);
    expect(policy.authorize(sa, res('get', 'deployments', { apiGroup: 'apps', subresource: 'scale', name: 'd', namespace: 'x' }))).toBe(true);
    expect(policy.authorize(sa, res('get', 'deployments', { apiGroup: 'apps', name: 'd', namespace: 'x' }))).toBe(false);
  });

  it('limits a rule with resourceNames to those names (never a list)', () => {
    const proxy = (name?: string) => res('get', 'services', { subresource: 'proxy', namespace: 'istio-system', name });
    expect(policy.authorize(sa, proxy('prometheus:9090'))).toBe(true);
    expect(policy.authorize(sa, proxy('grafana:3000'))).toBe(false);
    expect(policy.authorize(sa, proxy(undefined))).toBe(false);
  });

  it('grants a RoleBinding only in its namespace, also when it references a ClusterRole', () => {
    expect(policy.authorize(alice, res('list', 'pods', { namespace: 'default' }))).toBe(true);
    expect(policy.authorize(alice, res('list', 'pods', { namespace: 'istio-system' }))).toBe(false);
    expect(policy.authorize(alice, res('list', 'pods'))).toBe(false);
    expect(policy.authorize(admins, res('delete', 'configmaps', { namespace: 'istio-system', name: 'istio' }))).toBe(true);
    expect(policy.authorize(admins, res('list', 'configmaps', { namespace: 'default' }))).toBe(false);
  });

  it('matches non-resource URLs exactly or by a trailing *, and gives every authenticated user discovery', () => {
    expect(policy.authorize(sa, { verb: 'get', path: '/metrics' })).toBe(true);
    expect(policy.authorize(sa, { verb: 'get', path: '/debug/pprof' })).toBe(true);
    expect(policy.authorize(sa, { verb: 'get', path: '/metricsx' })).toBe(false);
    expect(policy.authorize(alice, { verb: 'get', path: '/apis/apps/v1' })).toBe(true);
    expect(policy.authorize({ name: 'anon', groups: [] }, { verb: 'get', path: '/apis' })).toBe(false);
    expect(policy.authorize(alice, { verb: 'get', path: '/metrics' })).toBe(false);
  });

  it('denies everything without a policy, and refuses malformed bindings', () => {
    expect(new RbacPolicy().authorize(sa, res('list', 'pods'))).toBe(false);
    expect(() => RbacPolicy.fromYaml('apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: x}\nroleRef: {kind: Role, name: r}\n')).toThrow(RbacError);
  });
});
