/** labelSelector and fieldSelector as the API server parses and applies them. */
import type { KubeObject } from '../world';

export class SelectorError extends Error {}

type LabelRequirement =
  | { op: 'exists' | '!'; key: string }
  | { op: '=' | '!='; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'gt' | 'lt'; key: string; value: number };

export type LabelSelector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas outside parentheses: "a in (x,y),b" -> ["a in (x,y)", "b"]. */
function splitTerms(selector: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

const keyPattern = '[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?';
const setPattern = new RegExp(`^(${keyPattern})\\s+(in|notin)\\s*\\((.*)\\)$`);
const comparePattern = new RegExp(`^(${keyPattern})\\s*(==|!=|=|>|<)\\s*(.*)$`);
const existsPattern = new RegExp(`^(!?)\\s*(${keyPattern})$`);

function parseLabelTerm(term: string): LabelRequirement {
  let m = setPattern.exec(term);
  if (m) {
    const values = m[4].split(',').map((v) => v.trim());
    return { op: m[3] as 'in' | 'notin', key: m[1], values };
  }
  m = existsPattern.exec(term);
  if (m) return { op: m[1] ? '!' : 'exists', key: m[2] };
  m = comparePattern.exec(term);
  if (m) {
    const value = m[4].trim();
    if (m[3] === '>' || m[3] === '<') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new SelectorError(`unable to parse requirement: for 'gt', 'lt' operators, the value must be an integer`);
      return { op: m[3] === '>' ? 'gt' : 'lt', key: m[1], value: n };
    }
    return { op: m[3] === '!=' ? '!=' : '=', key: m[1], value };
  }
  throw new SelectorError(`unable to parse requirement: found '${term}', expected: key, '!key', 'key=value', 'key in (...)'`);
}

function matches(req: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
      return has && value === req.value;
    case '!=':
      return !has || value !== req.value;
    case 'in':
      return has && req.values.includes(value);
    case 'notin':
      return !has || !req.values.includes(value);
    case 'gt':
      return has && Number(value) > req.value;
    case 'lt':
      return has && Number(value) < req.value;
  }
}

export function parseLabelSelector(selector: string | null): LabelSelector {
  if (!selector) return () => true;
  const requirements = splitTerms(selector).map(parseLabelTerm);
  return (labels) => requirements.every((r) => matches(r, labels ?? {}));
}

/** Fields the lab supports, as the API server does for pods (metadata.* for every type). */
const fieldGetters: Record<string, (o: KubeObject) => string | undefined> = {
  'metadata.name': (o) => o.metadata.name,
  'metadata.namespace': (o) => o.metadata.namespace ?? '',
  'status.phase': (o) => (o.status as { phase?: string } | undefined)?.phase ?? '',
  'spec.nodeName': (o) => (o.spec as { nodeName?: string } | undefined)?.nodeName ?? '',
};
const podOnlyFields = new Set(['status.phase', 'spec.nodeName']);

export type FieldSelector = (o: KubeObject) => boolean;

export function parseFieldSelector(selector: string | null, resource: string): FieldSelector {
  if (!selector) return () => true;
  const terms = splitTerms(selector).map((term) => {
    const m = /^([^!=]+?)\s*(==|!=|=)\s*(.*)$/.exec(term);
    if (!m) throw new SelectorError(`invalid selector: '${selector}'; can't understand '${term}'`);
    const field = m[1].trim();
    const get = fieldGetters[field];
    if (!get || (podOnlyFields.has(field) && resource !== 'pods')) {
      throw new SelectorError(`field label not supported: ${field}`);
    }
    return { get, negate: m[2] === '!=', value: m[3].trim() };
  });
  return (o) => terms.every((t) => (t.get(o) === t.value) !== t.negate);
}
