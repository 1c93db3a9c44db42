import { ConnectorError } from '@causeway/sdk';
import type { OracleLob } from './oracleDriver.js';

/** A result column fetched as LOB locators. */
export interface LobColumn {
  index: number;
  name: string;
  /** CLOB/NCLOB → string, BLOB → bytes. */
  kind: 'string' | 'binary';
}

/**
 * Replaces the LOB locators of a batch with their data, one `read` (a round trip) per value. A
 * value longer than `maxLobSize` (characters for CLOB/NCLOB, bytes for BLOB) fails the query with
 * CW_RESULT_TOO_LARGE before any of it is read, so one huge value cannot exhaust memory. Every
 * locator of the batch is released afterwards, read or not, so temporary LOBs (from TO_CLOB,
 * functions, ...) do not pile up in the session.
 */
export async function readLobValues(
  rows: unknown[][],
  columns: readonly LobColumn[],
  options: { maxLobSize: number; read(lob: OracleLob): Promise<string | Buffer | null> },
): Promise<void> {
  if (columns.length === 0) return;
  const locators: OracleLob[] = [];
  for (const row of rows) {
    for (const column of columns) {
      const lob = row[column.index] as OracleLob | null | undefined;
      if (lob !== null && lob !== undefined) locators.push(lob);
    }
  }
  try {
    for (const row of rows) {
      for (const column of columns) {
        const lob = row[column.index] as OracleLob | null | undefined;
        if (lob === null || lob === undefined) {
          row[column.index] = null;
          continue;
        }
        if (lob.length > options.maxLobSize) {
          const unit = column.kind === 'string' ? 'characters' : 'bytes';
          throw new ConnectorError(
            'CW_RESULT_TOO_LARGE',
            `a value of column "${column.name}" holds ${lob.length} ${unit}, more than the data source's maxLobSize of ${options.maxLobSize}`,
            { details: { column: column.name, length: lob.length, maxLobSize: options.maxLobSize } },
          );
        }
        const data = await options.read(lob);
        if (column.kind === 'string') row[column.index] = typeof data === 'string' ? data : (data?.toString('utf8') ?? '');
        else row[column.index] = data === null ? new Uint8Array(0) : typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      }
    }
  } finally {
    for (const lob of locators) release(lob);
  }
}

// A Lob is a stream: releasing one on a broken connection emits 'error', which must not go unheard.
function release(lob: OracleLob): void {
  lob.on('error', () => undefined);
  lob.destroy();
}
