import { ConnectorError } from '@causeway/sdk';
import type { HanaLob } from './hanaDriver.js';
import type { LobKind } from './typeMap.js';

/** What `readHanaLob` needs besides the value. */
export interface ReadHanaLobOptions {
  kind: LobKind;
  /** The largest value read: bytes for BLOB, characters for CLOB and NCLOB. */
  maxLobBytes: number;
  /** Decodes the CESU-8 bytes of a character LOB. */
  decodeText(bytes: Buffer): string;
  /** The column, for the message of a value that is too large. */
  column: string;
}

/** True for hdb's LOB objects (a locator whose data is read with round trips of its own). */
export function isHanaLob(value: unknown): value is HanaLob {
  return typeof value === 'object' && value !== null && typeof (value as HanaLob).createReadStream === 'function' && typeof (value as HanaLob).length === 'number';
}

function tooLarge(options: ReadHanaLobOptions, size: number, unit: string): ConnectorError {
  return new ConnectorError(
    'CW_RESULT_TOO_LARGE',
    `a value of column "${options.column}" is ${size} ${unit}, more than the data source's maxLobBytes (${options.maxLobBytes})`,
  );
}

/**
 * Reads one LOB value whole: bytes for a BLOB, text for a CLOB or NCLOB. A value larger than
 * `maxLobBytes` fails with CW_RESULT_TOO_LARGE before it is read (the server states the length),
 * and again while reading should the bytes run past the cap (CESU-8 takes up to 3 bytes per
 * UTF-16 unit).
 */
export async function readHanaLob(value: HanaLob | Buffer, options: ReadHanaLobOptions): Promise<Buffer | string> {
  const unit = options.kind === 'text' ? 'characters' : 'bytes';
  let bytes: Buffer;
  if (Buffer.isBuffer(value)) {
    bytes = value;
  } else {
    if (value.length > options.maxLobBytes) throw tooLarge(options, value.length, unit);
    const stream = value.createReadStream();
    if (!stream) throw new Error(`the LOB of column "${options.column}" was already read`);
    const byteCap = options.kind === 'text' ? options.maxLobBytes * 3 : options.maxLobBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > byteCap) {
        stream.destroy();
        throw tooLarge(options, size, 'bytes');
      }
      chunks.push(chunk);
    }
    bytes = Buffer.concat(chunks, size);
  }
  if (options.kind === 'binary') {
    if (bytes.length > options.maxLobBytes) throw tooLarge(options, bytes.length, unit);
    return bytes;
  }
  const text = options.decodeText(bytes);
  if (text.length > options.maxLobBytes) throw tooLarge(options, text.length, unit);
  return text;
}
