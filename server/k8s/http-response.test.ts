import { describe, expect, it } from 'vitest';
import { HttpResponseReader, MalformedHttpError, type RawHttpResponse } from './http-response';

const b = (s: string) => Buffer.from(s, 'latin1');

/** Pushes the pieces in order; every push before the last must return null. */
function deliver(pieces: Buffer[]): RawHttpResponse | null {
  const r = new HttpResponseReader();
  for (let i = 0; i < pieces.length - 1; i++) expect(r.push(pieces[i]), `push ${i} of ${pieces.length}`).toBeNull();
  return r.push(pieces[pieces.length - 1]);
}

/** The bytes cut at the given offsets. */
function cut(bytes: Buffer, offsets: number[]): Buffer[] {
  const bounds = [0, ...offsets, bytes.length];
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end));
}

function byteByByte(bytes: Buffer): Buffer[] {
  return [...bytes].map((byte) => Buffer.from([byte]));
}

function inPiecesOf(bytes: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) pieces.push(bytes.subarray(i, i + size));
  return pieces;
}

/** A chunked encoding of body, in chunks of chunkSize bytes. */
function chunked(body: Buffer, chunkSize: number): Buffer {
  const parts: Buffer[] = [b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n')];
  for (const piece of inPiecesOf(body, chunkSize)) parts.push(b(`${piece.length.toString(16)}\r\n`), piece, b('\r\n'));
  parts.push(b('0\r\n\r\n'));
  return Buffer.concat(parts);
}

// A chunked body with a chunk extension, an upper-case size and trailers: completes at the end of the "0\r\n" line.
const CHUNKED = b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n3;ext=1\r\nefg\r\nA\r\n0123456789\r\n0\r\nX-Trailer: t\r\n\r\n');
const CHUNKED_COMPLETE_AT = CHUNKED.indexOf('0\r\nX-Trailer') + 3;
const LENGTH = b('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n[1,2,3]');

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
    expect(r.push(b(' thing'))).toBeNull();
    expect(r.end()).toMatchObject({ status: 404, body: b('no such thing') });
    expect(() => new HttpResponseReader().end()).toThrow('connection closed before a response arrived');
  });

  it('rejects what is not HTTP', () => {
    expect(() => new HttpResponseReader().push(b('SSH-2.0-OpenSSH\r\n\r\n'))).toThrow(MalformedHttpError);
    const r = new HttpResponseReader();
    r.push(b('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc'));
    expect(() => r.end()).toThrow('connection closed before the response body was complete');
  });

  it('gives no body for 204 and 304 as soon as the head is complete', () => {
    expect(new HttpResponseReader().push(b('HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n'))?.body.length).toBe(0);
    expect(new HttpResponseReader().push(b('HTTP/1.1 304 Not Modified\r\n\r\n'))?.status).toBe(304);
  });

  it('reads a response delivered byte by byte', () => {
    expect(deliver(byteByByte(LENGTH))?.body.toString()).toBe('[1,2,3]');
    const res = deliver(byteByByte(CHUNKED.subarray(0, CHUNKED_COMPLETE_AT)));
    expect(res).toMatchObject({ status: 200, headers: { 'transfer-encoding': 'chunked' } });
    expect(res?.body.toString()).toBe('abcdefg0123456789');
    const closed = new HttpResponseReader();
    for (const piece of byteByByte(b('HTTP/1.1 200 OK\r\nX-A: 1\r\n\r\nuntil close'))) expect(closed.push(piece)).toBeNull();
    expect(closed.end()).toMatchObject({ headers: { 'x-a': '1' }, body: b('until close') });
  });

  it('decodes a chunked body split at every pair of positions (size lines, CRLFs and data cut anywhere)', () => {
    const bytes = CHUNKED.subarray(0, CHUNKED_COMPLETE_AT);
    for (let i = 1; i < bytes.length; i++) {
      for (let j = i + 1; j < bytes.length; j++) {
        expect(deliver(cut(bytes, [i, j]))?.body.toString(), `cut at ${i}, ${j}`).toBe('abcdefg0123456789');
      }
    }
  });

  it('reads a Content-Length body in many uneven pieces and ignores what follows it', () => {
    const body = Buffer.alloc(300_000, 'xyz');
    const bytes = Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
    const offsets: number[] = [];
    for (let at = 7, step = 1; at < bytes.length; at += step, step = (step * 7 + 3) % 5000) offsets.push(at);
    expect(deliver(cut(bytes, offsets))?.body.equals(body)).toBe(true);
    const withExtra = new HttpResponseReader();
    expect(withExtra.push(bytes.subarray(0, bytes.length - 1))).toBeNull();
    expect(withExtra.push(Buffer.concat([bytes.subarray(-1), b('HTTP/1.1 200 OK\r\n')]))?.body.equals(body)).toBe(true);
  });

  it('reads 20 MiB in 32 KiB pieces in linear time, with or without chunked encoding', () => {
    const body = Buffer.alloc(20 << 20, 'abcdefghijklmnopqrstuvwxyz');
    const byLength = Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
    // Chunks of 50,000 bytes, so chunk boundaries fall anywhere inside the 32 KiB pieces.
    for (const [framing, bytes] of [['content-length', byLength], ['chunked', chunked(body, 50_000)]] as const) {
      const pieces = inPiecesOf(bytes, 32 * 1024);
      const started = performance.now();
      const res = deliver(pieces);
      const ms = performance.now() - started;
      console.log(`20 MiB ${framing} body in ${pieces.length} pieces of 32 KiB: ${ms.toFixed(1)} ms`);
      expect(res?.body.equals(body)).toBe(true);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('keeps its errors when the bytes arrive in pieces', () => {
    const badSize = new HttpResponseReader();
    expect(badSize.push(b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nz'))).toBeNull();
    expect(badSize.push(b('z\r'))).toBeNull();
    expect(() => badSize.push(b('\n'))).toThrow('invalid chunk size');

    const huge = new HttpResponseReader();
    const headerBytes = Buffer.alloc(64 * 1024, 'h');
    expect(huge.push(b('HTTP/1.1 200 OK\r\nX: '))).toBeNull();
    expect(huge.push(headerBytes.subarray(0, 64 * 1024 - 20))).toBeNull();
    expect(() => huge.push(headerBytes.subarray(0, 100))).toThrow('response headers too large');

    expect(() => new HttpResponseReader().push(b('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'))).toThrow('invalid Content-Length');
    expect(() => new HttpResponseReader().push(b('HTTP/1.1 200 OK\r\nno colon\r\n\r\n'))).toThrow('malformed header line');

    const midChunk = new HttpResponseReader();
    expect(midChunk.push(chunked(b('0123456789'), 4).subarray(0, -8))).toBeNull();
    expect(() => midChunk.end()).toThrow('connection closed before the response body was complete');
  });
});
