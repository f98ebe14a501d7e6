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
const HEAD_END = Buffer.from('\r\n\r\n', 'latin1');
const CR = 0x0d;
const LF = 0x0a;

/** How the body ends, decided once from the status line and headers. */
type BodyFraming =
  | { kind: 'none' } // 1xx, 204 and 304 have no body
  | { kind: 'chunked'; decoder: ChunkedDecoder }
  | { kind: 'length'; length: number }
  | { kind: 'close' };

/**
 * Incremental HTTP/1.1 response parser. The body ends at Content-Length, at the last chunk of a chunked
 * body, or (no length, not chunked) when the stream closes: the caller reports that with end().
 * push() and end() return the response once it is complete, else null.
 * Each byte is looked at a bounded number of times (pieces are kept in a list and joined once), so a
 * large body arriving in many small pieces costs linear time, not quadratic.
 */
export class HttpResponseReader {
  /** Pieces received and not yet consumed: the head until it is parsed, then the body (unless chunked). */
  private pieces: Buffer[] = [];
  private piecesLength = 0;
  /** The last bytes scanned for the end of the head, so a "\r\n\r\n" split across pushes is found. */
  private headTail: Buffer = Buffer.alloc(0);
  private head: { status: number; headers: Record<string, string>; framing: BodyFraming } | null = null;
  private response: RawHttpResponse | null = null;

  push(chunk: Buffer): RawHttpResponse | null {
    if (this.response) return this.response;
    if (!this.head) {
      const bodyStart = this.readHead(chunk);
      if (!bodyStart) return null;
      chunk = bodyStart;
    }
    return this.readBody(chunk, false);
  }

  /** The stream closed: a close-delimited body is complete; anything else incomplete throws. */
  end(): RawHttpResponse {
    if (this.response) return this.response;
    if (!this.head) throw new MalformedHttpError('connection closed before a response arrived');
    const r = this.readBody(Buffer.alloc(0), true);
    if (!r) throw new MalformedHttpError('connection closed before the response body was complete');
    return r;
  }

  /** Buffers head bytes; once the head is complete, parses it and returns the body bytes that came with it. */
  private readHead(chunk: Buffer): Buffer | null {
    const before = this.piecesLength;
    // Only the bytes around the boundary with earlier pushes are copied to be searched.
    const boundary = Buffer.concat([this.headTail, chunk.subarray(0, HEAD_END.length - 1)]);
    const inBoundary = boundary.indexOf(HEAD_END);
    const inChunk = inBoundary < 0 ? chunk.indexOf(HEAD_END) : -1;
    this.pieces.push(chunk);
    this.piecesLength += chunk.length;
    if (inBoundary < 0 && inChunk < 0) {
      if (this.piecesLength > MAX_HEADER_BYTES) throw new MalformedHttpError('response headers too large');
      // A copy, so the tail does not keep a large buffer alive.
      this.headTail = Buffer.from(Buffer.concat([this.headTail, chunk.subarray(-(HEAD_END.length - 1))]).subarray(-(HEAD_END.length - 1)));
      return null;
    }
    const headEnd = inBoundary >= 0 ? before - this.headTail.length + inBoundary : before + inChunk;
    const received = this.pieces.length === 1 ? this.pieces[0] : Buffer.concat(this.pieces, this.piecesLength);
    this.pieces = [];
    this.piecesLength = 0;
    this.headTail = Buffer.alloc(0);
    this.parseHead(received.subarray(0, headEnd));
    return received.subarray(headEnd + HEAD_END.length);
  }

  private parseHead(bytes: Buffer) {
    const lines = bytes.toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
    if (!m) throw new MalformedHttpError('not an HTTP/1.1 response');
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new MalformedHttpError('malformed header line');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(m[1]);
    this.head = { status, headers, framing: bodyFraming(status, headers) };
  }

