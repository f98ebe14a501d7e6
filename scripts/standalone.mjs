/**
 * The standalone server (`output: 'standalone'`): the one production server the launcher, the browser
 * tests and the image all run. Configured by environment only: PORT, HOSTNAME (the bind address) and
 * the ISTHMUS_* settings (server/config.ts).
 */
import path from 'node:path';

export const STANDALONE_DIR = path.join('.next', 'standalone');

/** The server entry point below the project folder `root`. */
export function standaloneServer(root) {
  return path.join(root, STANDALONE_DIR, 'server.js');
}

/**
 * The environment for the server: HOSTNAME is always set, because the standalone server binds to
 * $HOSTNAME and shells and containers set it to the machine's name.
 */
export function standaloneEnv(baseEnv, { host, port }) {
  return { ...baseEnv, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', HOSTNAME: host, PORT: String(port) };
}
