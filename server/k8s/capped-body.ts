import 'server-only';
import type http from 'node:http';
import type { ByteBudget } from './deadline';
import { DescribedError } from './errors';

/**
 * Byte caps on upstream answers: whatever a peer sends, we hold at most a response's limit (and, for
 * a budget shared by several responses, the budget's) before giving up with `bad-response`.
 */

const MiB = 1024 * 1024;

export function formatBytes(n: number): string {
  return n >= MiB ? `${Math.round(n / MiB)} MiB` : n >= 1024 ? `${Math.round(n / 1024)} KiB` : `${n} bytes`;
}

/**
 * Reads a response body into one Buffer, refusing a declared Content-Length over maxBytes before reading
 * and destroying the response as soon as more than maxBytes arrive, or the bytes in flight of the read
 * (the budget this answer shares with the read's others) pass the budget's limit.
 */
export function readCappedBody(res: http.IncomingMessage, what: string, maxBytes: number, budget: ByteBudget): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const settle = (err: unknown, body?: Buffer) => {
      if (done) return;
      done = true;
      budget.release(size);
      chunks.length = 0;
      if (err) {
        res.destroy();
        reject(err);
      } else resolve(body!);
    };
    const tooLarge = () => new DescribedError('bad-response', `${what} answered more than ${formatBytes(maxBytes)} (the limit)`);
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) return settle(tooLarge());
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      const over = budget.take(chunk.length);
      if (size > maxBytes) return settle(tooLarge());
      if (over) return settle(new DescribedError('bad-response', `${what}: the answers of ${over.whose} passed ${formatBytes(over.limit)} at once`));
      chunks.push(chunk);
    });
    res.on('end', () => settle(null, Buffer.concat(chunks, size)));
    // Headers arrived, the body did not: the peer cut its answer (after a deadline, withDeadline has already answered).
    const cut = () => settle(new DescribedError('bad-response', `${what} closed the connection before the answer was complete`));
    res.on('error', cut);
    res.on('close', cut);
  });
}
