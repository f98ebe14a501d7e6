/**
 * Who is calling one lab API server and what they may do: authentication (client certificates, static
 * tokens, ServiceAccount tokens), impersonation (Impersonate-User / Impersonate-Group, itself an RBAC
 * check), and authorization: the cluster's `forbid` faults for everyone, and Kubernetes RBAC
 * (lab/kube/rbac.ts) for ServiceAccounts and impersonated users. The scenario's admin users stand for
 * system:masters: RBAC does not apply to them, as on a real cluster.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { ClusterFaults, ResourceType } from '../world';
import { RbacPolicy, serviceAccountGroups, serviceAccountUser, type RequestAttributes } from './rbac';
import * as st from './status';

export interface Identity {
  /** The authenticated user name (certificate CN, kubeconfig user name for static tokens, system:serviceaccount:ns:name). */
  username: string;
  /** Other names forbid rules may use for the same user. */
  aliases: string[];
  groups: string[];
  /** Authorized by RBAC (ServiceAccounts, impersonated users); otherwise a superuser. */
  rbac: boolean;
}

/** What one request touches, for forbid faults, RBAC and the 403 message. */
export interface AccessRequest {
  verb: string;
  type: ResourceType;
  subresource?: string;
  name?: string;
  namespace?: string;
}

const userType: ResourceType = { group: '', version: 'v1', resource: 'users', kind: 'User', namespaced: false };
const groupType: ResourceType = { group: '', version: 'v1', resource: 'groups', kind: 'Group', namespaced: false };

export class ClusterAccess {
  private readonly certIdentities = new Map<string, Identity>(); // by certificate CN
  private readonly tokenIdentities = new Map<string, Identity>();
  /** The current token of each ServiceAccount ("namespace/name"); issuing a new one revokes the old. */
  private readonly serviceAccountTokens = new Map<string, string>();
  private policy = new RbacPolicy();

  constructor(private readonly faults: () => ClusterFaults) {}

  addCertUser(kubeconfigUser: string, commonName: string, groups: string[] = []): void {
    const known = this.certIdentities.get(commonName);
    this.certIdentities.set(commonName, { username: commonName, aliases: [...(known?.aliases ?? []), kubeconfigUser], groups: [...groups, 'system:authenticated'], rbac: false });
  }

  addTokenUser(kubeconfigUser: string, token: string): void {
    this.tokenIdentities.set(token, { username: kubeconfigUser, aliases: [], groups: ['system:authenticated'], rbac: false });
  }

  /** A new token for the ServiceAccount (as a projected token rotates); the previous one stops working. */
  issueServiceAccountToken(namespace: string, name: string): string {
    const key = `${namespace}/${name}`;
    const previous = this.serviceAccountTokens.get(key);
    if (previous) this.tokenIdentities.delete(previous);
    const token = `lab-sa.${randomBytes(24).toString('base64url')}`;
    this.serviceAccountTokens.set(key, token);
    this.tokenIdentities.set(token, { username: serviceAccountUser(namespace, name), aliases: [], groups: serviceAccountGroups(namespace), rbac: true });
    return token;
  }

  setPolicy(policy: RbacPolicy): void {
    this.policy = policy;
  }

  authenticate(req: IncomingMessage): Identity | null {
    const auth = req.headers.authorization;
    if (auth) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      return (m && this.tokenIdentities.get(m[1])) || null;
    }
    const socket = req.socket as TLSSocket;
    if (!socket.authorized) return null;
    const cn = socket.getPeerCertificate()?.subject?.CN;
    return (typeof cn === 'string' && this.certIdentities.get(cn)) || null;
  }

  /**
   * The identity the request acts as: the caller's, or the one it impersonates once the caller may
   * impersonate that user and each group. A Status to answer with when it may not.
   */
  impersonate(caller: Identity, req: IncomingMessage): Identity | st.StatusBody {
    const users = req.headersDistinct['impersonate-user'] ?? [];
    const groups = req.headersDistinct['impersonate-group'] ?? [];
    if (users.length === 0) return groups.length ? st.badRequest('requested impersonation of groups without impersonating a user') : caller;
    if (users.length > 1) return st.badRequest('only one Impersonate-User header is allowed');
    const [user] = users;
    for (const [type, name] of [[userType, user], ...groups.map((g) => [groupType, g] as const)] as const) {
      if (!this.allowed(caller, { verb: 'impersonate', type, name })) return st.forbidden(caller.username, 'impersonate', type, undefined, name, undefined);
    }
    return { username: user, aliases: [], groups: [...groups, 'system:authenticated'], rbac: true };
  }

  /** The 403 for a request this identity may not make, or null. */
  denial(identity: Identity, request: AccessRequest, alsoVerbs: string[] = []): st.StatusBody | null {
    return this.allowed(identity, request, alsoVerbs) ? null : st.forbidden(identity.username, request.verb, request.type, request.subresource, request.name, request.namespace);
  }

  /** Non-resource paths (discovery, /version): true when RBAC lets the identity GET them. */
  mayGetPath(identity: Identity, path: string): boolean {
    return !identity.rbac || this.policy.authorize({ name: identity.username, groups: identity.groups }, { verb: 'get', path });
  }

  private allowed(identity: Identity, request: AccessRequest, alsoVerbs: string[] = []): boolean {
    const verbs = [request.verb, ...alsoVerbs];
    const names = ['*', identity.username, ...identity.aliases];
    const resource = request.subresource ? `${request.type.resource}/${request.subresource}` : request.type.resource;
    const fault = this.faults().forbid.find(
      (r) =>
        names.includes(r.user) &&
        (r.verb === '*' || verbs.includes(r.verb)) &&
        (r.resource === '*' || r.resource === resource) &&
        (r.namespace === undefined || request.namespace === undefined || r.namespace === request.namespace),
    );
    if (fault) return false;
    if (!identity.rbac) return true;
    const attributes: RequestAttributes = {
      verb: request.verb,
      apiGroup: request.type.group,
      resource: request.type.resource,
      subresource: request.subresource,
      name: request.name,
      namespace: request.namespace,
    };
    return this.policy.authorize({ name: identity.username, groups: identity.groups }, attributes);
  }
}
