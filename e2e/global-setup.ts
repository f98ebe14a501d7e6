import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startLab, type Lab } from '../lab/index';
import { E2E_ENV_FILE, type E2eEnv } from './env';

const root = path.resolve(__dirname, '..');
const DEADLINE_MS = 2000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode} before answering`);
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`next start did not answer ${url} within ${timeoutMs} ms`);
}

let lab: Lab | null = null;
let next: ChildProcess | null = null;

/** Stops what setup started; Playwright calls the returned function at the end of the run. */
async function stopAll(): Promise<void> {
  if (next && next.exitCode === null) {
    const exited = new Promise((r) => next!.once('exit', r));
    next.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    if (next.exitCode === null) next.kill('SIGKILL');
  }
  next = null;
  if (lab) await lab.stop();
  lab = null;
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
    throw new Error('The app is not built: run `npx next build` first (npm test builds it before the browser tests).');
  }
  const resultsDir = path.join(root, 'test-results');
  mkdirSync(path.join(resultsDir, 'screenshots'), { recursive: true });

  try {
    lab = await startLab({ kubeconfigOut: path.join(resultsDir, 'e2e-lab', 'kubeconfig') });
    const port = await freePort();
    const baseURL = `http://127.0.0.1:${port}`;
    next = spawn(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'start', '-H', '127.0.0.1', '-p', String(port)], {
      cwd: root,
      env: {
        ...process.env,
        ISTHMUS_KUBECONFIG: lab.kubeconfigPath,
        ISTHMUS_CONTEXTS: '',
        ISTHMUS_DEMO: '1',
        ISTHMUS_DEADLINE_MS: String(DEADLINE_MS),
        NEXT_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Server output goes to a log file, not the test report; it helps when a test fails.
    const logPath = path.join(resultsDir, 'e2e-next.log');
    writeFileSync(logPath, '');
    const { appendFileSync } = await import('node:fs');
    next.stdout?.on('data', (d: Buffer) => appendFileSync(logPath, d));
    next.stderr?.on('data', (d: Buffer) => appendFileSync(logPath, d));
    await waitForHttp(`${baseURL}/api/clusters`, next, 60_000);

    const env: E2eEnv = { baseURL, controlUrl: lab.controlUrl, kubeconfigPath: lab.kubeconfigPath, contexts: lab.contexts, deadlineMs: DEADLINE_MS, nextPid: next.pid ?? 0 };
    writeFileSync(E2E_ENV_FILE, JSON.stringify(env, null, 2));
    process.env.ISTHMUS_E2E_BASE_URL = baseURL;
    process.env.ISTHMUS_E2E_CONTROL_URL = lab.controlUrl;
  } catch (err) {
    await stopAll();
    throw err;
  }
  return stopAll;
}
