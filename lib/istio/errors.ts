/**
 * Typed parser failures. The server maps BadResponseError to a SourceError of kind `bad-response`
 * for the one source that answered it; the message is ours, never the peer's body.
 */
export class BadResponseError extends Error {
  readonly kind = 'bad-response' as const;

  /**
   * @param source what was being parsed, e.g. "Envoy /clusters"
   * @param problem short description of what is wrong, composed by us
   */
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
    this.name = 'BadResponseError';
  }
}

/** True for a BadResponseError (also across module copies, by name and kind). */
export function isBadResponseError(e: unknown): e is BadResponseError {
  return e instanceof BadResponseError || (e instanceof Error && (e as { kind?: unknown }).kind === 'bad-response');
}
