/** metav1.Status bodies with the API server's reasons and wording. */
import type { ServerResponse } from 'node:http';
import type { ResourceType } from '../world';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: Record<string, unknown>;
  code: number;
}

export function status(code: number, reason: string, message: string, details?: Record<string, unknown>): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

export const unauthorized = () => status(401, 'Unauthorized', 'Unauthorized');

/** The RBAC denial message, e.g. `pods "x" is forbidden: User "u" cannot get resource "pods" in API group "" in the namespace "y"`. */
export function forbidden(user: string, verb: string, type: ResourceType, subresource: string | undefined, name: string | undefined, namespace: string | undefined): StatusBody {
  const resource = subresource ? `${type.resource}/${subresource}` : type.resource;
  const subject = name ? `${type.resource} "${name}"` : type.resource;
  const scope = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return status(403, 'Forbidden', `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${type.group}" ${scope}`, {
    ...(name ? { name } : {}),
    ...(type.group ? { group: type.group } : {}),
    kind: type.resource,
  });
}

/** The RBAC denial of a non-resource URL (discovery, /version). */
export function forbiddenPath(user: string, path: string): StatusBody {
  return status(403, 'Forbidden', `forbidden: User "${user}" cannot get path "${path}"`, {});
}

export function notFound(type: ResourceType, name: string): StatusBody {
  const qualified = type.group ? `${type.resource}.${type.group}` : type.resource;
  return status(404, 'NotFound', `${qualified} "${name}" not found`, { name, ...(type.group ? { group: type.group } : {}), kind: type.resource });
}

export const pathNotFound = () => status(404, 'NotFound', 'the server could not find the requested resource', {});

export function methodNotAllowed(method: string): StatusBody {
  return status(405, 'MethodNotAllowed', `${method} is not supported: the mesh lab is read-only`, {});
}

export const badRequest = (message: string) => status(400, 'BadRequest', message);

export function expired(message: string): StatusBody {
  return status(410, 'Expired', message);
}

export function sendJson(res: ServerResponse, code: number, body: unknown): void {
  sendJsonText(res, code, JSON.stringify(body));
}

/** A JSON body already serialized. */
export function sendJsonText(res: ServerResponse, code: number, text: string | Buffer): void {
  res.setHeader('Content-Type', 'application/json'); // set, as sendParts does, so the request log reads it back
  res.writeHead(code, { 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/**
 * A JSON body already serialized in parts (a list's kept objects), written as they are: joining them
 * first would allocate the whole body again (2 MB per page of pods), and at 50 clusters' lists that
 * outside-the-heap churn made the lab's large heap collect again and again.
 */
export function sendJsonParts(res: ServerResponse, code: number, parts: Buffer[]): void {
  sendParts(res, code, 'application/json', parts);
}

/** A body of the given type already serialized in parts (sendJsonParts; a protobuf list). */
export function sendParts(res: ServerResponse, code: number, contentType: string, parts: Buffer[]): void {
  let length = 0;
  for (const part of parts) length += part.length;
  // Set (not passed to writeHead) so the request log can read the type back.
  res.setHeader('Content-Type', contentType);
  res.writeHead(code, { 'Content-Length': length, 'Cache-Control': 'no-cache, private' });
  res.cork();
  for (const part of parts) res.write(part);
  res.end();
}

export function sendStatus(res: ServerResponse, body: StatusBody): void {
  sendJson(res, body.code, body);
}
