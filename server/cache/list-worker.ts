/**
 * A list parser thread (list-parsers.ts): pages of the cached kinds in, their kept fields out. A
 * BadResponseError crosses as its parts (a thread's messages keep only standard errors' classes).
 */
import 'server-only';
import { parentPort } from 'node:worker_threads';
import { isBadResponseError } from '@/lib/istio/errors';
import { CACHED_KINDS } from './kinds';
import { keepPage } from './list-page';
import type { PageRequest, PageAnswer } from './list-parsers';

const port = parentPort!;
port.on('message', ({ id, kind, body, what }: PageRequest) => {
  let answer: PageAnswer;
  try {
    const declaration = CACHED_KINDS.get(kind);
    if (!declaration) throw new TypeError(`no cached kind is named ${kind}`);
    answer = { id, page: keepPage(declaration, body, what) };
  } catch (err) {
    answer = { id, error: isBadResponseError(err) ? { badResponse: { source: err.source, problem: err.problem } } : err };
  }
  port.postMessage(answer);
});
