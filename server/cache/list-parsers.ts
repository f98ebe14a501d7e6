import 'server-only';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { BadResponseError } from '@/lib/istio/errors';
import { DescribedError } from '../k8s/errors';
import type { KindDeclaration } from './kind';
import { isProtobuf } from '../k8s/protobuf';
import { keepPage, keepProtobufPage, type KeptPage } from './list-page';

/**
 * JSON list pages parsed in worker threads. Pods come in protobuf from real API servers and the lab
 * (read in place, below), but a server without it (an API proxy, a fake) answers JSON: at 50 clusters ×
 * 1,000 pods, 220 MB of it, where JSON.parse, the shape check and the kept fields cost ~15 ms per page of
 * 500 pods, seconds of the one thread that also answers every request (and collects the parsed objects'
 * garbage). A parser thread does it beside the main thread, which only receives the bytes (handed over,
 * not copied) and gets back the kept fields. Small pages are parsed in place (a message costs more than
 * they do); without threads (one could not start) every page is.
 */

/** A page handed to a parser thread. */
export interface PageRequest {
  id: number;
  /** The kind's name (kinds.ts CACHED_KINDS): the thread has its own copy of the declarations. */
  kind: string;
  body: Uint8Array;
  what: string;
}

export type PageAnswer = { id: number; page: KeptPage<unknown> } | { id: number; error: { badResponse: { source: string; problem: string } } | unknown };

/**
 * A young generation that holds a whole parsed page (2 MB of JSON: ~15 MB of objects): nothing in a
 * parser thread outlives its page, so collections then find almost nothing alive to copy. With the
 * default (16 MB) every page was copied and promoted mid-parse: a third of the thread's time in GC.
 */
const PARSER_LIMITS = { maxYoungGenerationSizeMb: 64 };

/** Pages smaller than this are parsed on the main thread. */
const IN_PLACE_BYTES = 64 * 1024;

interface Parser {
  worker: Worker;
  pending: Map<number, { resolve(page: KeptPage<unknown>): void; reject(err: unknown): void }>;
  /** Whether it ever answered: one that fails before is a thread that cannot run here, not a bad page. */
  answered: boolean;
}

/**
 * The parser threads, started on first use; one that fails is dropped (its pages fail, their lists are
 * retried) and replaced on next use. One that fails before it ever answered (its entry did not load: a
 * bundling or packaging problem) would fail every page again: threads are then given up for the process.
 */
const parsers: Parser[] = [];
let nextId = 0;
let unavailable = false;

/** One thread per core but the main thread's (at least one, at most four). */
const threadCount = () => Math.max(1, Math.min(4, os.availableParallelism() - 1));

function startParser(): Parser {
  // In the built server (Next sets NEXT_RUNTIME) the bundler made the worker its own entry (the literal
  // `new Worker(new URL(...))` form is what it recognizes); run from source (tsx, vitest), the thread
  // loads the TypeScript through tsx's require hook, under the server condition ('server-only').
  const worker = !process.env.NEXT_RUNTIME
    ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(path.join(path.dirname(fileURLToPath(import.meta.url)), 'list-worker.ts'))});`, {
        eval: true,
        execArgv: ['--conditions=react-server'],
        resourceLimits: PARSER_LIMITS,
      })
    : new Worker(new URL('./list-worker.ts', import.meta.url), { resourceLimits: PARSER_LIMITS });
  worker.unref();
  const parser: Parser = { worker, pending: new Map(), answered: false };
  worker.on('message', (answer: PageAnswer) => {
    const waiting = parser.pending.get(answer.id);
    if (!waiting) return;
    parser.pending.delete(answer.id);
    parser.answered = true;
    if ('page' in answer) waiting.resolve(answer.page);
    else waiting.reject(revive(answer.error));
  });
  const fail = (err: unknown) => {
    const i = parsers.indexOf(parser);
    if (i >= 0) parsers.splice(i, 1);
    for (const waiting of parser.pending.values()) waiting.reject(err);
    parser.pending.clear();
    if (!parser.answered && !unavailable) {
      unavailable = true;
      console.error('isthmus: list pages are parsed on the main thread (a parser thread failed before parsing any page)');
    }
  };
  // Our failure, not the cluster's: the pages in flight fail as `internal` (their lists are retried).
  worker.on('error', (err) => {
    console.error(`isthmus: internal error in a list parser thread: ${err.stack ?? err.message}`);
    fail(new DescribedError('internal', 'a list parser thread failed (details in the server log)'));
  });
  worker.on('exit', () => fail(new DescribedError('internal', 'a list parser thread exited')));
  return parser;
}

function revive(error: unknown): unknown {
  const bad = (error as { badResponse?: { source: string; problem: string } } | null)?.badResponse;
  return bad ? new BadResponseError(bad.source, bad.problem) : error;
}

/** The least busy parser thread, started when fewer run than there are cores for; null when threads cannot run here. */
function parser(): Parser | null {
  if (unavailable) return null;
  const idle = parsers.find((p) => p.pending.size === 0);
  if (idle) return idle;
  if (parsers.length < threadCount()) {
    try {
      parsers.push(startParser());
      return parsers[parsers.length - 1];
    } catch (err) {
      unavailable = true;
      console.error(`isthmus: list pages are parsed on the main thread (no parser thread: ${err instanceof Error ? err.message : String(err)})`);
      return null;
    }
  }
  return parsers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
}

/**
 * A list page of a cached kind, parsed and cut to its kept fields (keepPage), in a parser thread when it
 * is worth one. A protobuf page is read in place: ~2.3 ms of CPU for 500 pods (npm run bench:pages; JSON
 * ~16 ms), where a thread's answer would still cost the main thread ~1.3 ms to receive (its kept fields
 * deserialized) and the page a round trip.
 */
export function parseListPage<T>(kind: KindDeclaration<T>, body: Buffer, what: string, contentType?: string): Promise<KeptPage<T>> {
  if (isProtobuf(contentType)) return Promise.resolve().then(() => keepProtobufPage(kind, body, what));
  const p = body.byteLength >= IN_PLACE_BYTES ? parser() : null;
  if (!p) return Promise.resolve().then(() => keepPage(kind, body, what));
  // The bytes are handed over when the body owns its memory (a large concatenated body does), else copied.
  const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
  const bytes = owned ? body : new Uint8Array(body);
  const id = nextId++;
  return new Promise<KeptPage<T>>((resolve, reject) => {
    p.pending.set(id, { resolve: resolve as (page: KeptPage<unknown>) => void, reject });
    p.worker.postMessage({ id, kind: kind.name, body: bytes, what } satisfies PageRequest, [bytes.buffer as ArrayBuffer]);
  });
}
