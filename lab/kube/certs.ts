/**
 * Per-cluster PKI for the lab's API servers, like kubeadm's: a cluster CA, a serving certificate for
 * 127.0.0.1/localhost and client certificates (CN = user, O = groups) signed by that CA.
 */
import 'reflect-metadata'; // @peculiar/x509 resolves its services through tsyringe, which needs it
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ecdsa = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const signingAlgorithm = { name: 'ECDSA', hash: 'SHA-256' } as const;
const tenYears = 10 * 365 * 24 * 3600 * 1000;

export interface PemPair {
  certPem: string;
  keyPem: string;
}

export interface ClusterCa extends PemPair {
  issue(subject: { commonName: string; organizations?: string[] }, usage: 'server' | 'client'): Promise<PemPair>;
}

async function newKeys(): Promise<CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(ecdsa, true, ['sign', 'verify'])) as CryptoKeyPair;
}

async function privateKeyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

function dates() {
  const notBefore = new Date(Date.now() - 3600 * 1000); // tolerate small clock differences
  return { notBefore, notAfter: new Date(notBefore.getTime() + tenYears) };
}

export async function createClusterCa(clusterName: string): Promise<ClusterCa> {
  const caKeys = await newKeys();
  const caName = [{ CN: [`lab-${clusterName}-ca`] }];
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    name: caName,
    keys: caKeys,
    signingAlgorithm,
    ...dates(),
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });

  async function issue(subject: { commonName: string; organizations?: string[] }, usage: 'server' | 'client'): Promise<PemPair> {
    const keys = await newKeys();
    const name: x509.JsonName = [{ CN: [subject.commonName] }];
    if (subject.organizations?.length) name.push({ O: subject.organizations });
    const extensions: x509.Extension[] = [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth]),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
    ];
    if (usage === 'server') {
      extensions.push(
        new x509.SubjectAlternativeNameExtension([
          { type: 'ip', value: '127.0.0.1' },
          { type: 'dns', value: 'localhost' },
        ]),
      );
    }
    const cert = await x509.X509CertificateGenerator.create({
      subject: name,
      issuer: caCert.subject,
      publicKey: keys.publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm,
      ...dates(),
      extensions,
    });
    return { certPem: cert.toString('pem'), keyPem: await privateKeyPem(keys.privateKey) };
  }

  return { certPem: caCert.toString('pem'), keyPem: await privateKeyPem(caKeys.privateKey), issue };
}
