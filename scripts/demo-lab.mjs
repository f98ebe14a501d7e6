/**
 * The demo's lab, owned by one launcher process: its kubeconfig lives in a directory of this process's
 * own (never a shared .lab/kubeconfig that a second `npm start` would overwrite), removed when the lab stops
 * or the launcher exits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Starts `lab/main.ts` with `scenario` and resolves once it prints "lab ready:". `onOutput` receives the
 * lab's standard output (the launcher echoes it); `args` are more lab/main.ts options.
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, kubeconfig: string, control: string, dir: string, cleanup: () => void }>}
 */
export function startDemoLab(root, scenario, { env = process.env, onOutput = () => {}, args = [] } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `isthmus-demo-${process.pid}-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  const child = spawn(process.execPath, ['--import', 'tsx', 'lab/main.ts', '--scenario', scenario, '--kubeconfig-out', path.join(dir, 'kubeconfig'), '--stop-with-stdin', ...args], {
    cwd: root,
    // The lab stops when this pipe closes: however the launcher ends, the lab does not outlive it.
    stdio: ['pipe', 'pipe', 'inherit'],
    env,
  });
  child.once('exit', cleanup);
  return new Promise((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => reject(new Error('the lab did not become ready within 60 s')), 60_000);
    child.stdout.on('data', (chunk) => {
      onOutput(chunk);
      buffer += chunk.toString();
      const m = /lab ready: kubeconfig=(\S+) control=(\S+)/.exec(buffer);
      if (m) {
        clearTimeout(timer);
        resolve({ child, kubeconfig: m[1], control: m[2], dir, cleanup });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the lab exited (code ${code}) before it was ready`));
    });
  });
}
