import 'server-only';
import { createHash } from 'node:crypto';
import https from 'node:https';
import tls from 'node:tls';

/**
 * client-node 1.4 builds a new https.Agent for every API call, so every call pays a TCP and TLS
 * handshake (with client certificates: the costliest part of a call). We swap it for a keep-alive agent
 * shared by calls with identical TLS options (same CA, client cert/key, server name), i.e. per cluster
 * and user. Credentials sent as headers (tokens, exec plugins) are untouched.
 */
const TLS_FIELDS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;
const MAX_AGENTS = 500;
const agents = new Map<string, https.Agent>();

function optionsKey(options: https.AgentOptions): string {
  const h = createHash('sha256');
  for (const field of TLS_FIELDS) {
    const v = (options as Record<string, unknown>)[field];
    h.update(`${field}=`);
    if (v === undefined || v === null) h.update('-');
    else if (Buffer.isBuffer(v) || typeof v === 'string') h.update(v);
    else h.update(JSON.stringify(v));
    h.update('\u0000');
  }
  return h.digest('hex');
}

/**
 * The agent's CA, client certificate and key parsed once: without it every connection parses them again
 * (tls.connect builds a secure context from the PEMs), a third of a cold start's TLS cost at 50 clusters
 * × 4 watches. Unparsable ones are left to each connection, which fails with its own TLS error as before.
 */
function secureContextOf(options: https.AgentOptions): tls.SecureContext | undefined {
  try {
    return tls.createSecureContext({ ca: options.ca, cert: options.cert, key: options.key, pfx: options.pfx, passphrase: options.passphrase });
  } catch {
    return undefined;
  }
}

/** The shared keep-alive agent for a plain https.Agent's TLS options; other agents (proxies) are returned as they are. */
export function keepAliveAgent<T>(agent: T): T | https.Agent {
  if (!(agent instanceof https.Agent) || agent.constructor !== https.Agent) return agent;
  const options = (agent as https.Agent & { options: https.AgentOptions }).options;
  const key = optionsKey(options);
  let shared = agents.get(key);
  if (!shared) {
    if (agents.size >= MAX_AGENTS) {
      const [oldestKey, oldest] = agents.entries().next().value as [string, https.Agent];
      oldest.destroy();
      agents.delete(oldestKey);
    }
    const tlsOptions: https.AgentOptions = {};
    for (const field of TLS_FIELDS) if (options[field] !== undefined) (tlsOptions as Record<string, unknown>)[field] = options[field];
    shared = new https.Agent({ ...tlsOptions, secureContext: secureContextOf(tlsOptions), keepAlive: true, keepAliveMsecs: 30_000, maxFreeSockets: 16, timeout: 60_000 });
    agents.set(key, shared);
  }
  return shared;
}
