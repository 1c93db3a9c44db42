import { createSecretKey, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FRAME_RECORD_OVERHEAD, decryptFrameRecord, encryptFrameRecord } from './frameRecord.js';

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

  it('refuses a truncated record', () => {
    const record = encryptFrameRecord(key, 0, plaintext);
    expect(() => decryptFrameRecord(key, 0, record.subarray(0, record.length - 1))).toThrow(/malformed/);
  });
});
