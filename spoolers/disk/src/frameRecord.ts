import { createCipheriv, createDecipheriv, randomBytes, type KeyObject } from 'node:crypto';
import { CausewayError } from '@causeway/sdk';

const LENGTH_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Bytes a record adds to its frame: a u32 length, a 12-byte IV and a 16-byte GCM tag. */
export const FRAME_RECORD_OVERHEAD = LENGTH_BYTES + IV_BYTES + TAG_BYTES;

/** Random IVs drawn in bulk: one call per 256 frames instead of one per frame. */
const IV_POOL_BYTES = IV_BYTES * 256;
let ivPool = Buffer.alloc(0);
let ivPoolOffset = 0;

function nextIv(): Buffer {
  if (ivPoolOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivPoolOffset = 0;
  }
  const iv = ivPool.subarray(ivPoolOffset, ivPoolOffset + IV_BYTES);
  ivPoolOffset += IV_BYTES;
  return iv;
}

/** The sequence number as additional data, so a record moved to another seq fails authentication. */
function seqAad(seq: number): Buffer {
  const aad = Buffer.allocUnsafe(8);
  aad.writeUInt32BE(Math.floor(seq / 0x1_0000_0000), 0);
  aad.writeUInt32BE(seq >>> 0, 4);
  return aad;
}

/**
 * Encrypts frame `seq` under `key` (AES-256-GCM, random IV) as the record
 * `[u32 BE data length][iv][ciphertext][tag]`, returned as its pieces in that order (a small head,
 * the ciphertext, the tag) so the spool writes them with one `writev` instead of copying a frame-sized
 * ciphertext into a second frame-sized buffer.
 */
export function encryptFrameRecord(key: KeyObject, seq: number, data: Uint8Array): Buffer[] {
  const iv = nextIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(seqAad(seq));
  const head = Buffer.allocUnsafe(LENGTH_BYTES + IV_BYTES);
  head.writeUInt32BE(data.byteLength, 0);
  iv.copy(head, LENGTH_BYTES);
  const ciphertext = cipher.update(data);
  const last = cipher.final();
  const tag = cipher.getAuthTag();
  return last.length > 0 ? [head, ciphertext, last, tag] : [head, ciphertext, tag];
}

/** Decrypts a record made by `encryptFrameRecord` for frame `seq`; throws `CW_SPOOL_IO` when it is malformed or fails authentication. */
export function decryptFrameRecord(key: KeyObject, seq: number, record: Uint8Array): Buffer {
  const bytes = Buffer.from(record.buffer, record.byteOffset, record.byteLength);
  if (bytes.length < FRAME_RECORD_OVERHEAD || bytes.readUInt32BE(0) !== bytes.length - FRAME_RECORD_OVERHEAD) {
    throw new CausewayError('CW_SPOOL_IO', `spooled frame ${seq} is malformed (${bytes.length} bytes on disk)`);
  }
  const body = LENGTH_BYTES + IV_BYTES;
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(LENGTH_BYTES, body));
  decipher.setAAD(seqAad(seq));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  const data = decipher.update(bytes.subarray(body, bytes.length - TAG_BYTES));
  try {
    decipher.final();
  } catch (error) {
    throw new CausewayError('CW_SPOOL_IO', `spooled frame ${seq} failed authentication (corrupted or tampered)`, { cause: error });
  }
  return data;
}
