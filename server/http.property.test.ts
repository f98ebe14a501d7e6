/**
 * Property tests (fast-check, fixed seeds) for route parameter validation and the proxy's checks: any
 * input is accepted exactly when it is valid, and is otherwise a BadRequest (a 400 with a bounded
 * message), never another exception (a 500).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRequest } from '@/proxy';
import { BadRequest, validNamespace, validPodName, wantsTable } from './http';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Any text, with a bias towards the characters that matter here. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.stringMatching(/^[a-z0-9.-]{0,70}$/),
  fc.stringMatching(/^[a-z0-9%@.:-]{0,40}$/),
);

/** Calls fn; the value when it returned, 'bad-request' for a BadRequest with a bounded message; rethrows anything else. */
function outcome<T>(fn: () => T): T | 'bad-request' {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof BadRequest)) throw e;
    expect(e.message.length).toBeLessThan(300);
    return 'bad-request';
  }
}

describe('route parameter validation', () => {
  it('a namespace is accepted exactly when it is a DNS-1123 label', () => {
    fc.assert(
      fc.property(anyText, (ns) => {
        const valid = ns.length <= 63 && LABEL.test(ns);
        expect(outcome(() => validNamespace(ns))).toBe(valid ? ns : 'bad-request');
      }),
      { seed: 921, numRuns: 5000 },
    );
  });

  it('a pod name is accepted exactly when it is a DNS-1123 subdomain', () => {
    fc.assert(
      fc.property(anyText, (pod) => {
        const valid = pod.length <= 253 && SUBDOMAIN.test(pod);
        expect(outcome(() => validPodName(pod))).toBe(valid ? pod : 'bad-request');
      }),
      { seed: 922, numRuns: 5000 },
    );
  });

  it('?output= is table, json or nothing, else a BadRequest', () => {
    fc.assert(
      fc.property(anyText, (output) => {
        const url = new URL('http://127.0.0.1:3000/api/mesh/proxy-status');
        url.searchParams.set('output', output);
        const expected = output === 'table' ? true : output === '' || output === 'json' ? false : 'bad-request';
        expect(outcome(() => wantsTable(url))).toBe(expected);
      }),
      { seed: 924, numRuns: 3000 },
    );
  });
});

describe('proxy checks', () => {
  const saved = process.env.ISTHMUS_ALLOWED_HOSTS;
  beforeAll(() => void (process.env.ISTHMUS_ALLOWED_HOSTS = '127.0.0.1:3000'));
  afterAll(() => {
    if (saved === undefined) delete process.env.ISTHMUS_ALLOWED_HOSTS;
    else process.env.ISTHMUS_ALLOWED_HOSTS = saved;
  });

  it('never throw, whatever the path, method, host and origin; a malformed %-sequence is a 400', () => {
    const segment = fc.oneof(anyText.map(encodeURIComponent), fc.stringMatching(/^[a-z%0-9A-F]{0,12}$/));
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 6 }),
        fc.constantFrom('GET', 'HEAD', 'POST', 'OPTIONS'),
        fc.option(fc.constantFrom('127.0.0.1:3000', 'evil.example', '')),
        fc.option(fc.constantFrom('same-origin', 'cross-site', 'same-site', 'none', 'x')),
        fc.option(fc.oneof(anyText, fc.constant('http://127.0.0.1:3000'))),
        (segments, method, host, secFetchSite, origin) => {
          const path = `/api/${segments.join('/')}`;
          const refusal = checkRequest(method, path, host, { secFetchSite, origin });
          let decodes = true;
          try {
            decodeURIComponent(path);
          } catch {
            decodes = false;
          }
          if (host === '127.0.0.1:3000' && (method === 'GET' || method === 'HEAD') && !decodes) expect(refusal?.status).toBe(400);
          if (refusal === null) expect(decodes && host === '127.0.0.1:3000').toBe(true);
        },
      ),
      { seed: 925, numRuns: 5000 },
    );
  });
});
