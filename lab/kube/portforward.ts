/**
 * The kubelet's WebSocket port-forward protocol (v4.channel.k8s.io and its base64 variant), as
 * client-node's PortForward speaks it: per forwarded port i, channel 2i carries data and 2i+1 errors;
 * the first frame on every channel is the port as 2 bytes little endian. Each port's data channel is
 * bridged into the pod's HTTP handler through an unlistened http.Server.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export const portForwardProtocols = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io'];

type PodHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** What http.Server expects of a socket beyond a Duplex. */
class ForwardedConnection extends Duplex {
  remoteAddress = '127.0.0.1';
  remotePort = 0;
  localAddress = '127.0.0.1';
  localPort = 0;
  remoteFamily = 'IPv4';
  constructor(
    private readonly sendData: (chunk: Buffer) => void,
    private readonly onEnd: () => void,
  ) {
    super();
  }
  _read(): void {}
  _write(chunk: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    this.sendData(chunk);
    done();
  }
  /** The pod closed its side (e.g. after `Connection: close`). */
  _final(done: (err?: Error | null) => void): void {
    this.onEnd();
    done();
  }
  setTimeout(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
}

export function servePortForward(
  ws: WebSocket,
  ports: number[],
  handlerFor: (port: number) => PodHandler | null,
  podUid: string,
): void {
  const base64 = ws.protocol === 'v4.base64.channel.k8s.io';
  const send = (channel: number, payload: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (base64) ws.send(String(channel) + payload.toString('base64'));
    else ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true });
  };
  const portPrefix = (port: number) => Buffer.from([port & 0xff, port >> 8]);

  const connections: Array<ForwardedConnection | null> = [];
  let failed = false;
  let closedByPod = 0;
  ports.forEach((port, i) => {
    send(2 * i, portPrefix(port));
    send(2 * i + 1, portPrefix(port));
    const handler = handlerFor(port);
    if (!handler) {
      // The kubelet's wording when nothing listens on the port inside the pod's network namespace.
      const netns = `/var/run/netns/cni-${podUid.slice(0, 8)}`;
      send(
        2 * i + 1,
        Buffer.from(
          `error forwarding port ${port} to pod ${podUid}, uid : failed to execute portforward in network namespace "${netns}": ` +
            `failed to connect to localhost:${port} inside namespace "${podUid}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused ` +
            `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `,
        ),
      );
      connections.push(null);
      failed = true;
      return;
    }
    const connection = new ForwardedConnection(
      (chunk) => send(2 * i, chunk),
      () => {
        // Like the kubelet: once every forwarded connection is closed by the pod, the stream ends.
        if (++closedByPod === ports.length) ws.close(1000);
      },
    );
    connections.push(connection);
    const server = http.createServer(handler);
    server.keepAliveTimeout = 0; // Envoy admin and istiod keep idle connections; clients reuse forwards
    server.emit('connection', connection);
  });
  if (failed) {
    ws.close(1000);
    return;
  }

  ws.on('message', (data: Buffer, isBinary: boolean) => {
    let frame = data;
    if (!isBinary) {
      const text = data.toString();
      frame = Buffer.concat([Buffer.from([Number(text[0])]), Buffer.from(text.slice(1), 'base64')]);
    }
    const channel = frame[0];
    if (channel % 2 !== 0) return; // clients do not write on error channels
    const connection = connections[channel / 2];
    if (connection && frame.length > 1) connection.push(frame.subarray(1));
  });
  ws.on('close', () => {
    for (const c of connections) c?.destroy();
  });
}
