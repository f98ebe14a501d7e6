import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createRootCA } from './rootca';

describe('createRootCA', () => {
  // The serial is a hash: about one in 430 starts with a zero byte, which DER must drop (OpenSSL refuses
  // the certificate otherwise, and every check reading istio-ca-root-cert then saw no certificate).
  it('writes certificates OpenSSL parses, whatever bytes the serial starts with', () => {
    for (let i = 0; i < 1500; i++) {
      const ca = createRootCA(`ca-${i}`, new Date('2024-01-01T00:00:00Z'));
      const cert = new X509Certificate(ca.certPem);
      expect(cert.subject).toBe('O=Istio\nCN=Root CA');
      expect(cert.serialNumber).not.toMatch(/^00/);
    }
  });
});
