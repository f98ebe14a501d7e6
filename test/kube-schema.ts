/**
 * Offline validation of Kubernetes objects against the API's own schema, as `kubeconform -strict` does:
 *  - kubernetes-models (npm): the OpenAPI schema of each kind compiled to validators (types, required
 *    fields, enums, formats);
 *  - client-node's generated models: the field names of every type, so an unknown or misspelt field
 *    (which the API server would drop or refuse) is an error too.
 */
import * as k8s from '@kubernetes/client-node';
import YAML from 'yaml';

interface Attribute {
  baseName: string;
  type: string;
}
type ModelClass = { attributeTypeMap?: Attribute[] };
const models = k8s as unknown as Record<string, ModelClass | undefined>;

/** client-node's model class name for a kind: V1Deployment, V1ClusterRole, V1NetworkPolicy... */
function modelName(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').pop() ?? '';
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

/** Fields the client-node models do not know below `path`. */
function unknownFields(value: unknown, type: string, path: string, found: string[]): string[] {
  if (value === null || value === undefined) return found;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (Array.isArray(value)) value.forEach((v, i) => unknownFields(v, array[1], `${path}[${i}]`, found));
    return found;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value === 'object') for (const [k, v] of Object.entries(value)) unknownFields(v, map[1], `${path}.${k}`, found);
    return found;
  }
  const attributes = models[type]?.attributeTypeMap;
  if (!attributes || typeof value !== 'object' || Array.isArray(value)) return found;
  for (const [key, v] of Object.entries(value)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) found.push(`${path}.${key}`);
    else unknownFields(v, attribute.type, `${path}.${key}`, found);
  }
  return found;
}

interface KubeModel {
  validate(): void;
}

/** The problems of one object; [] when it is valid. */
export async function validateObject(object: { apiVersion?: string; kind?: string; metadata?: { name?: string } }): Promise<string[]> {
  const { apiVersion = '', kind = '' } = object;
  const name = `${kind}/${object.metadata?.name ?? '?'}`;
  const modulePath = `kubernetes-models/${apiVersion.includes('/') ? apiVersion : `v1`}/${kind}`;
  let Model: new (data: unknown) => KubeModel;
  try {
    Model = ((await import(/* @vite-ignore */ modulePath)) as Record<string, new (data: unknown) => KubeModel>)[kind];
  } catch {
    return [`${name}: no schema for ${apiVersion} ${kind}`];
  }
  if (!Model) return [`${name}: no schema for ${apiVersion} ${kind}`];
  const problems: string[] = [];
  try {
    new Model(object).validate();
  } catch (e) {
    problems.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const model = modelName(apiVersion, kind);
  if (!models[model]?.attributeTypeMap) problems.push(`${name}: no field list for ${model}`);
  else for (const field of unknownFields(object, model, kind, [])) problems.push(`${name}: unknown field ${field}`);
  return problems;
}

/** Every document of a multi-document YAML stream. */
export function parseObjects(yamlText: string): Array<Record<string, unknown>> {
  return YAML.parseAllDocuments(yamlText)
    .map((d) => d.toJS() as Record<string, unknown> | null)
    .filter((o): o is Record<string, unknown> => o !== null);
}
