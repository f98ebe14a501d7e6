import 'server-only';
import { PassThrough, Writable } from 'node:stream';
import { PortForward } from '@kubernetes/client-node';
import type WebSocket from 'isomorphic-ws';
import { withDeadline, type Deadline } from './deadline';
import { DescribedError, UpstreamStatusError } from './errors';
import { HttpResponseReader, MalformedHttpError } from './http-response';
import type { ClusterHandle } from './registry';

/**
 * HTTP GET to a port inside a pod over the API server's pods/portforward, as istioctl does: the request
 * arrives on the pod's loopback, which istiod's debug endpoints and Envoy's admin trust.
 * Only these paths can ever be requested: no caller can forward an arbitrary path.
 */
export const ISTIOD_PATHS = ['/debug/clusterz', '/debug/syncz', '/debug/networkz', '/version'] as const;
export const ENVOY_PATHS = ['/clusters?format=json', '/config_dump?include_eds', '/server_info'] as const;
export type IstiodPath = (typeof ISTIOD_PATHS)[number];
export type EnvoyPath = (typeof ENVOY_PATHS)[number];
export type PodPath = IstiodPath | EnvoyPath;

export const ENVOY_ADMIN_PORT = 15000;
export const ISTIOD_MONITORING_PORT = 15014;

const ALLOWED = new Set<string>([...ISTIOD_PATHS, ...ENVOY_PATHS]);
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface PodPort {
  namespace: string;
  pod: string;
  port: number;
}

/** istiod's monitoring port: pod annotation prometheus.io/port (as istioctl's FindIstiodMonitoringPort), else 15014. */
export function istiodMonitoringPort(annotations: Record<string, string> | undefined): number {
  const n = Number(annotations?.['prometheus.io/port']);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : ISTIOD_MONITORING_PORT;
}

/**
 * GETs an allow-listed path from a pod port; resolves with the body of a 200 answer, rejects with
 * UpstreamStatusError for another status, DescribedError when the forward fails, DeadlineExceeded at the deadline.
 */
export async function podGet(cluster: ClusterHandle, target: PodPort, path: PodPath, deadline: Deadline): Promise<string> {
  if (!ALLOWED.has(path)) throw new Error(`path not allowed: ${path}`);
  const res = await withDeadline(deadline, (signal) => forwardOnce(cluster, target, path, signal));
  if (res.status !== 200) throw new UpstreamStatusError(res.status, res.body.toString('utf8').slice(0, 2000));
  return res.body.toString('utf8');
}

function forwardOnce(cluster: ClusterHandle, target: PodPort, path: string, signal: AbortSignal) {
  const where = `pod ${target.namespace}/${target.pod} port ${target.port}`;
  const reader = new HttpResponseReader();
  const input = new PassThrough();
  let received = 0;
  let ws: WebSocket | null = null;
  let settled = false;

  return new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
    const finish = (err: unknown, res?: { status: number; body: Buffer }) => {
      if (settled) return;
      settled = true;
      // Always close the WebSocket: the client never ends the forward by itself.
      try {
        ws?.close();
      } catch {
        /* already closed */
      }
      input.destroy();
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(res!);
    };
    const onAbort = () => finish(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    const output = new Writable({
      write(chunk: Buffer, _enc, done) {
        received += chunk.length;
        try {
          if (received > MAX_BODY_BYTES) throw new DescribedError('bad-response', `${where} answered more than ${MAX_BODY_BYTES >> 20} MiB`);
          const res = reader.push(chunk);
          if (res) finish(null, res);
        } catch (e) {
          finish(e instanceof DescribedError ? e : new DescribedError('bad-response', `${where} did not answer HTTP (${(e as Error).message})`));
        }
        done();
      },
    });
    // The kubelet reports a failed forward (nothing listening, pod gone) as text on the error channel.
    const errors = new Writable({
      write(chunk: Buffer, _enc, done) {
        if (chunk.length) finish(new DescribedError('unreachable', `port-forward to ${where} failed: nothing accepted the connection`));
        done();
      },
    });

    const forward = new PortForward(cluster.kc, false);
    forward
      .portForward(target.namespace, target.pod, [target.port], output, errors, input)
      .then((socket) => {
        ws = typeof socket === 'function' ? socket() : socket;
        if (settled) {
          // The deadline passed while connecting: close the late socket.
          ws?.close();
          return;
        }
        ws?.on('close', () => {
          if (settled) return;
          try {
            const res = reader.end();
            finish(null, res);
          } catch (e) {
            finish(new DescribedError(e instanceof MalformedHttpError ? 'bad-response' : 'unreachable', `${where} closed the forward before answering`));
          }
        });
        input.write(
          `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${target.port}\r\nUser-Agent: isthmus\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
        );
      })
      .catch((e: unknown) => finish(e)); // ws ErrorEvent or node error: errors.ts reads its code / status
  });
}
