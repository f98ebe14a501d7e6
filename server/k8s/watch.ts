import 'server-only';
import type { Deadline } from './deadline';
import { DescribedError } from './errors';
import type { ClusterHandle } from './registry';
import { openGet } from './list-json';

/** One watch event as the API server sends it (one JSON object per line). */
export interface WatchEventJson {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: { metadata?: { name?: string; namespace?: string; resourceVersion?: string }; code?: number; [field: string]: unknown };
}

/** One event line is at most this big (a pod is a few KiB; a ConfigMap at most 1 MiB). */
const MAX_EVENT_BYTES = 4 * 2 ** 20;

/**
 * GET <path>?watch=1 (until the deadline at most), call on.open() once the API server accepted it, and hand every event to on.event() until the server ends the stream (its
 * timeoutSeconds), the signal aborts, or the connection fails (rejects). Lines are split here and
 * parsed one at a time; a line over MAX_EVENT_BYTES or that is not JSON is a bad-response.
 */
export async function watchEvents(
  cluster: ClusterHandle,
  apiPath: string,
  query: Record<string, string>,
  deadline: Deadline,
  on: { open(): void; event(event: WatchEventJson): void },
): Promise<void> {
  const res = await openGet(cluster, `${apiPath}?${new URLSearchParams({ ...query, watch: '1' })}`, deadline.signal, deadline.bytes);
  on.open();
  await new Promise<void>((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const fail = (e: unknown) => {
      reject(e); // first: destroying emits 'aborted', whose rejection must not win
      res.destroy();
    };
    const line = (buf: Buffer) => {
      const text = buf.toString('utf8').trim();
      if (!text) return;
      let event: WatchEventJson;
      try {
        event = JSON.parse(text) as WatchEventJson;
      } catch {
        throw new DescribedError('bad-response', 'the watch stream carried a line that is not JSON');
      }
      if (!event || typeof event !== 'object' || typeof event.type !== 'string' || !event.object || typeof event.object !== 'object') {
        throw new DescribedError('bad-response', 'the watch stream carried something that is not a watch event');
      }
      on.event(event);
    };
    res.on('data', (chunk: Buffer) => {
      try {
        let start = 0;
        for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, start)) {
          const piece = chunk.subarray(start, nl);
          line(pending.length ? Buffer.concat([...pending, piece]) : piece);
          pending = [];
          pendingBytes = 0;
          start = nl + 1;
        }
        if (start < chunk.length) {
          pending.push(chunk.subarray(start));
          pendingBytes += chunk.length - start;
          if (pendingBytes > MAX_EVENT_BYTES) throw new DescribedError('bad-response', `a watch event was larger than ${MAX_EVENT_BYTES >> 20} MiB`);
        }
      } catch (e) {
        fail(e);
      }
    });
    res.on('error', reject);
    res.on('aborted', () => reject(new DescribedError('unreachable', 'the API server closed the watch mid-event')));
    res.on('end', () => {
      try {
        if (pending.length) line(Buffer.concat(pending));
        resolve();
      } catch (e) {
        reject(e);
      }
    });
  });
}
