import type { EventName } from './contract';
import type { AppErrorShape, Result } from './result';

/** One delivery of events to a UI: in publish order, acknowledged by `seq`. */
export interface EventBatch {
  seq: number;
  events: { name: EventName; payload: unknown }[];
  /** The UI fell too far behind and missed events: it should refetch what it shows. */
  overflow?: true;
}

/**
 * UI → services, as JSON text: a contract call, the acknowledgement of an
 * event batch, of bytes of a private stream, or the UI's closing of one.
 */
export type ClientMessage =
  | { t: 'call'; id: number; method: string; params: unknown }
  | { t: 'ack'; seq: number }
  | { t: 'streamAck'; stream: number; bytes: number }
  | { t: 'streamCancel'; stream: number };

/**
 * Services → UI, as JSON text: a call's result, an event batch, or the end of
 * a private stream. A stream's messages travel as binary frames
 * ({@link encodeStreamFrame}) so they can be counted and acknowledged by bytes.
 */
export type ServerMessage =
  | { t: 'result'; id: number; result: Result<unknown> }
  | { t: 'events'; batch: EventBatch }
  | { t: 'streamEnd'; stream: number; error?: AppErrorShape };

/** First byte of a binary frame: one message of a private stream. */
const STREAM_DATA = 1;
const HEADER_BYTES = 5;

/** A binary frame carrying `payload` on stream `stream`: the type byte, the stream id (uint32, big-endian), the payload. */
export function encodeStreamFrame(stream: number, payload: Uint8Array): Uint8Array {
  const frame = new Uint8Array(HEADER_BYTES + payload.byteLength);
  frame[0] = STREAM_DATA;
  new DataView(frame.buffer).setUint32(1, stream);
  frame.set(payload, HEADER_BYTES);
  return frame;
}

/** The stream and payload of a binary frame; undefined for anything else. */
export function decodeStreamFrame(frame: Uint8Array): { stream: number; payload: Uint8Array } | undefined {
  if (frame.byteLength < HEADER_BYTES || frame[0] !== STREAM_DATA) return undefined;
  const stream = new DataView(frame.buffer, frame.byteOffset, frame.byteLength).getUint32(1);
  return { stream, payload: frame.subarray(HEADER_BYTES) };
}
