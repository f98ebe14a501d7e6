/**
 * Lenient readers for peer JSON (Envoy admin, istiod debug): unknown fields are ignored, missing or
 * mistyped leaves fall back to a default, and only a body that is not JSON at all (or whose top level
 * has the wrong shape) is a BadResponseError.
 */
import { BadResponseError } from './errors';

export type JsonObject = Record<string, unknown>;

/** JSON.parse that reports a malformed body as BadResponseError without echoing the body. */
export function parseJson(body: string, source: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new BadResponseError(source, `malformed JSON (${body.length} bytes)`);
  }
}

/** The top-level array of a body, or BadResponseError. `null` (Go's nil slice) reads as []. */
export function parseJsonArray(body: string, source: string): unknown[] {
  const value = parseJson(body, source);
  if (value === null) return [];
  if (!Array.isArray(value)) throw new BadResponseError(source, 'expected a JSON array');
  return value;
}

/** The top-level object of a body, or BadResponseError. */
export function parseJsonObject(body: string, source: string): JsonObject {
  const value = parseJson(body, source);
  if (!isObject(value)) throw new BadResponseError(source, 'expected a JSON object');
  return value;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** obj[key] when it is an object, else an empty object. */
export function objectAt(obj: unknown, key: string): JsonObject {
  const value = isObject(obj) ? obj[key] : undefined;
  return isObject(value) ? value : {};
}

/** obj[key] when it is an array, else []. */
export function arrayAt(obj: unknown, key: string): unknown[] {
  const value = isObject(obj) ? obj[key] : undefined;
  return Array.isArray(value) ? value : [];
}

/** obj[key] when it is a string, else `fallback`. */
export function stringAt(obj: unknown, key: string, fallback = ''): string {
  const value = isObject(obj) ? obj[key] : undefined;
  return typeof value === 'string' ? value : fallback;
}

/**
 * obj[key] as a number: proto JSON writes uint64 as strings ("57") and uint32 as numbers; a missing
 * (zero, omitted) or unreadable value is 0.
 */
export function numberAt(obj: unknown, key: string): number {
  const value = isObject(obj) ? obj[key] : undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : 0;
  return Number.isFinite(n) ? n : 0;
}

/** obj[key] === true (proto JSON omits false). */
export function flagAt(obj: unknown, key: string): boolean {
  return isObject(obj) && obj[key] === true;
}
