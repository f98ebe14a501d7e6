/**
 * Self-signed ECDSA P-256 root certificates for the mesh's CAs (cacerts / istio-ca-root-cert).
 * Built synchronously with a tiny DER writer and node:crypto, so createWorld stays synchronous
 * (@peculiar/x509's generator is async-only). node's X509Certificate parses and verifies the result.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n >>= 8) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), derLength(body.length), body]);
}

const sequence = (...items: Buffer[]) => tlv(0x30, ...items);
const set = (...items: Buffer[]) => tlv(0x31, ...items);
const octetString = (b: Buffer) => tlv(0x04, b);
const bitString = (b: Buffer) => tlv(0x03, Buffer.from([0]), b);
const utf8 = (s: string) => tlv(0x0c, Buffer.from(s, 'utf8'));
const explicit = (n: number, inner: Buffer) => tlv(0xa0 | n, inner);
const booleanTrue = () => tlv(0x01, Buffer.from([0xff]));

/** A non-negative DER INTEGER, minimal as DER requires: OpenSSL refuses a redundant leading zero byte. */
function integer(bytes: Buffer): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0 && !(bytes[start + 1] & 0x80)) start++;
  const minimal = bytes.subarray(start);
  return tlv(0x02, minimal[0] & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = n >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(date: Date): Buffer {
  const iso = date.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z'; // YYYYMMDDHHMMSSZ
  return date.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(iso.slice(2))) : tlv(0x18, Buffer.from(iso));
}

export interface RootCA {
  /** Identity of the CA in the scenario ("shared" or a cluster's rootCA name). */
  name: string;
  certPem: string;
  keyPem: string;
}

/** A self-signed root "O=Istio, CN=Root CA" valid for ten years from `notBefore` (or until `notAfter`), as istio's cert Makefile makes. */
export function createRootCA(name: string, notBefore: Date, notAfter = new Date(notBefore.getTime() + 10 * 365 * 86_400_000)): RootCA {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const ecdsaWithSha256 = sequence(oid('1.2.840.10045.4.3.2'));
  const subject = sequence(set(sequence(oid('2.5.4.10'), utf8('Istio'))), set(sequence(oid('2.5.4.3'), utf8('Root CA'))));
  // The subject key identifier is the SHA-1 of the public key bits (RFC 5280 method 1); the last 65 bytes
  // of a P-256 SPKI are the uncompressed point.
  const keyId = createHash('sha1').update(spki.subarray(spki.length - 65)).digest();
  const extensions = sequence(
    sequence(oid('2.5.29.15'), booleanTrue(), octetString(tlv(0x03, Buffer.from([0x01, 0x06])))), // keyCertSign, cRLSign
    sequence(oid('2.5.29.19'), booleanTrue(), octetString(sequence(booleanTrue()))), // CA:TRUE
    sequence(oid('2.5.29.14'), octetString(octetString(keyId))),
  );
  const serial = createHash('sha256').update(`${name}:${spki.toString('hex')}`).digest().subarray(0, 16);
  serial[0] &= 0x7f;
  const tbs = sequence(
    explicit(0, integer(Buffer.from([2]))),
    integer(serial),
    ecdsaWithSha256,
    subject,
    sequence(time(notBefore), time(notAfter)),
    subject,
    spki,
    explicit(3, extensions),
  );
  const signature = sign('sha256', tbs, { key: privateKey, dsaEncoding: 'der' });
  const der = sequence(tbs, ecdsaWithSha256, bitString(signature));
  const certPem = `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { name, certPem, keyPem };
}
