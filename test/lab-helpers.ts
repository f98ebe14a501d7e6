/** Helpers for the lab's integration tests: clients nobody here wrote (kubectl, client-node). */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import * as k8s from '@kubernetes/client-node';

export const kubectlPath = '/usr/bin/kubectl';
export const hasKubectl = fs.existsSync(kubectlPath);
if (!hasKubectl) console.warn(`kubectl tests skipped: ${kubectlPath} is not installed (apt-get install kubectl)`);

/** Runs kubectl against a kubeconfig with a private discovery cache; never throws on a non-zero exit. */
export function kubectl(kubeconfigPath: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cacheDir = path.join(path.dirname(kubeconfigPath), 'kubectl-cache');
  return new Promise((resolve) => {
    execFile(kubectlPath, ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'isthmus-lab-'));
}

/** A KubeConfig holding only `context` (one per cluster, as the server builds them). */
export function kubeConfigFor(kubeconfig: string, context: string): k8s.KubeConfig {
  const all = new k8s.KubeConfig();
  all.loadFromString(kubeconfig);
  const ctx = all.getContextObject(context);
  if (!ctx) throw new Error(`no context ${context} in the lab kubeconfig`);
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({ clusters: [all.getCluster(ctx.cluster)!], users: [all.getUser(ctx.user)!], contexts: [ctx], currentContext: context });
  return kc;
}

export interface ForwardedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP GET over client-node's PortForward, by hand: the forward never ends its output, so the
 * response is complete once Content-Length bytes arrived; a refused port arrives on the error stream.
 */
export function getOverPortForward(
  kc: k8s.KubeConfig,
  namespace: string,
  pod: string,
  port: number,
  requestPath: string,
  deadlineMs = 10_000,
): Promise<ForwardedResponse> {
  const input = new PassThrough();
  let received = Buffer.alloc(0);
  return new Promise<ForwardedResponse>((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => finish(new Error(`port-forward GET ${requestPath}: no complete answer within ${deadlineMs}ms`)), deadlineMs);
    function finish(result: Error | ForwardedResponse) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      input.end(); // closes the WebSocket
      if (result instanceof Error) reject(result);
      else resolve(result);
    }
    function tryParse() {
      const headerEnd = received.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const [statusLine, ...lines] = received.subarray(0, headerEnd).toString().split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const length = Number(headers['content-length'] ?? NaN);
      if (!Number.isFinite(length)) return finish(new Error('port-forward GET: response without Content-Length'));
      const body = received.subarray(headerEnd + 4);
      if (body.length >= length) finish({ status: Number(statusLine.split(' ')[1]), headers, body: body.subarray(0, length).toString() });
    }
    const output = new Writable({
      write(chunk: Buffer, _enc, cb) {
        received = Buffer.concat([received, chunk]);
        tryParse();
        cb();
      },
    });
    const errors = new Writable({
      write(chunk: Buffer, _enc, cb) {
        if (chunk.length) finish(new Error(chunk.toString()));
        cb();
      },
    });
    new k8s.PortForward(kc)
      .portForward(namespace, pod, [port], output, errors, input)
      .then(() => input.write(`GET ${requestPath} HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close\r\n\r\n`))
      .catch((err: unknown) => {
        // An upgrade failure arrives as a WebSocket ErrorEvent ("Unexpected server response: 403"), not an Error.
        const message = (err as { message?: unknown } | null)?.message;
        finish(err instanceof Error ? err : new Error(typeof message === 'string' ? message : 'port-forward failed'));
      });
  });
}

/**
 * Starts a client-node Watch, runs `trigger` once the stream is open, and resolves with the events seen
 * ("TYPE name") when `until` matches one, or rejects after the deadline.
 */
export async function watchUntil(
  kc: k8s.KubeConfig,
  watchPath: string,
  query: Record<string, string>,
  until: (type: string, name: string) => boolean,
  trigger: () => void,
  deadlineMs = 10_000,
): Promise<string[]> {
  const seen: string[] = [];
  let controller: AbortController | undefined;
  try {
    return await new Promise<string[]>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`watch ${watchPath}: nothing matched within ${deadlineMs}ms; saw ${seen.join(', ')}`)), deadlineMs);
      new k8s.Watch(kc)
        .watch(
          watchPath,
          query,
          (type, obj: { metadata: { name: string } }) => {
            seen.push(`${type} ${obj.metadata.name}`);
            if (until(type, obj.metadata.name)) {
              clearTimeout(deadline);
              resolve(seen);
            }
          },
          () => undefined,
        )
        .then((c) => {
          controller = c;
          trigger();
        })
        .catch(reject);
    });
  } finally {
    controller?.abort();
  }
}
