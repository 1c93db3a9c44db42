// hdb's own wire codecs (Writer for parameters, Reader for result values, bignum), loaded from the
// installed driver so tests can prove that the connector's conversions meet what hdb really does.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface HdbWriter {
  getParameters(bytesAvailable: number, cb: (error: Error | null, buffer: Buffer) => void): void;
}
interface HdbReaderInstance {
  readBigInt(): number | string | null;
  readLongDate(): string | null;
  readSecondDate(): string | null;
  readDayDate(): string | null;
  readSecondTime(): string | null;
  readDecimal(fraction: number): string | null;
  readFixed8(fraction: number): string | null;
  readFixed12(fraction: number): string | null;
  readFixed16(fraction: number): string | null;
  readString(): string | null;
  readBinary(): Buffer | null;
  readBoolean(): boolean | null;
  readInt(): number | null;
  readDouble(): number | null;
}

const Writer = require('hdb/lib/protocol/Writer') as { create(params: { types: number[]; fractions?: number[]; lengths?: number[]; values: unknown[] }, options?: object): HdbWriter };
const Reader = require('hdb/lib/protocol/Reader') as new (buffer: Buffer, lobFactory?: unknown, options?: object) => HdbReaderInstance;
const SqlError = require('hdb/lib/protocol/data/SqlError') as { read(part: { buffer: Buffer }): Error };
/** hdb's type code table. */
export const hdbTypeCode = require('hdb/lib/protocol/common/TypeCode') as Record<string, number>;
/** hdb's read function per type code (what the driver can parse). */
export const hdbReadFunction = require('hdb/lib/protocol/common/ReadFunction') as Record<string, string>;
/** hdb's 64-bit and decimal helpers. */
export const hdbBignum = require('hdb/lib/util/bignum') as {
  writeDec128(buffer: Buffer, value: { s: number; m: number | string; e: number }, offset?: number): void;
  readDecFloat(buffer: Buffer, offset?: number): string | null;
};

/** Encodes one parameter as hdb's Writer does: [type code][value]; throws what the Writer throws. */
export async function writeHdbParameter(type: number, value: unknown, fraction = 0): Promise<Buffer> {
  const writer = Writer.create({ types: [type], fractions: [fraction], lengths: [0], values: [value] }, { useCesu8: true });
  return new Promise((resolve, reject) => writer.getParameters(1 << 20, (error, buffer) => (error ? reject(error) : resolve(buffer))));
}

/** A reader over result-set bytes (what hdb parses rows with). */
export function hdbReader(bytes: Buffer): HdbReaderInstance {
  return new Reader(bytes, undefined, { useCesu8: true });
}

/** An SqlError as hdb builds it from an ERROR part. */
export function hdbSqlError(code: number, sqlState: string, message: string, level = 1, position = 0): Error {
  const text = Buffer.from(message, 'utf8');
  const buffer = Buffer.alloc(18 + text.length + 8);
  buffer.writeInt32LE(code, 0);
  buffer.writeInt32LE(position, 4);
  buffer.writeInt32LE(text.length, 8);
  buffer.writeInt8(level, 12);
  buffer.write(sqlState, 13, 'ascii');
  text.copy(buffer, 18);
  return SqlError.read({ buffer });
}
