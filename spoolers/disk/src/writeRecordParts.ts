import type { FileHandle } from 'node:fs/promises';

/**
 * Writes the pieces of one record at `position` with one `writev` (no copy into a record-sized
 * buffer); a short write, which a regular file hardly ever gives, finishes with plain writes.
 */
export async function writeRecordParts(writer: Pick<FileHandle, 'write' | 'writev'>, parts: Buffer[], length: number, position: number): Promise<void> {
  let written = (await writer.writev(parts, position)).bytesWritten;
  if (written >= length) return;
  let offset = 0;
  for (const part of parts) {
    const end = offset + part.length;
    while (written < end) {
      const from = written - offset;
      const result = await writer.write(part, from, part.length - from, position + written);
      written += result.bytesWritten;
    }
    offset = end;
  }
}
