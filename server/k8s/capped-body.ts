import 'server-only';
import type http from 'node:http';
import { DescribedError } from './errors';

/**
 * Byte caps on upstream answers: whatever a peer sends, we hold at most a response's limit (and, for
 * a budget shared by several responses, the budget's) before giving up with `bad-response`.
 */

const MiB = 1024 * 1024;

export function formatBytes(n: number): string {
  return n >= MiB ? `${Math.round(n / MiB)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/** A total shared by several reads (e.g. every port-forward answer of one cluster's read). */
export class ByteBudget {
  private used = 0;
  constructor(
    readonly limit: number,
    /** What the total is for, in error messages: "port-forward answers". */
    readonly what: string,
  ) {}

  /** Counts n more bytes; throws once the total passes the limit. */
  take(n: number): void {
    this.used += n;
    if (this.used > this.limit) throw new DescribedError('bad-response', `${this.what} exceeded ${formatBytes(this.limit)} in total`);
  }
}

/**
 * Reads a response body into one Buffer, refusing a declared Content-Length over maxBytes before reading
 * and destroying the response as soon as more than maxBytes (or the budget) arrive.
 */
export function readCappedBody(res: http.IncomingMessage, what: string, maxBytes: number, budget?: ByteBudget): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const fail = (err: unknown) => {
      res.destroy();
      reject(err);
    };
    const tooLarge = () => new DescribedError('bad-response', `${what} answered more than ${formatBytes(maxBytes)} (the limit)`);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return fail(tooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      try {
        if (size > maxBytes) throw tooLarge();
        budget?.take(chunk.length);
      } catch (e) {
        done = true;
        chunks.length = 0;
        return fail(e);
      }
      chunks.push(chunk);
    });
    res.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    res.on('error', (e) => {
      if (!done) (done = true), reject(e);
    });
    res.on('close', () => {
      if (!done) (done = true), reject(new DescribedError('bad-response', `${what} closed the connection before the answer was complete`));
    });
  });
}
