export { FrameType, FrameEncoding, FRAME_HEADER_BYTES, writeFrame, readFrameHeader, type FrameHeader, type FrameTypeName, type FrameEncodingName } from './frame.js';
export { encodeDocument, decodeDocument, encodeRows, decodeRows } from './payloadCodec.js';
export { createFrameEncoder, createFrameDecoder, type FrameEncoder, type FrameDecoder, type DecodedFrame, type ResultSummary, type FrameError } from './resultFrames.js';
export { keyIdOf, encryptForGateway, openForGateway, sealWithDataKey, openWithDataKey, type HybridEnvelopeDocLike, type SealedEnvelopeLike } from './envelope.js';
export { toJobParameter, fromJobParameter } from './parameters.js';
