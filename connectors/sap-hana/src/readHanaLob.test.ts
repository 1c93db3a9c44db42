import { describe, expect, it } from 'vitest';
import { loadHdbDriver } from './loadHdbDriver.js';
import { isHanaLob, readHanaLob } from './readHanaLob.js';
import { fakeLob } from './testing/createFakeHdb.js';

const utf8 = (bytes: Buffer): string => bytes.toString('utf8');

describe('readHanaLob', () => {
  it('reads a BLOB whole, across chunks', async () => {
    const content = Buffer.from(Array.from({ length: 2500 }, (_, i) => i % 256));
    const value = await readHanaLob(fakeLob(content, 700), { kind: 'binary', maxLobBytes: 4096, decodeText: utf8, column: 'B' });
    expect(value).toEqual(content);
  });

  it("decodes a character LOB with the driver's CESU-8 decoder", async () => {
    const driver = await loadHdbDriver();
    // "😀" in CESU-8 is two 3-byte surrogates, which UTF-8 decoding would turn into replacement characters.
    const cesu8 = Buffer.from([0x61, 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80, 0x62]);
    const lob = { ...fakeLob(cesu8, 3), length: 4 };
    expect(await readHanaLob(lob, { kind: 'text', maxLobBytes: 100, decodeText: driver.decodeText, column: 'T' })).toBe('a😀b');
  });

  it('refuses a value larger than maxLobBytes before reading it', async () => {
    const lob = fakeLob(Buffer.alloc(11));
    await expect(readHanaLob(lob, { kind: 'binary', maxLobBytes: 10, decodeText: utf8, column: 'BIG' })).rejects.toMatchObject({
      code: 'CW_RESULT_TOO_LARGE',
      message: 'a value of column "BIG" is 11 bytes, more than the data source\'s maxLobBytes (10)',
    });
    // Not read: a stream can still be made.
    expect(lob.createReadStream()).not.toBeNull();
  });

  it('stops reading when the bytes run past the cap although the stated length was small', async () => {
    const lying = { ...fakeLob(Buffer.alloc(50), 10), length: 5 };
    await expect(readHanaLob(lying, { kind: 'binary', maxLobBytes: 20, decodeText: utf8, column: 'B' })).rejects.toMatchObject({ code: 'CW_RESULT_TOO_LARGE' });
  });

  it('takes a value hdb already read into a Buffer, and recognises LOB objects', async () => {
    expect(await readHanaLob(Buffer.from('abc'), { kind: 'text', maxLobBytes: 5, decodeText: utf8, column: 'T' })).toBe('abc');
    await expect(readHanaLob(Buffer.from('abcdef'), { kind: 'text', maxLobBytes: 5, decodeText: utf8, column: 'T' })).rejects.toMatchObject({ code: 'CW_RESULT_TOO_LARGE' });
    expect(isHanaLob(fakeLob('x'))).toBe(true);
    expect(isHanaLob(Buffer.from('x'))).toBe(false);
    expect(isHanaLob(null)).toBe(false);
  });
});
