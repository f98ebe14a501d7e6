import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeptReading, type KeepPolicy } from './kept-reading';

const policy: KeepPolicy<string> = { maxAgeMs: 1000, failed: (v) => v.startsWith('error') };

/** A read that answers when told to, counting calls. */
function reads() {
  const pending: Array<{ resolve: (v: string) => void; reject: (e: Error) => void }> = [];
  const read = vi.fn(() => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })));
  return { read, answer: (v: string) => pending.shift()!.resolve(v), fail: (e: Error) => pending.shift()!.reject(e) };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => vi.useRealTimers());

describe('KeptReading', () => {
  it('with nothing kept, awaits one read shared by every caller', async () => {
    const kept = new KeptReading<string>();
    const { read, answer } = reads();
    const a = kept.get(policy, read);
    const b = kept.get(policy, read);
    answer('v1');
    expect(await Promise.all([a, b])).toEqual(['v1', 'v1']);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('serves a fresh reading without reading, an old one while the next is read in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const kept = new KeptReading<string>();
    const { read, answer } = reads();
    const first = kept.get(policy, read);
    answer('v1');
    await first;
    expect(await kept.get(policy, read)).toBe('v1');
    expect(read).toHaveBeenCalledTimes(1);
    expect(kept.due(policy)).toBe(false);

    vi.setSystemTime(Date.now() + 1000);
    expect(kept.due(policy)).toBe(true);
    expect(await kept.get(policy, read)).toBe('v1'); // not waiting for the read it started
    expect(await kept.get(policy, read)).toBe('v1'); // nor starting a second
    expect(read).toHaveBeenCalledTimes(2);
    expect(kept.due(policy)).toBe(false);
    answer('v2');
    await tick();
    expect(await kept.get(policy, read)).toBe('v2');
  });

  it('keeps a failed reading until the next read, but never as fresh', async () => {
    const kept = new KeptReading<string>();
    const { read, answer } = reads();
    const first = kept.get(policy, read);
    answer('error: forbidden');
    expect(await first).toBe('error: forbidden');
    expect(kept.due(policy)).toBe(true);
    expect(await kept.get(policy, read)).toBe('error: forbidden');
    answer('v1');
    await tick();
    expect(await kept.get(policy, read)).toBe('v1');
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reads again at once when asked for another key', async () => {
    const kept = new KeptReading<string>();
    const { read, answer } = reads();
    const a = kept.get(policy, read, 'a');
    answer('of a');
    await a;
    const b = kept.get(policy, read, 'b');
    answer('of b');
    expect(await b).toBe('of b');
    expect(kept.peek()).toBe('of b');
  });

  it('drops a reading landing after clear(), and a background read that throws leaves the kept one old', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const kept = new KeptReading<string>();
    const { read, answer, fail } = reads();
    kept.keep('v1', Date.now() - 2000);
    expect(await kept.get(policy, read)).toBe('v1');
    fail(new Error('refused'));
    await tick();
    expect(kept.due(policy)).toBe(true); // old still, nothing in flight
    expect(await kept.get(policy, read)).toBe('v1');
    kept.clear();
    answer('v2');
    await tick();
    expect(kept.peek()).toBeNull();
  });
});
