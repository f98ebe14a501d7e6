/**
 * Deterministic generators: every "random looking" value of the lab (uids, pod-name suffixes, IPs,
 * nonces, counters) derives from a hash of stable names, so two worlds built from one scenario are equal.
 */
/** 32-bit FNV-1a: cheap and stable; used where thousands of values are needed quickly. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** murmur3's 32-bit finalizer: spreads a counter into an unrelated-looking word. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Two hex digits per byte value, so a word formats without toString/padStart. */
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** The i-th word of a name's hex stream (hexOf's 8-digit groups). */
function hexWord(seed: number, i: number): number {
  return mix32((seed + Math.imul(i, 0x9e3779b9)) >>> 0);
}

/** A hex string of any length derived from a name (hash once, then mix a counter: fast at 50,000 pods). */
export function hexOf(text: string, length: number): string {
  const seed = hash32(text);
  let out = '';
  for (let i = 0; out.length < length; i++) {
    const w = hexWord(seed, i);
    out += HEX_BYTES[w >>> 24] + HEX_BYTES[(w >>> 16) & 255] + HEX_BYTES[(w >>> 8) & 255] + HEX_BYTES[w & 255];
  }
  return out.length === length ? out : out.slice(0, length);
}

/** RFC 4122-shaped (version 4 layout) uuid derived from a name. */
export function uuidOf(text: string): string {
  const h = hexOf(text, 32);
  const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
const KUBE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function kubeSuffix(text: string, length: number): string {
  // Byte i of hexOf(text, 2 * length), read straight from its words.
  const seed = hash32(text);
  let out = '';
  for (let i = 0; i < length; i++) out += KUBE_ALPHANUMS[((hexWord(seed, i >> 2) >>> (24 - 8 * (i & 3))) & 255) % KUBE_ALPHANUMS.length];
  return out;
}

/** A Deployment's pod-template-hash: 9-10 characters of the kube alphabet. */
export function podTemplateHash(text: string): string {
  return kubeSuffix(`template:${text}`, 9 + (hash32(text) % 2));
}

export function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/**
 * The `index`-th node's spec.podCIDR: kube-controller-manager's range allocator hands each node the next
 * free /24 (--node-cidr-mask-size) of --cluster-cidr; null once the range is used up.
 */
export function nodePodCIDR(clusterCIDR: string, index: number, maskSize = 24): string | null {
  const [ip, bits] = clusterCIDR.split('/');
  const rangeSize = 2 ** (32 - Number(bits));
  const size = 2 ** (32 - Math.max(maskSize, Number(bits)));
  const base = (ipToInt(ip) & ~(rangeSize - 1)) >>> 0;
  return (index + 1) * size > rangeSize ? null : `${intToIp(base + index * size)}/${Math.max(maskSize, Number(bits))}`;
}

/**
 * Hands out addresses of a CIDR: a name hashes to a preferred address, collisions probe forward.
 * Addresses a scenario states explicitly are reserved first so generated ones never clash with them.
 */
export class AddressPool {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<number>();

  constructor(cidr: string) {
    const [ip, bits] = cidr.split('/');
    this.size = 2 ** (32 - Number(bits));
    this.base = (ipToInt(ip) & ~(this.size - 1)) >>> 0;
  }

  reserve(ip: string): void {
    this.used.add(ipToInt(ip));
  }

  allocate(name: string): string {
    if (this.used.size >= this.size - 2) throw new Error(`address pool exhausted while allocating for ${name}`);
    // Skip the network address, .0 and .255 of every /24 so addresses look like real ones.
    let offset = 1 + (hash32(name) % (this.size - 2));
    for (;;) {
      const candidate = (this.base + offset) >>> 0;
      const last = candidate & 255;
      if (last !== 0 && last !== 255 && !this.used.has(candidate)) {
        this.used.add(candidate);
        return intToIp(candidate);
      }
      offset = offset + 1 >= this.size - 1 ? 1 : offset + 1;
    }
  }
}

/** Parses "103m", "10d", "79m", "9m43s", "2h" into milliseconds. */
export function parseAge(age: string): number {
  const units: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  let total = 0;
  const re = /(\d+)([dhms])/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(age)) !== null) {
    total += Number(match[1]) * units[match[2]];
    consumed += match[0].length;
  }
  if (consumed !== age.length || consumed === 0) throw new Error(`invalid age "${age}" (expected e.g. 103m, 10d, 9m43s)`);
  return total;
}
