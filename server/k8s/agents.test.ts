import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterCa, type PemPair } from '@/lab/kube/certs';
import { keepAliveAgent } from './agents';

let server: https.Server;
let url: string;
let ca: string;
let otherCa: string;
let client: PemPair;

beforeAll(async () => {
  const cluster = await createClusterCa('agents');
  const other = await createClusterCa('other');
  const serving = await cluster.issue({ commonName: 'apiserver' }, 'server');
  client = await cluster.issue({ commonName: 'alice' }, 'client');
  [ca, otherCa] = [cluster.certPem, other.certPem];
  server = https.createServer({ cert: serving.certPem, key: serving.keyPem, ca, requestCert: true, rejectUnauthorized: true }, (req, res) => {
    res.end((req.socket as TLSSocket).getPeerCertificate().subject.CN);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function get(agent: https.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c)).on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}

describe('keepAliveAgent', () => {
  it('parses the CA, client certificate and key once (a shared secure context) and still presents and verifies them', async () => {
    const agent = keepAliveAgent(new https.Agent({ ca, cert: client.certPem, key: client.keyPem })) as https.Agent;
    expect((agent.options as https.AgentOptions & { secureContext?: unknown }).secureContext).toBeDefined();
    expect(await get(agent)).toBe('alice');
    expect(await get(agent)).toBe('alice');
  });

  it('a server the CA did not sign is refused, and a missing client certificate is too', async () => {
    const wrongCa = keepAliveAgent(new https.Agent({ ca: otherCa, cert: client.certPem, key: client.keyPem })) as https.Agent;
    await expect(get(wrongCa)).rejects.toMatchObject({ code: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) });
    const anonymous = keepAliveAgent(new https.Agent({ ca })) as https.Agent;
    await expect(get(anonymous)).rejects.toBeDefined();
  });

  it('a key that does not parse leaves it to each connection, which fails on its own TLS error', async () => {
    const broken = keepAliveAgent(new https.Agent({ ca, cert: client.certPem, key: 'not a key' })) as https.Agent;
    expect((broken.options as https.AgentOptions & { secureContext?: unknown }).secureContext).toBeUndefined();
    await expect(get(broken)).rejects.toBeDefined();
  });
});
