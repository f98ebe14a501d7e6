import { describe, expect, it } from 'vitest';
import { HttpResponseReader, MalformedHttpError } from './http-response';

const b = (s: string) => Buffer.from(s, 'latin1');

describe('HttpResponseReader', () => {
  it('completes at Content-Length across chunks', () => {
    const r = new HttpResponseReader();
    expect(r.push(b('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Len'))).toBeNull();
    expect(r.push(b('gth: 7\r\n\r\n[1,'))).toBeNull();
    const res = r.push(b('2,3]EXTRA'));
    expect(res?.status).toBe(200);
    expect(res?.body.toString()).toBe('[1,2,3]');
  });

  it('decodes chunked bodies', () => {
    const r = new HttpResponseReader();
    expect(r.push(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n'))).toBeNull();
    expect(r.push(b('3;ext=1\r\nefg\r\n0\r\n\r\n'))?.body.toString()).toBe('abcdefg');
  });

  it('ends a close-delimited body at end()', () => {
    const r = new HttpResponseReader();
    expect(r.push(b('HTTP/1.0 404 Not Found\r\n\r\nno such'))).toBeNull();
    expect(r.end()).toMatchObject({ status: 404 });
    expect(new HttpResponseReader().end).toThrow();
  });

  it('rejects what is not HTTP', () => {
    expect(() => new HttpResponseReader().push(b('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(MalformedHttpError);
    const r = new HttpResponseReader();
    r.push(b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(() => r.end()).toThrow(MalformedHttpError);
  });
});
