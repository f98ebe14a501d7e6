import { describe, expect, it } from 'vitest';
import { parsePolling } from './polling';

describe('parsePolling', () => {
  it('reads a stored choice and falls back to 5 s for anything unknown or corrupt', () => {
    expect(parsePolling('{"intervalMs":2000,"paused":true}')).toEqual({ intervalMs: 2000, paused: true });
    expect(parsePolling('{"intervalMs":1234}')).toEqual({ intervalMs: 5000, paused: false });
    expect(parsePolling('not json')).toEqual({ intervalMs: 5000, paused: false });
    expect(parsePolling(null)).toEqual({ intervalMs: 5000, paused: false });
  });
});
