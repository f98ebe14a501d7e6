import path from 'node:path';

/** What global-setup started; tests get it through ISTHMUS_E2E_ENV (workers inherit the runner's env). */
export interface E2eEnv {
  baseURL: string;
  controlUrl: string;
  kubeconfigPath: string;
  contexts: string[];
  deadlineMs: number;
  nextPid: number;
  labPid: number;
}

/** A copy for people debugging a run; tests never read it (parallel runs would share it). */
export const E2E_ENV_FILE = path.resolve(__dirname, '..', 'test-results', 'e2e-env.json');
export const E2E_ENV_VAR = 'ISTHMUS_E2E_ENV';

export function readE2eEnv(): E2eEnv {
  const raw = process.env[E2E_ENV_VAR];
  if (!raw) throw new Error(`${E2E_ENV_VAR} is not set: run the browser tests through playwright.config.ts (global setup)`);
  return JSON.parse(raw) as E2eEnv;
}
