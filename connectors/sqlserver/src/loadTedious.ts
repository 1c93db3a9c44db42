import { createRequire } from 'node:module';
import type * as TediousModule from 'tedious';
import { installExactValues, type ValueParserModule } from './exactValues.js';

/** The tedious module (the TDS driver mssql is built on). */
export type Tedious = typeof TediousModule;

/** What the connector takes from tedious. */
export interface TediousDriver {
  tedious: Tedious;
  /** Decodes `varchar` bytes in the code page of a collation, as tedious does (iconv-lite). */
  decodeChars(bytes: Buffer, collation: Buffer): string;
}

let loaded: TediousDriver | undefined;

/**
 * Loads tedious (pinned in package.json to the minor version whose internals exactValues.ts wraps)
 * and installs the exact-value decoding (see `exactValues.ts`) once per process. Called when the
 * first data source opens, never when the plugin is merely loaded.
 */
export function loadTedious(): TediousDriver {
  if (loaded) return loaded;
  const fromHere = createRequire(import.meta.url);
  const tedious = fromHere('tedious') as Tedious;
  const valueParser = fromHere('tedious/lib/value-parser.js') as ValueParserModule;
  const helpers = fromHere('tedious/lib/token/helpers.js') as { NotEnoughDataError: new (byteCount: number) => Error };
  const collation = fromHere('tedious/lib/collation.js') as { Collation: { fromBuffer(buffer: Buffer): { codepage: string | undefined } } };
  const iconv = createRequire(fromHere.resolve('tedious'))('iconv-lite') as { decode(bytes: Buffer, encoding: string): string };
  const decodeChars = (bytes: Buffer, collationBytes: Buffer): string => {
    let codepage: string | undefined;
    try {
      codepage = collation.Collation.fromBuffer(collationBytes).codepage;
    } catch {
      codepage = undefined;
    }
    return iconv.decode(bytes, codepage ?? 'utf8');
  };
  installExactValues(valueParser, helpers.NotEnoughDataError, decodeChars);
  loaded = { tedious, decodeChars };
  return loaded;
}
