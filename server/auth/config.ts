/**
 * Sign-in settings (environment, set by the launcher's flags or the Deployment), and the files they
 * name, re-read when they change (a mounted Secret is updated in place by the kubelet):
 *   ISTHMUS_AUTH                 none | token | proxy
 *   ISTHMUS_AUTH_TOKENS_FILE     token mode: kube-apiserver's static token CSV, `token,user,uid,"group1,group2"`
 *   ISTHMUS_SESSION_KEY_FILE     token mode: the key that signs session cookies (shared by every replica)
 *   ISTHMUS_PROXY_SECRET_FILE    proxy mode: the secret the proxy sends in X-Isthmus-Proxy-Secret
 *   ISTHMUS_IMPERSONATE          1: every cluster call carries Impersonate-User/-Group for the signed-in user
 *   ISTHMUS_INSECURE_NO_AUTH     1: serve a non-loopback address without sign-in (explicitly unsafe)
 * No 'server-only' import: proxy.ts uses this too.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { isIP } from 'node:net';
import { envFlag } from '../config';

export type AuthMode = 'none' | 'token' | 'proxy';

export interface Identity {
  user: string;
  groups: string[];
}

export interface AuthConfig {
  mode: AuthMode;
  impersonate: boolean;
  insecureNoAuth: boolean;
  /** token mode: sha256(token) in hex → who it is. */
  tokens: Map<string, Identity>;
  /** token mode: HMAC key of session cookies. */
  sessionKey: Buffer | null;
  /** proxy mode: the shared secret the proxy must send. */
  proxySecret: string | null;
}

export class AuthConfigError extends Error {}

type Env = Record<string, string | undefined>;

export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');

/** One CSV line of kube-apiserver's --token-auth-file: token,user,uid[,"group1,group2"]. */
export function parseTokensCsv(text: string, file: string): Map<string, Identity> {
  const tokens = new Map<string, Identity>();
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim() || line.trimStart().startsWith('#')) return;
    const m = /^([^,]+),([^,]+),([^,]*)(?:,"?([^"]*)"?)?\s*$/.exec(line.trim());
    if (!m) throw new AuthConfigError(`${file}:${i + 1}: expected token,user,uid[,"group1,group2"]`);
    const groups = (m[4] ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    tokens.set(tokenDigest(m[1].trim()), { user: m[2].trim(), groups });
  });
  if (tokens.size === 0) throw new AuthConfigError(`${file}: no token`);
  return tokens;
}

/* The files' contents, kept while their mtime and size are unchanged. */
const files = new Map<string, { stamp: string; text: string }>();

function readFile(file: string | undefined, what: string): string {
  if (!file) throw new AuthConfigError(`${what} is not set`);
  let stamp: string;
  try {
    const st = fs.statSync(file);
    stamp = `${st.mtimeMs}:${st.size}`;
  } catch {
    throw new AuthConfigError(`${what} ${file} cannot be read`);
  }
  const known = files.get(file);
  if (known?.stamp === stamp) return known.text;
  const text = fs.readFileSync(file, 'utf8');
  files.set(file, { stamp, text });
  return text;
}

export function loadAuthConfig(env: Env = process.env): AuthConfig {
  const mode = (env.ISTHMUS_AUTH?.trim() || 'none') as AuthMode;
  if (!['none', 'token', 'proxy'].includes(mode)) throw new AuthConfigError(`ISTHMUS_AUTH must be none, token or proxy, got "${mode.slice(0, 40)}"`);
  const config: AuthConfig = {
    mode,
    impersonate: envFlag(env.ISTHMUS_IMPERSONATE),
    insecureNoAuth: envFlag(env.ISTHMUS_INSECURE_NO_AUTH),
    tokens: new Map(),
    sessionKey: null,
    proxySecret: null,
  };
  if (config.impersonate && mode === 'none') throw new AuthConfigError('--impersonate needs a signed-in user: use --auth token or --auth proxy');
  if (mode === 'token') {
    const file = env.ISTHMUS_AUTH_TOKENS_FILE;
    config.tokens = parseTokensCsv(readFile(file, 'ISTHMUS_AUTH_TOKENS_FILE (--tokens-file)'), file!);
    const key = readFile(env.ISTHMUS_SESSION_KEY_FILE, 'ISTHMUS_SESSION_KEY_FILE (--session-key-file)').trim();
    if (key.length < 32) throw new AuthConfigError('the session key must be at least 32 characters (e.g. `openssl rand -base64 48`)');
    config.sessionKey = Buffer.from(key);
  }
  if (mode === 'proxy') {
    const secret = readFile(env.ISTHMUS_PROXY_SECRET_FILE, 'ISTHMUS_PROXY_SECRET_FILE (--proxy-secret-file)').trim();
    if (secret.length < 16) throw new AuthConfigError('the proxy secret must be at least 16 characters');
    config.proxySecret = secret;
  }
  return config;
}

/** True for 127.0.0.0/8, ::1 and localhost: the addresses only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/**
 * Why the server must not start, or null: bound beyond loopback without sign-in (unless explicitly
 * --insecure-no-auth), or sign-in settings that cannot be used.
 */
export function exposureProblem(bindHost: string, env: Env = process.env): string | null {
  let config: AuthConfig;
  try {
    config = loadAuthConfig(env);
  } catch (e) {
    if (e instanceof AuthConfigError) return e.message;
    throw e;
  }
  if (config.mode === 'none' && !isLoopback(bindHost) && !config.insecureNoAuth) {
    return `bound to ${bindHost}, which other machines can reach, without sign-in: choose --auth token or --auth proxy (or --insecure-no-auth to accept that anyone who reaches it sees your clusters)`;
  }
  return null;
}
