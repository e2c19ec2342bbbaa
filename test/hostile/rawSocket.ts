/**
 * What a hostile local process can do that a WebSocket library won't: craft
 * frames byte by byte, upgrade by hand, and reset a connection mid-request.
 * See RFC 6455 §5.2 for the frame layout.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';

export interface FrameOptions {
  /** 0x0 continuation, 0x1 text, 0x2 binary, 0x8 close, 0x9 ping, 0xa pong; 0x3–0x7 and 0xb–0xf are reserved. */
  opcode: number;
  payload?: Buffer;
  /** Defaults to true. */
  fin?: boolean;
  /** RSV1–RSV3 as a 3-bit number (RSV1 = 0b100); only an extension may set them. */
  rsv?: number;
  /** Clients must mask every frame; defaults to true. */
  masked?: boolean;
  /** The length the header announces; the payload's own length unless given. */
  declaredLength?: number;
}

/** Encodes one WebSocket frame exactly as told, valid or not. */
export function frame({ opcode, payload = Buffer.alloc(0), fin = true, rsv = 0, masked = true, declaredLength = payload.length }: FrameOptions): Buffer {
  const head = [(fin ? 0x80 : 0) | ((rsv & 0b111) << 4) | (opcode & 0x0f)];
  const maskBit = masked ? 0x80 : 0;
  let length: Buffer;
  if (declaredLength < 126) {
    length = Buffer.from([maskBit | declaredLength]);
  } else if (declaredLength < 0x10000) {
    length = Buffer.alloc(3);
    length[0] = maskBit | 126;
    length.writeUInt16BE(declaredLength, 1);
  } else {
    length = Buffer.alloc(9);
    length[0] = maskBit | 127;
    length.writeBigUInt64BE(BigInt(declaredLength), 1);
  }
  if (!masked) return Buffer.concat([Buffer.from(head), length, payload]);
  const key = randomBytes(4);
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]));
  return Buffer.concat([Buffer.from(head), length, key, body]);
}

/** A close frame's payload: a 2-byte status code, then an optional reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const out = Buffer.alloc(2 + Buffer.byteLength(reason));
  out.writeUInt16BE(code, 0);
  out.write(reason, 2);
  return out;
}

/** An HTTP/1.1 WebSocket upgrade request for `/rpc` with these extra headers. */
export function upgradeRequest(headers: Record<string, string>): string {
  const lines = ['GET /rpc HTTP/1.1', 'Connection: Upgrade', 'Upgrade: websocket', 'Sec-WebSocket-Version: 13', `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  return lines.join('\r\n') + '\r\n\r\n';
}

/** Upgrades by hand; resolves with the raw socket once the server answered 101. */
export function rawUpgrade(port: number, headers: Record<string, string>): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const onData = (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      const end = answer.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!answer.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        return reject(new Error(`upgrade refused: ${answer.split('\r\n')[0]}`));
      }
      // Held until the caller listens: frames that came with the 101 belong to it.
      socket.pause();
      if (answer.length > end + 4) socket.unshift(Buffer.from(answer.slice(end + 4), 'latin1'));
      resolve(socket);
    };
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('connect', () => socket.write(upgradeRequest(headers)));
  });
}

/**
 * Waits for the server to end the connection. Resolves with the status code
 * of the close frame it sent first, or `undefined` if it just hung up.
 */
export function serverClose(socket: net.Socket, timeoutMs = 10_000): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const closeCode = () => (received.length >= 4 && (received[0] & 0x0f) === 0x8 ? received.readUInt16BE(2) : undefined);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      // Answer its close frame, as a client should, so it can hang up at once.
      if (closeCode() !== undefined) socket.end();
    });
    socket.resume();
    socket.on('error', () => undefined);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(closeCode());
    });
  });
}

/** Sends `request` as raw bytes and resolves with the first line of the answer (empty if the server just hung up). */
export function rawRequest(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString('latin1');
      if (answer.includes('\r\n')) socket.destroy();
    });
    socket.once('error', reject);
    socket.once('close', () => resolve(answer.split('\r\n')[0]));
  });
}

/** Connects, sends `request`, and resets the connection (RST, SO_LINGER 0) without waiting for an answer. */
export function sendAndReset(port: number, request: string | Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(request);
      socket.resetAndDestroy();
    });
    socket.on('error', () => undefined);
    socket.once('close', () => resolve());
  });
}
