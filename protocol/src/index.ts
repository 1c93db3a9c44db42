export { FrameType, FrameEncoding, FRAME_HEADER_BYTES, writeFrame, writeFrameHeader, readFrameHeader, type FrameHeader, type FrameTypeName, type FrameEncodingName } from './frame.js';
export { encodeDocument, decodeDocument, encodeRows, decodeRows } from './payloadCodec.js';
export { createFrameEncoder, createFrameDecoder, type FrameEncoder, type FrameDecoder, type DecodedFrame, type ResultSummary, type FrameError } from './resultFrames.js';
export { keyIdOf, encryptForGateway, openForGateway, sealWithDataKey, openWithDataKey, type HybridEnvelopeDocLike, type SealedEnvelopeLike } from './envelope.js';
export { toJobParameter, fromJobParameter } from './parameters.js';
export { corkForTick, type Corkable } from '@causeway/sdk/connectors';
export { createResultReader, type ResultReader, type ResultReaderControl } from './createResultReader.js';
export { RELAY_GATEWAY_PATH, RELAY_CLOSE_REFUSED, RELAY_CLOSE_REPLACED, MAX_RELAY_JOB_ID_BYTES, relayAuthPayload, encodeRelayMessage, parseGatewayMessage, parseRelayMessage, packJobFrame, unpackJobFrame, type GatewayMessage, type RelayMessage, type HelloMessage, type AuthMessage, type AcceptMessage, type ChallengeMessage, type ReadyMessage, type RefusedMessage, type JobMessage, type ResumeMessage, type CreditMessage, type AckMessage, type DoneMessage, type CancelMessage } from './relayMessages.js';
