import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeRecordParts } from './writeRecordParts.js';

const parts = [Buffer.from('head-'), Buffer.from('the ciphertext of a frame'), Buffer.from('-tag')];
const whole = Buffer.concat(parts);

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('writeRecordParts', () => {
  it('writes the pieces back to back at the position, as one record', async () => {
    dir = await mkdtemp(join(tmpdir(), 'causeway-write-parts-'));
    const path = join(dir, 'segment');
    const handle = await open(path, 'w+');
    try {
      await handle.write(Buffer.from('0123456789'), 0, 10, 0);
      await writeRecordParts(handle, parts, whole.length, 10);
    } finally {
      await handle.close();
    }
    expect(await readFile(path)).toEqual(Buffer.concat([Buffer.from('0123456789'), whole]));
  });

  it('finishes a short writev with plain writes, whatever piece it stopped in', async () => {
    for (const shortBy of [1, 4, 10, whole.length - 6, whole.length]) {
      const file = Buffer.alloc(100, 0x2e);
      const calls: string[] = [];
      // A writer that writes at most 3 bytes per plain write and leaves `shortBy` bytes out of the writev.
      const writer = {
        async writev(buffers: Buffer[], position: number) {
          const all = Buffer.concat(buffers);
          const count = all.length - shortBy;
          all.copy(file, position, 0, count);
          calls.push('writev');
          return { bytesWritten: count, buffers };
        },
        async write(buffer: Buffer, offset: number, length: number, position: number) {
          const count = Math.min(3, length);
          buffer.copy(file, position, offset, offset + count);
          calls.push('write');
          return { bytesWritten: count, buffer };
        },
      };
      await writeRecordParts(writer as never, parts, whole.length, 7);
      expect(file.subarray(7, 7 + whole.length).toString()).toBe(whole.toString());
      expect(file.subarray(0, 7).toString()).toBe('.......');
      expect(file.subarray(7 + whole.length).every((b) => b === 0x2e)).toBe(true);
      expect(calls[0]).toBe('writev');
      expect(calls.slice(1).every((call) => call === 'write') && calls.length > 1).toBe(true);
    }
  });
});
