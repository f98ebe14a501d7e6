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
 * Pairs of overlapping ranges, one from each list (each sorted here by first address; a sweep, so
 * thousands of pod IPs cost no more than their sort), at most `limit`.
 */
export function overlaps<A extends Range, B extends Range>(as: readonly A[], bs: readonly B[], limit = Infinity): Array<[A, B]> {
  const a = [...as].sort((x, y) => x.first - y.first);
  const b = [...bs].sort((x, y) => x.first - y.first);
  const out: Array<[A, B]> = [];
  let j = 0;
  for (const x of a) {
    while (j < b.length && b[j].last < x.first) j++;
    for (let k = j; k < b.length && b[k].first <= x.last && out.length < limit; k++) if (b[k].last >= x.first) out.push([x, b[k]]);
    if (out.length >= limit) break;
  }
  return out;
}
