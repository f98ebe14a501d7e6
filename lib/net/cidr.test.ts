import { describe, expect, it } from 'vitest';
import { overlaps, parseRange } from './cidr';

describe('parseRange', () => {
  it('reads CIDRs and bare addresses, and refuses the rest (IPv6 included)', () => {
    expect(parseRange('10.244.0.0/16')).toEqual({ first: 0x0af40000, last: 0x0af4ffff, text: '10.244.0.0/16' });
    expect(parseRange('10.244.1.7')).toMatchObject({ first: 0x0af40107, last: 0x0af40107 });
    // Host bits set: the network it names, as Go's net.ParseCIDR does.
    expect(parseRange('192.168.184.139/17')).toMatchObject({ first: 0xc0a88000, last: 0xc0a8ffff });
    for (const bad of ['fd00::/64', '10.0.0.0/33', '10.0.0/8', '300.1.1.1', '10.0.0.0/8/1', '']) expect(parseRange(bad), bad).toBeNull();
  });
});

describe('overlaps', () => {
  const r = (text: string) => parseRange(text)!;
  it('finds every overlapping pair across two lists, in any order, and nothing that only touches', () => {
    const a = [r('10.1.0.0/24'), r('10.0.0.0/8'), r('192.168.0.0/24')];
    const b = [r('10.1.0.7'), r('10.2.0.0/24'), r('192.168.1.0/24'), r('172.16.0.0/12')];
    expect(overlaps(a, b).map(([x, y]) => `${x.text} ${y.text}`).sort()).toEqual(['10.0.0.0/8 10.1.0.7', '10.0.0.0/8 10.2.0.0/24', '10.1.0.0/24 10.1.0.7']);
    expect(overlaps(a, b, 1)).toHaveLength(1);
    expect(overlaps([r('10.0.0.0/24')], [r('10.0.1.0/24')])).toEqual([]);
  });
});
