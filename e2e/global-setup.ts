import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { E2E_ENV_FILE, E2E_ENV_VAR, type E2eEnv } from './env';
import { startLabProcess, type LabProcess } from './lab-process';
import { startNextServer, type NextServer } from './next-server';
import { standaloneServer } from '../scripts/standalone.mjs';

const root = path.resolve(__dirname, '..');
const DEADLINE_MS = 2000;

/**
 * Starts the lab's seed scenario and the standalone server against it; Playwright calls the returned function
 * at the end of the run to stop both. Tests read ISTHMUS_E2E_ENV (baseURL, controlUrl).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(standaloneServer(root))) {
    throw new Error('The app is not built: run `npm run build` first (npm test builds it before the browser tests).');
  }
  const resultsDir = path.join(root, 'test-results');
  mkdirSync(path.join(resultsDir, 'screenshots'), { recursive: true });

  let lab: LabProcess | null = null;
  let next: NextServer | null = null;
  // A kubeconfig of its own per run: several people may run the browser tests at once.
  const labDir = mkdtempSync(path.join(os.tmpdir(), 'isthmus-e2e-'));
  const stopAll = async () => {
    await next?.stop();
    await lab?.stop();
    rmSync(labDir, { recursive: true, force: true });
  };
  try {
    // Prometheus scrapes every second, so traffic shows (and faults turn edges) within seconds.
    lab = await startLabProcess({ kubeconfigOut: path.join(labDir, 'kubeconfig'), extraArgs: ['--scrape-interval', '1'] });
    next = await startNextServer({
      env: { ISTHMUS_KUBECONFIG: lab.kubeconfigPath, ISTHMUS_CONTEXTS: '', ISTHMUS_DEMO: '1', ISTHMUS_DEADLINE_MS: String(DEADLINE_MS) },
      logPath: path.join(resultsDir, 'e2e-next.log'),
      readyPath: '/api/clusters',
    });
    const env: E2eEnv = { baseURL: next.baseURL, controlUrl: lab.controlUrl, kubeconfigPath: lab.kubeconfigPath, contexts: lab.contexts, deadlineMs: DEADLINE_MS, nextPid: next.child.pid ?? 0, labPid: lab.child.pid ?? 0 };
    writeFileSync(E2E_ENV_FILE, JSON.stringify(env, null, 2));
    process.env[E2E_ENV_VAR] = JSON.stringify(env);
  } catch (err) {
    await stopAll();
    throw err;
  }
  return stopAll;
}
