/**
 * Property tests (fast-check, fixed seeds) for every parser of istiod and Envoy answers: whatever the
 * peer sends (any text, any JSON, the real fixtures with any subtree replaced by anything, nesting
 * 100,000 levels deep), a parser returns data or throws BadResponseError, never another error, and what
 * it returns serializes and feeds the istioctl tables without throwing.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClusterz } from './clusterz';
import { parseEdsConfigDump } from './config-dump';
import { endpointRows, parseEnvoyClusters } from './envoy-clusters';
import { isBadResponseError } from './errors';
import { parseNetworkz } from './networkz';
import { parseSyncz, parseSynczDetails } from './syncz';
import { endpointsTable, proxyStatusTable, remoteClustersTable } from './tables';
import { istioVersionFromImage } from './version';

const FIXTURES = '/work/shared/fixtures/istio';
const fixture = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}`, 'utf8')) as unknown;

interface Parser {
  name: string;
  parse: (body: string) => unknown;
  /** A real answer to mutate. */
  sample: unknown;
}

const PARSERS: Parser[] = [
  { name: 'clusterz', parse: (b) => remoteClustersTable(parseClusterz(b, 'istiod-1', 'default')), sample: fixture('synthesized/debug-clusterz.istiod-cluster1.json') },
  { name: 'syncz', parse: (b) => proxyStatusTable(parseSyncz(b, 'istiod-1')), sample: fixture('synthesized/debug-syncz.istiod-cluster1.json') },
  { name: 'syncz details', parse: (b) => parseSynczDetails(b, 'istiod-1'), sample: fixture('synthesized/debug-syncz.istiod-cluster1.json') },
  { name: 'networkz', parse: (b) => parseNetworkz(b, 'istiod-1'), sample: fixture('synthesized/debug-networkz.istiod-cluster1.json') },
  {
    name: 'Envoy /clusters',
    parse: (b) => endpointsTable(endpointRows(parseEnvoyClusters(b), {})),
    sample: fixture('synthesized/envoy-clusters.curl-cluster1.json'),
  },
  { name: 'Envoy EDS config dump', parse: (b) => parseEdsConfigDump(b), sample: fixture('envoy-config-dump-eds/configdump.json') },
];

/** Runs the parser; true when it returned serializable data or threw BadResponseError. */
function behaves(parse: Parser['parse'], body: string): boolean {
  let out: unknown;
  try {
    out = parse(body);
  } catch (e) {
    if (isBadResponseError(e)) return true;
    throw e;
  }
  JSON.stringify(out);
  return true;
}

/** Replaces the subtree a path of child indexes leads to (each index taken modulo the children there). */
function replaceAt(value: unknown, path: number[], replacement: unknown): unknown {
  if (path.length === 0 || value === null || typeof value !== 'object') return replacement;
  const [step, ...rest] = path;
  if (Array.isArray(value)) {
    if (value.length === 0) return replacement;
    const i = step % value.length;
    return value.map((v, j) => (j === i ? replaceAt(v, rest, replacement) : v));
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return replacement;
  const key = keys[step % keys.length];
  return { ...(value as Record<string, unknown>), [key]: replaceAt((value as Record<string, unknown>)[key], rest, replacement) };
}

const deep = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

describe.each(PARSERS)('$name parser', ({ parse, sample }) => {
  it('returns data or BadResponseError for any text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (body) => behaves(parse, body)),
      { seed: 901, numRuns: 3000 },
    );
  });

  it('returns data or BadResponseError for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => behaves(parse, JSON.stringify(value))),
      { seed: 902, numRuns: 3000 },
    );
  });

  it('returns data or BadResponseError for the real answer with any subtree replaced by anything', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 10 }), fc.jsonValue({ maxDepth: 4 }), (path, replacement) =>
        behaves(parse, JSON.stringify(replaceAt(sample, path, replacement))),
      ),
      { seed: 903, numRuns: 2000 },
    );
  });

  it('survives JSON nested 100,000 levels deep, at the top and inside the real answer', () => {
    for (const body of [deep(100_000, '[', ']'), deep(100_000, '{"a":', '}')]) expect(behaves(parse, body)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), (path) => {
        const marker = '"__DEEP__"';
        const text = JSON.stringify(replaceAt(sample, path, '__DEEP__')).replace(marker, deep(100_000, '{"a":', '}'));
        return behaves(parse, text);
      }),
      { seed: 904, numRuns: 5 },
    );
  });
});

describe('istioVersionFromImage', () => {
  it('never throws, whatever the image field holds, and returns a tag without "/" or "@"', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.jsonValue()), (image) => {
        const v = istioVersionFromImage(image);
        return v === null || (typeof v === 'string' && v !== '' && !v.includes('/') && !v.includes('@'));
      }),
      { seed: 905, numRuns: 5000 },
    );
  });
});
