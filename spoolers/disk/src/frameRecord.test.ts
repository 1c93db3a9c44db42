import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { KeyObject } from 'node:crypto';
import { FRAME_RECORD_OVERHEAD, decryptFrameRecord, encryptFrameRecord as encryptParts } from './frameRecord.js';

// The record as it lands on disk: its pieces back to back.
const encryptFrameRecord = (k: KeyObject, seq: number, data: Uint8Array): Buffer => Buffer.concat(encryptParts(k, seq, data));

const key = createSecretKey(randomBytes(32));
const plaintext = Buffer.from('SECRET-PLAINTEXT-MARKER and some rows');

describe('frame records', () => {
  it('round-trips a frame and hides its plaintext', () => {
    const record = encryptFrameRecord(key, 7, plaintext);
    expect(record.length).toBe(plaintext.length + FRAME_RECORD_OVERHEAD);
    expect(record.includes('SECRET-PLAINTEXT-MARKER')).toBe(false);
    expect(decryptFrameRecord(key, 7, record)).toEqual(plaintext);
  });

  it('uses a fresh IV for every record', () => {
    expect(encryptFrameRecord(key, 1, plaintext).equals(encryptFrameRecord(key, 1, plaintext))).toBe(false);
  });

  it('refuses a record read back under another seq, another key, or with a flipped bit', () => {
    const record = encryptFrameRecord(key, 3, plaintext);
    expect(() => decryptFrameRecord(key, 4, record)).toThrow(expect.objectContaining({ code: 'CW_SPOOL_IO' }));
    expect(() => decryptFrameRecord(createSecretKey(randomBytes(32)), 3, record)).toThrow(/failed authentication/);
    const tampered = Buffer.from(record);
    tampered[20]! ^= 1;
    expect(() => decryptFrameRecord(key, 3, tampered)).toThrow(/frame 3 failed authentication/);
  });

  it('hands the record over as pieces: a 16-byte head (length, IV), the ciphertext, the 16-byte tag', () => {
    const pieces = encryptParts(key, 9, plaintext);
    expect(pieces.map((piece) => piece.length)).toEqual([16, plaintext.length, 16]);
    expect(pieces[0]!.readUInt32BE(0)).toBe(plaintext.length);
    expect(decryptFrameRecord(key, 9, Buffer.concat(pieces))).toEqual(plaintext);
  });

  it('refuses a truncated record', () => {
    const record = encryptFrameRecord(key, 0, plaintext);
    expect(() => decryptFrameRecord(key, 0, record.subarray(0, record.length - 1))).toThrow(/malformed/);
  });
});
