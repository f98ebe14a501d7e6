/**
 * Starts the built standalone server (what `npm start` and the image run) on a free 127.0.0.1 port and
 * waits until it answers.
 * Shared by the e2e global setup and the UI benchmark.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stopChild } from './stop-child';
import { standaloneEnv, standaloneServer } from '../scripts/standalone.mjs';

const root = path.resolve(__dirname, '..');

export function freePort(): Promise<number> {
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
    if (child.exitCode !== null) throw new Error(`the server exited with code ${child.exitCode} before answering`);
    try {
      if ((await fetch(url)).status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the server did not answer ${url} within ${timeoutMs} ms`);
}

export interface NextServer {
  baseURL: string;
  child: ChildProcess;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
  stop(): Promise<void>;
}

/**
 * `env` is added to this process's environment (ISTHMUS_* settings). Server output goes to `logPath`
 * when given (it helps when a test fails) and is dropped otherwise. Waits up to `readyMs` for `readyPath`.
 */
export async function startNextServer(options: { env: Record<string, string>; logPath?: string; readyPath?: string; readyMs?: number }): Promise<NextServer> {
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [standaloneServer(root)], {
    cwd: root,
    env: standaloneEnv({ ...process.env, ...options.env }, { host: '127.0.0.1', port }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { logPath } = options;
  if (logPath) writeFileSync(logPath, '');
  const sink = (d: Buffer) => {
    if (logPath) appendFileSync(logPath, d);
  };
  child.stdout?.on('data', sink);
  child.stderr?.on('data', sink);

  const stop = () => stopChild(child);
  try {
    await waitForHttp(`${baseURL}${options.readyPath ?? '/'}`, child, options.readyMs ?? 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { baseURL, child, stop };
}
