import { readFileSync } from 'node:fs';
import path from 'node:path';

/** What global-setup started, shared with the tests through a file (and env vars). */
export interface E2eEnv {
  baseURL: string;
  controlUrl: string;
  kubeconfigPath: string;
  contexts: string[];
  deadlineMs: number;
  nextPid: number;
}

export const E2E_ENV_FILE = path.resolve(__dirname, '..', 'test-results', 'e2e-env.json');

export function readE2eEnv(): E2eEnv {
  return JSON.parse(readFileSync(E2E_ENV_FILE, 'utf8')) as E2eEnv;
}
