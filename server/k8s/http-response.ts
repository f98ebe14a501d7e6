import 'server-only';

/** A parsed HTTP/1.1 response read from a raw byte stream (a port-forward carries no HTTP framing of its own). */
export interface RawHttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Thrown when the bytes are not an HTTP/1.1 response. */
export class MalformedHttpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedHttpError';
  }
}

const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Incremental HTTP/1.1 response parser. The body ends at Content-Length, at the last chunk of a chunked
 * body, or (no length, not chunked) when the stream closes: the caller reports that with end().
 * push() and end() return the response once it is complete, else null.
 */
export class HttpResponseReader {
  private buf: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: Record<string, string>; bodyStart: number } | null = null;

  push(chunk: Buffer): RawHttpResponse | null {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    return this.tryComplete(false);
  }

  /** The stream closed: a close-delimited body is complete; anything else incomplete throws. */
  end(): RawHttpResponse {
    const r = this.tryComplete(true);
    if (!r) throw new MalformedHttpError(this.head ? 'connection closed before the response body was complete' : 'connection closed before a response arrived');
    return r;
  }

  private parseHead(): boolean {
    const idx = this.buf.indexOf('\r\n\r\n');
    if (idx < 0) {
      if (this.buf.length > MAX_HEADER_BYTES) throw new MalformedHttpError('response headers too large');
      return false;
    }
    const lines = this.buf.subarray(0, idx).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
    if (!m) throw new MalformedHttpError('not an HTTP/1.1 response');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MalformedHttpError('malformed header line');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    this.head = { status: Number(m[1]), headers, bodyStart: idx + 4 };
    return true;
  }

  private tryComplete(closed: boolean): RawHttpResponse | null {
    if (!this.head && !this.parseHead()) return null;
    const head = this.head!;
    const rest = this.buf.subarray(head.bodyStart);
    const done = (body: Buffer): RawHttpResponse => ({ status: head.status, headers: head.headers, body });
    // 1xx, 204 and 304 have no body.
    if (head.status < 200 || head.status === 204 || head.status === 304) return done(Buffer.alloc(0));
    if (/\bchunked\b/i.test(head.headers['transfer-encoding'] ?? '')) {
      const body = decodeChunked(rest);
      return body ? done(body) : null;
    }
    const lengthHeader = head.headers['content-length'];
    if (lengthHeader !== undefined) {
      const length = Number(lengthHeader);
      if (!Number.isSafeInteger(length) || length < 0) throw new MalformedHttpError('invalid Content-Length');
      return rest.length >= length ? done(rest.subarray(0, length)) : null;
    }
    return closed ? done(rest) : null;
  }
}

/** Decodes a complete chunked body, or returns null while more bytes are needed. */
function decodeChunked(data: Buffer): Buffer | null {
  const parts: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', pos);
    if (lineEnd < 0) return null;
    const size = parseInt(data.subarray(pos, lineEnd).toString('latin1').split(';')[0].trim(), 16);
    if (Number.isNaN(size) || size < 0) throw new MalformedHttpError('invalid chunk size');
    const start = lineEnd + 2;
    if (size === 0) return Buffer.concat(parts); // trailers, if any, are ignored
    if (data.length < start + size + 2) return null;
    parts.push(data.subarray(start, start + size));
    pos = start + size + 2;
  }
}
