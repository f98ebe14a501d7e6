/**
 * The lab in a child process (`tsx lab/main.ts`), for the browser tests and the fan-out benchmark.
 * Why not startLab() in Playwright's runner: lab/index.ts loads lab/model with a dynamic import(),
 * which Playwright's CommonJS transform cannot follow (SyntaxError on 'export'). A child process also
 * keeps the lab's CPU off the test runner's event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stopChild } from './stop-child';

const root = path.resolve(__dirname, '..');

/** What the lab presents to a pod of its in-cluster cluster (lab/kube/in-cluster.ts). */
export interface LabInCluster {
  root: string;
  env: Record<string, string>;
  remotesKubeconfigPath: string;
}

/**
 * Isthmus's environment as deployed in the lab's `home` cluster (docs/deploy.md): the pod's service
 * env and mounted token below `root`, the other clusters from the remote-secrets kubeconfig.
 */
export function inClusterServerEnv(ic: LabInCluster, home: string): Record<string, string> {
  return { ...ic.env, ISTHMUS_IN_CLUSTER: home, ISTHMUS_IN_CLUSTER_ROOT: ic.root, ISTHMUS_KUBECONFIG: ic.remotesKubeconfigPath, ISTHMUS_CONTEXTS: '' };
}

export interface LabProcess {
  kubeconfigPath: string;
  controlUrl: string;
  contexts: string[];
  /** With --in-cluster: what a pod of that cluster gets. */
  inCluster: LabInCluster | null;
  child: ChildProcess;
  stop(): Promise<void>;
}

export interface LabProcessOptions {
  kubeconfigOut: string;
  scenarioPath?: string;
  /** More lab/main.ts options, e.g. ['--scale', 'clusters=20,namespaces=5,pods=1200', '--latency', '100']. */
  extraArgs?: string[];
  env?: Record<string, string>;
  readyMs?: number;
}

export function startLabProcess(options: LabProcessOptions): Promise<LabProcess> {
  const args = [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'lab/main.ts', '--kubeconfig-out', options.kubeconfigOut, ...(options.extraArgs ?? [])];
  if (options.scenarioPath) args.push('--scenario', options.scenarioPath);
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });

  const stop = () => stopChild(child);

  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let ready: { kubeconfigPath: string; controlUrl: string } | null = null;
    let inCluster: LabProcess['inCluster'] = null;
    const contexts: string[] = [];
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`the lab did not report ready within ${options.readyMs ?? 60_000} ms:\n${err}`));
    }, options.readyMs ?? 60_000);
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-4000))); // the tail explains a failed start
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const lines = out.split('\n');
      out = lines.pop() ?? '';
      for (const line of lines) {
        const ic = /^lab in-cluster: root=(\S+) host=(\S+) port=(\d+) remotes=(\S+)/.exec(line);
        if (ic) inCluster = { root: ic[1], env: { KUBERNETES_SERVICE_HOST: ic[2], KUBERNETES_SERVICE_PORT: ic[3] }, remotesKubeconfigPath: ic[4] };
        const r = /^lab ready: kubeconfig=(\S+) control=(\S+)/.exec(line);
        if (r) ready = { kubeconfigPath: r[1], controlUrl: r[2] };
        const c = /^\s+(\S+) -> https?:\/\//.exec(line);
        if (ready && c) contexts.push(c[1]);
      }
      // Context lines follow the ready line at once; give them a moment to arrive together.
      if (ready && contexts.length > 0) {
        clearTimeout(timer);
        const found = ready;
        setTimeout(() => resolve({ ...found, contexts: [...contexts], inCluster, child, stop }), 100);
        ready = null;
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the lab exited (code ${code}) before it was ready:\n${err}`));
    });
  });
}