  private readBody(chunk: Buffer, closed: boolean): RawHttpResponse | null {
    const framing = this.head!.framing;
    switch (framing.kind) {
      case 'none':
        return this.finish(Buffer.alloc(0));
      case 'chunked': {
        const body = framing.decoder.push(chunk);
        return body ? this.finish(body) : null;
      }
      case 'length':
        this.keep(chunk);
        return this.piecesLength >= framing.length ? this.finish(Buffer.concat(this.pieces, framing.length)) : null;
      case 'close':
        this.keep(chunk);
        return closed ? this.finish(Buffer.concat(this.pieces, this.piecesLength)) : null;
    }
  }

  private keep(chunk: Buffer) {
    if (!chunk.length) return;
    this.pieces.push(chunk);
    this.piecesLength += chunk.length;
  }

  private finish(body: Buffer): RawHttpResponse {
    this.pieces = [];
    this.piecesLength = 0;
    this.response = { status: this.head!.status, headers: this.head!.headers, body };
    return this.response;
  }
}

function bodyFraming(status: number, headers: Record<string, string>): BodyFraming {
  if (status < 200 || status === 204 || status === 304) return { kind: 'none' };
  if (/\bchunked\b/i.test(headers['transfer-encoding'] ?? '')) return { kind: 'chunked', decoder: new ChunkedDecoder() };
  const lengthHeader = headers['content-length'];
  if (lengthHeader === undefined) return { kind: 'close' };
  const length = Number(lengthHeader);
  if (!Number.isSafeInteger(length) || length < 0) throw new MalformedHttpError('invalid Content-Length');
  return { kind: 'length', length };
}

/**
 * Decodes a chunked body as it arrives, remembering between pushes where it is: inside a chunk-size
 * line (which may be split anywhere, even between its CR and LF), inside chunk data, or in the CRLF
 * after the data (skipped unchecked). Trailers after the last chunk are ignored.
 */
class ChunkedDecoder {
  private parts: Buffer[] = [];
  /** Pieces of the chunk-size line read so far. */
  private line: Buffer[] = [];
  /** Bytes of the current chunk's data still to come. */
  private dataLeft = 0;
  /** Bytes of the CRLF that closes the current chunk still to come. */
  private crlfLeft = 0;

  /** Returns the whole body once the last chunk's size line has arrived, else null. */
  push(data: Buffer): Buffer | null {
    let pos = 0;
    while (pos < data.length) {
      if (this.dataLeft > 0) {
        const take = Math.min(this.dataLeft, data.length - pos);
        this.parts.push(data.subarray(pos, pos + take));
        this.dataLeft -= take;
        pos += take;
      } else if (this.crlfLeft > 0) {
        const skip = Math.min(this.crlfLeft, data.length - pos);
        this.crlfLeft -= skip;
        pos += skip;
      } else {
        const sizeLine = this.readLine(data, pos);
        if (!sizeLine) return null;
        pos = sizeLine.next;
        const size = parseInt(sizeLine.text.split(';')[0].trim(), 16);
        if (Number.isNaN(size) || size < 0) throw new MalformedHttpError('invalid chunk size');
        if (size === 0) return Buffer.concat(this.parts);
        this.dataLeft = size;
        this.crlfLeft = 2;
      }
    }
    return null;
  }

  /** The size line ending at the first CRLF from pos (joined with earlier pieces), or null after keeping the bytes. */
  private readLine(data: Buffer, pos: number): { text: string; next: number } | null {
    const previous = this.line.at(-1);
    // The CR ended the previous push and the LF starts this one.
    if (previous && previous[previous.length - 1] === CR && data[pos] === LF) {
      const joined = Buffer.concat(this.line);
      this.line = [];
      return { text: joined.subarray(0, -1).toString('latin1'), next: pos + 1 };
    }
    const lineEnd = data.indexOf('\r\n', pos);
    if (lineEnd < 0) {
      this.line.push(data.subarray(pos));
      return null;
    }
    const text = Buffer.concat([...this.line, data.subarray(pos, lineEnd)]).toString('latin1');
    this.line = [];
    return { text, next: lineEnd + 2 };
  }
}
