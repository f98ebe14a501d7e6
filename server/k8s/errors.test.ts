import { describe, expect, it, vi } from 'vitest';
import { ApiException, FetchError } from '@kubernetes/client-node';
import { BadResponseError } from '@/lib/istio/errors';
import { DeadlineExceeded } from './deadline';
import { DescribedError, UpstreamStatusError, toSourceError } from './errors';

const ctx = { cluster: 'cluster2', server: 'https://127.0.0.1:41234', source: 'pods' };

function fetchError(code: string) {
  return new FetchError(`request to https://user:secret@127.0.0.1:41234/api failed, reason: ${code}`, 'system', { code } as NodeJS.ErrnoException);
}

describe('toSourceError', () => {
  it('maps a redirect to bad-response saying it is not followed', () => {
    const e = toSourceError(new UpstreamStatusError(302), ctx);
    expect(e).toMatchObject({ kind: 'bad-response', message: 'cluster2: pods answered a redirect (HTTP 302), which is never followed', status: 302 });
  });

  it("maps llhttp's parse errors to bad-response", () => {
    const err = Object.assign(new Error('Parse Error: Header overflow'), { code: 'HPE_HEADER_OVERFLOW' });
    expect(toSourceError(err, ctx)).toMatchObject({ kind: 'bad-response', message: 'cluster2: pods did not answer valid HTTP (HPE_HEADER_OVERFLOW)' });
  });

  it('maps refused connections to unreachable with our own words', () => {
    const e = toSourceError(fetchError('ECONNREFUSED'), ctx);
    expect(e).toEqual({ kind: 'unreachable', message: 'cluster2: API server https://127.0.0.1:41234 refused the connection', source: 'pods' });
  });

  it.each(['ENOTFOUND', 'ECONNRESET', 'EHOSTUNREACH'])('maps %s to unreachable without the raw text', (code) => {
    const e = toSourceError(fetchError(code), ctx);
    expect(e.kind).toBe('unreachable');
    expect(e.message).not.toContain('secret');
    expect(e.message).not.toContain('reason');
  });

  it.each(['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'CERT_HAS_EXPIRED', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'ERR_TLS_CERT_ALTNAME_INVALID'])('maps %s to tls', (code) => {
    const e = toSourceError(fetchError(code), ctx);
    expect(e.kind).toBe('tls');
    expect(e.message).toMatch(/^cluster2: API server https:\/\/127\.0\.0\.1:41234 /);
  });

  it('keeps the Kubernetes Status message of a 403 but never the headers', () => {
    const body = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'pods is forbidden: User "viewer" cannot list resource "pods" in API group "" at the cluster scope',
      reason: 'Forbidden',
      code: 403,
    });
    const err = new ApiException(403, 'Forbidden', body, { authorization: 'Bearer abc.def' });
    const e = toSourceError(err, ctx);
    expect(e.kind).toBe('forbidden');
    expect(e.status).toBe(403);
    expect(e.message).toBe('cluster2: forbidden: pods is forbidden: User "viewer" cannot list resource "pods" in API group "" at the cluster scope');
    expect(JSON.stringify(e)).not.toContain('Bearer');
  });

  it('maps a 401 without a body to unauthorized', () => {
    const e = toSourceError(new ApiException(401, 'Unauthorized', '', {}), ctx);
    expect(e).toMatchObject({ kind: 'unauthorized', status: 401 });
    expect(e.message).toContain('rejected the credentials');
  });

  it('maps 404 to not-found and 500 to bad-response', () => {
    expect(toSourceError(new ApiException(404, 'x', 'not json', {}), ctx).kind).toBe('not-found');
    expect(toSourceError(new ApiException(500, 'x', '', {}), ctx).kind).toBe('bad-response');
  });

  it('maps deadlines and aborts to timeout', () => {
    expect(toSourceError(new DeadlineExceeded(1500), ctx)).toMatchObject({ kind: 'timeout', message: 'cluster2: no answer for pods within 1500 ms' });
    const abort = new Error('The operation was aborted.');
    abort.name = 'AbortError';
    expect(toSourceError(abort, ctx).kind).toBe('timeout');
  });

  it('maps a refused port-forward upgrade (ws) by its status', () => {
    const wsEvent = { type: 'error', message: 'Unexpected server response: 403', error: new Error('Unexpected server response: 403') };
    expect(toSourceError(wsEvent, { ...ctx, source: 'istiod x /debug/clusterz' })).toMatchObject({ kind: 'forbidden', status: 403 });
    const refused = { type: 'error', message: 'connect ECONNREFUSED', error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) };
    expect(toSourceError(refused, ctx).kind).toBe('unreachable');
  });

  it('maps parser and upstream failures to bad-response', () => {
    expect(toSourceError(new BadResponseError('istiod /debug/clusterz', 'not a JSON array'), ctx)).toMatchObject({ kind: 'bad-response' });
    expect(toSourceError(new UpstreamStatusError(503, 'oops'), ctx)).toMatchObject({ kind: 'bad-response', status: 503 });
    expect(toSourceError(new DescribedError('unreachable', 'port-forward failed'), ctx).message).toBe('cluster2: port-forward failed');
  });

  it('never passes unknown exception text through', () => {
    const e = toSourceError(new Error('token=abc123 leaked'), ctx);
    expect(e.message).not.toContain('abc123');
  });

  it('types a programming error as internal and logs its stack, never as unreachable', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    let bug: unknown;
    try {
      (undefined as unknown as { metadata: { name: string } }).metadata.name.trim();
    } catch (e) {
      bug = e;
    }
    const e = toSourceError(bug, ctx);
    expect(e.kind).toBe('internal');
    expect(e.message).toBe('cluster2: reading pods failed on an internal error (details in the server log)');
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0][0])).toMatch(/internal error while reading pods of cluster2: TypeError: .*\n\s+at /);
    // A transport TypeError that carries a socket code is still the network's.
    expect(toSourceError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }), ctx).kind).toBe('unreachable');
    log.mockRestore();
  });
});
