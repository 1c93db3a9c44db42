import { CausewayError } from '@causeway/sdk';

/** Frame types, in the order a result produces them. */
export const FrameType = { schema: 1, batch: 2, end: 3, error: 4 } as const;
/** A frame type name. */
export type FrameTypeName = keyof typeof FrameType;

/** Payload encodings. `msgpack` is the fast default; `json` is for debugging. */
export const FrameEncoding = { msgpack: 0, json: 1 } as const;
/** An encoding name. */
export type FrameEncodingName = keyof typeof FrameEncoding;

/** The fixed header: version, type, encoding, flags, then the sequence number (u32, big-endian). */
export const FRAME_HEADER_BYTES = 8;
const VERSION = 1;

const typeNames = new Map<number, FrameTypeName>(Object.entries(FrameType).map(([k, v]) => [v, k as FrameTypeName]));
const encodingNames = new Map<number, FrameEncodingName>(Object.entries(FrameEncoding).map(([k, v]) => [v, k as FrameEncodingName]));

/** A frame's header fields. */
export interface FrameHeader {
  type: FrameTypeName;
  encoding: FrameEncodingName;
  seq: number;
}

/** Builds a frame from its header and an already-encoded payload. */
export function writeFrame(header: FrameHeader, payload: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.byteLength);
  frame.set(payload, FRAME_HEADER_BYTES);
  return writeFrameHeader(frame, header);
}

/** Writes `header` into the first FRAME_HEADER_BYTES of `frame` (whose payload follows them) and returns `frame`. */
export function writeFrameHeader(frame: Buffer, header: FrameHeader): Buffer {
  if (frame.byteLength < FRAME_HEADER_BYTES) throw new RangeError(`a frame needs at least ${FRAME_HEADER_BYTES} bytes, got ${frame.byteLength}`);
  frame[0] = VERSION;
  frame[1] = FrameType[header.type];
  frame[2] = FrameEncoding[header.encoding];
  frame[3] = 0;
  frame.writeUInt32BE(header.seq >>> 0, 4);
  return frame;
}

/** Reads a frame's header; the payload is the bytes after `FRAME_HEADER_BYTES`. Throws `CW_FRAME_INVALID`. */
export function readFrameHeader(frame: Uint8Array): FrameHeader {
  if (frame.byteLength < FRAME_HEADER_BYTES) {
    throw new CausewayError('CW_FRAME_INVALID', `frame is ${frame.byteLength} bytes, shorter than its ${FRAME_HEADER_BYTES}-byte header`);
  }
  if (frame[0] !== VERSION) throw new CausewayError('CW_FRAME_INVALID', `frame version ${frame[0]} is not supported (expected ${VERSION})`);
  const type = typeNames.get(frame[1]!);
  if (!type) throw new CausewayError('CW_FRAME_INVALID', `frame type ${frame[1]} is unknown`);
  const encoding = encodingNames.get(frame[2]!);
  if (!encoding) throw new CausewayError('CW_FRAME_INVALID', `frame encoding ${frame[2]} is unknown`);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  return { type, encoding, seq: view.getUint32(4) };
}
