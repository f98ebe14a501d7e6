/**
 * IPv4 address ranges (CIDRs) as integer intervals: parsing what clusters report (node spec.podCIDRs,
 * pod IPs) and where two sets of ranges overlap. IPv6
 * ranges are not parsed (null): a dual-stack cluster's IPv4 half is compared.
 */

export interface Range {
  /** First and last address, as unsigned 32-bit integers. */
  first: number;
  last: number;
  /** As the cluster wrote it ("10.244.1.0/24", or a pod IP). */
  text: string;
}

function ipToInt(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return null;
    n = n * 256 + Number(p);
  }
  return n;
}

/** "10.244.0.0/16", or a bare address (a /32); null for anything else (IPv6 included). */
export function parseRange(text: string): Range | null {
  const [ip, bitsText, extra] = text.trim().split('/');
  if (extra !== undefined) return null;
  const base = ipToInt(ip);
  const bits = bitsText === undefined ? 32 : /^\d{1,2}$/.test(bitsText) ? Number(bitsText) : NaN;
  if (base === null || !(bits >= 0 && bits <= 32)) return null;
  const size = 2 ** (32 - bits);
  const first = base - (base % size);
  return { first, last: first + size - 1, text };
}

/**
 * Ranges sorted by first address, once, with their addresses side by side in typed arrays: a list
 * compared with many others (50 clusters of 1,000 pod IPs: 1,225 pairs) is neither sorted again per
 * pair nor walked object by object (that took the checks 2 s at fleet size).
 */
export interface SortedRanges<R extends Range> {
  ranges: R[];
  first: Float64Array;
  last: Float64Array;
  /** The highest last address (a wide range may end after ranges that start later). */
  maxLast: number;
}

export function sortRanges<R extends Range>(ranges: readonly R[]): SortedRanges<R> {
  const sorted = [...ranges].sort((x, y) => x.first - y.first);
  const first = Float64Array.from(sorted, (r) => r.first);
  const last = Float64Array.from(sorted, (r) => r.last);
  return { ranges: sorted, first, last, maxLast: last.reduce((m, v) => Math.max(m, v), -Infinity) };
}

/**
 * Pairs of overlapping ranges, one from each list (sorted by first address: a sweep, so thousands of
 * pod IPs cost no more than their sort; lists that do not reach each other cost nothing), at most `limit`.
 */
export function overlaps<A extends Range, B extends Range>(as: readonly A[] | SortedRanges<A>, bs: readonly B[] | SortedRanges<B>, limit = Infinity): Array<[A, B]> {
  const a = 'maxLast' in as ? as : sortRanges(as);
  const b = 'maxLast' in bs ? bs : sortRanges(bs);
  const out: Array<[A, B]> = [];
  const n = a.first.length;
  const m = b.first.length;
  if (n === 0 || m === 0 || a.maxLast < b.first[0] || b.maxLast < a.first[0]) return out;
  let j = 0;
  for (let i = 0; i < n && out.length < limit; i++) {
    const xFirst = a.first[i];
    const xLast = a.last[i];
    while (j < m && b.last[j] < xFirst) j++;
    for (let k = j; k < m && b.first[k] <= xLast && out.length < limit; k++) if (b.last[k] >= xFirst) out.push([a.ranges[i], b.ranges[k]]);
  }
  return out;
}
