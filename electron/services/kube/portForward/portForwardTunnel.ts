/**
 * One TCP stream to a pod's port through the apiserver: a WebSocket on
 * `pods/portforward` speaking `v4.channel.k8s.io`, as @kubernetes/client-node's
 * PortForward does. The apiserver hands the upgrade to the kubelet (kwok's,
 * on the test bed), which opens the pod port once per WebSocket, so each
 * local connection gets a WebSocket of its own.
 *
 * Every message starts with its channel: 0 carries data, 1 the kubelet's
 * error text. The first message on each channel is the port number
 * (uint16, little-endian) and no data. The protocol has no half-close: the
 * stream ends when either side closes the WebSocket.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClientRequestArgs } from 'node:http';
import WebSocket from 'ws';
import { AppError } from '../../../../shared/result';
import { kubeStatusError, readRefusalBody } from '../client/kubeErrors';
import { networkError, requestUrl } from '../client/kubeHttp';

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const DATA_CHANNEL = 0;
const ERROR_CHANNEL = 1;
const PORT_PREFIX_BYTES = 2;

/** A message from the kubelet, once its channel byte and the port prefix are taken off. */
export type PortForwardFrame = { kind: 'data'; data: Buffer } | { kind: 'error'; text: string };

/** Frames data for the kubelet and reads its messages (one instance per WebSocket). */
export class PortForwardFrames {
  /** Port-prefix bytes still expected on the data and error channels. */
  private readonly prefixLeft = [PORT_PREFIX_BYTES, PORT_PREFIX_BYTES];

  /** A message carrying `data` to the pod. */
  encode(data: Buffer): Buffer {
    return Buffer.concat([Buffer.from([DATA_CHANNEL]), data]);
  }

  /** What a message says; undefined when it carries nothing (the port prefix alone, or an unknown channel). */
  decode(message: Buffer): PortForwardFrame | undefined {
    if (!message.length) return undefined;
    const channel = message[0];
    if (channel !== DATA_CHANNEL && channel !== ERROR_CHANNEL) return undefined;
    const skip = Math.min(this.prefixLeft[channel], message.length - 1);
    this.prefixLeft[channel] -= skip;
    const payload = message.subarray(1 + skip);
    if (!payload.length) return undefined;
    return channel === DATA_CHANNEL ? { kind: 'data', data: payload } : { kind: 'error', text: payload.toString('utf8') };
  }
}

/** The URL path of a port-forward to one port of a pod. */
export function portForwardPath(namespace: string, pod: string, port: number): string {
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`;
}

/**
 * Opens the WebSocket with the connection's own auth (client certificates,
 * tokens, exec plugins, applied by client-node). Resolves once the kubelet
 * accepted; a refusal becomes the apiserver's error (404 pod gone, 403 no
 * access, 400 pod not running).
 */
export async function openPortForward(kc: KubeConfig, namespace: string, pod: string, port: number, timeoutMs = 15_000): Promise<WebSocket> {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new AppError('KUBECONFIG_INVALID', 'The connection has no cluster');
  const opts: ClientRequestArgs = {};
  try {
    await kc.applyToHTTPSOptions(opts);
  } catch (err) {
    throw new AppError('UNAUTHORIZED', `Could not get credentials for ${kc.getCurrentUser()?.name ?? 'this user'}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  const url = requestUrl(cluster.server, portForwardPath(namespace, pod, port));
  url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
  const what = `opening a port-forward to pod ${pod} in ${namespace}`;

  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [PORT_FORWARD_PROTOCOL], { ...opts, perMessageDeflate: false, handshakeTimeout: timeoutMs });
    ws.once('open', () => {
      ws.removeAllListeners('error');
      resolve(ws);
    });
    ws.once('unexpected-response', (_req, res) => {
      void readRefusalBody(res).then((body) => {
        reject(kubeStatusError(what, res.statusCode ?? 0, body));
        // Aborting emits an 'error' the settled promise ignores.
        ws.terminate();
      });
    });
    ws.on('error', (err) => reject(/timed out/i.test(err.message) ? new AppError('TIMEOUT', `${cluster.server} did not answer within ${timeoutMs / 1000} s while ${what}`) : networkError(err, cluster.server)));
  });
}
