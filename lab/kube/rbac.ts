/**
 * Kubernetes RBAC as the API server evaluates it (k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac):
 * Roles, ClusterRoles, RoleBindings and ClusterRoleBindings loaded from YAML; a request is allowed when
 * any rule bound to the user (by name, group or ServiceAccount) matches its verb, API group, resource
 * (with subresource), resource name, or non-resource URL. Deny by default; there are no deny rules.
 * The bootstrap policy's discovery roles (system:discovery, system:public-info-viewer) are built in.
 */
import YAML from 'yaml';

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

interface Subject {
  kind: 'User' | 'Group' | 'ServiceAccount';
  name: string;
  namespace?: string;
}

interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
}

interface Binding {
  namespace?: string; // RoleBinding: its namespace; ClusterRoleBinding: none
  roleRef: RoleRef;
  subjects: Subject[];
}

export interface UserInfo {
  name: string;
  groups: string[];
}

/** What a request asks for, as the API server's RequestInfo. */
export type RequestAttributes =
  | { verb: string; apiGroup: string; resource: string; subresource?: string; name?: string; namespace?: string }
  | { verb: string; path: string };

/** The bootstrap ClusterRoles every authenticated user has (discovery, version, health). */
const BOOTSTRAP_NON_RESOURCE = ['/api', '/api/*', '/apis', '/apis/*', '/version', '/version/', '/healthz', '/livez', '/readyz', '/openapi', '/openapi/*'];

export class RbacError extends Error {}

export class RbacPolicy {
  private readonly roles = new Map<string, PolicyRule[]>(); // "namespace/name"
  private readonly clusterRoles = new Map<string, PolicyRule[]>();
  private readonly bindings: Binding[] = [];

  /** Parses a multi-document YAML stream; kinds other than the four RBAC ones are ignored (a manifest may hold a Deployment too). */
  static fromYaml(text: string): RbacPolicy {
    const policy = new RbacPolicy();
    for (const doc of YAML.parseAllDocuments(text)) {
      if (doc.errors.length) throw new RbacError(`invalid YAML: ${doc.errors[0].message}`);
      const o = doc.toJS() as Record<string, unknown> | null;
      if (o) policy.add(o);
    }
    return policy;
  }

  add(o: Record<string, unknown>): void {
    const metadata = (o.metadata ?? {}) as { name?: string; namespace?: string };
    if (!String(o.apiVersion ?? '').startsWith('rbac.authorization.k8s.io/')) return;
    if (!metadata.name) throw new RbacError(`${String(o.kind)} without a name`);
    const rules = ((o.rules as PolicyRule[] | undefined) ?? []).map((r) => ({ ...r, verbs: r.verbs ?? [] }));
    switch (o.kind) {
      case 'ClusterRole':
        this.clusterRoles.set(metadata.name, rules);
        break;
      case 'Role':
        this.roles.set(`${metadata.namespace ?? 'default'}/${metadata.name}`, rules);
        break;
      case 'ClusterRoleBinding':
      case 'RoleBinding': {
        const roleRef = o.roleRef as RoleRef | undefined;
        if (!roleRef?.name || (roleRef.kind !== 'Role' && roleRef.kind !== 'ClusterRole')) throw new RbacError(`${String(o.kind)} ${metadata.name}: bad roleRef`);
        if (o.kind === 'ClusterRoleBinding' && roleRef.kind === 'Role') throw new RbacError(`ClusterRoleBinding ${metadata.name} cannot reference a Role`);
        const namespace = o.kind === 'RoleBinding' ? (metadata.namespace ?? 'default') : undefined;
        this.bindings.push({ namespace, roleRef, subjects: (o.subjects as Subject[] | undefined) ?? [] });
        break;
      }
    }
  }

  /** Whether any bound rule allows the request (the caller words the 403 as the API server does). */
  authorize(user: UserInfo, request: RequestAttributes): boolean {
    if ('path' in request) {
      if (request.verb === 'get' && user.groups.includes('system:authenticated') && BOOTSTRAP_NON_RESOURCE.some((p) => urlMatches(p, request.path))) return true;
    }
    for (const binding of this.bindings) {
      if (!binding.subjects.some((s) => subjectMatches(s, user, binding.namespace))) continue;
      // A RoleBinding grants only inside its namespace, and never non-resource URLs.
      if (binding.namespace !== undefined && ('path' in request || request.namespace !== binding.namespace)) continue;
      const rules = binding.roleRef.kind === 'ClusterRole' ? this.clusterRoles.get(binding.roleRef.name) : this.roles.get(`${binding.namespace}/${binding.roleRef.name}`);
      if (rules?.some((rule) => ruleAllows(rule, request))) return true;
    }
    return false;
  }
}

function subjectMatches(subject: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (subject.kind) {
    case 'User':
      return subject.name === user.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A RoleBinding's ServiceAccount subject without a namespace means the binding's namespace.
      const namespace = subject.namespace || bindingNamespace;
      return !!namespace && user.name === serviceAccountUser(namespace, subject.name);
    }
    default:
      return false;
  }
}

function ruleAllows(rule: PolicyRule, request: RequestAttributes): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(request.verb)) return false;
  if ('path' in request) return (rule.nonResourceURLs ?? []).some((p) => urlMatches(p, request.path));
  const groups = rule.apiGroups ?? [];
  if (!groups.includes('*') && !groups.includes(request.apiGroup)) return false;
  if (!resourceMatches(rule.resources ?? [], request.resource, request.subresource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (request.name !== undefined && names.includes(request.name));
}

function resourceMatches(resources: string[], resource: string, subresource: string | undefined): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return resources.some((r) => r === '*' || r === combined || (subresource !== undefined && r === `*/${subresource}`));
}

/** Exact, or a prefix ending in '*' ("/apis/*"); "*" alone matches everything. */
function urlMatches(pattern: string, path: string): boolean {
  if (pattern === '*' || pattern === path) return true;
  return pattern.endsWith('*') && path.startsWith(pattern.slice(0, -1));
}

/** The user name of a ServiceAccount's tokens. */
export function serviceAccountUser(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** The groups of a ServiceAccount's tokens. */
export function serviceAccountGroups(namespace: string): string[] {
  return ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'];
}
