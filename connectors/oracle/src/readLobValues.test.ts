import { describe, expect, it } from 'vitest';
import type { OracleLob } from './oracleDriver.js';
import { readLobValues } from './readLobValues.js';
import { oracledb } from './testing/oracledbInternals.js';

const destroyed: OracleLob[] = [];

function lob(data: string | Buffer | null, length = data?.length ?? 0): OracleLob & { reads: number } {
  return {
    length,
    type: typeof data === 'string' ? oracledb.DB_TYPE_CLOB : oracledb.DB_TYPE_BLOB,
    reads: 0,
    async getData() {
      this.reads += 1;
      return data;
    },
    destroy() {
      destroyed.push(this);
    },
    on() {
      return this;
    },
  };
}

const read = (l: OracleLob) => l.getData();

describe('readLobValues', () => {
  it('replaces locators with text and bytes, keeping NULLs and other columns', async () => {
    destroyed.length = 0;
    const rows: unknown[][] = [
      [1, lob('first'), lob(Buffer.from([1, 2]))],
      [2, null, lob(null, 0)],
      [3, lob(''), null],
    ];
    const locators = [rows[0]![1], rows[0]![2], rows[1]![2], rows[2]![1]];
    await readLobValues(rows, [{ index: 1, name: 'NOTE', kind: 'string' }, { index: 2, name: 'PIC', kind: 'binary' }], { maxLobSize: 100, read });
    expect(rows).toEqual([
      [1, 'first', Buffer.from([1, 2])],
      [2, null, new Uint8Array(0)],
      [3, '', null],
    ]);
    // Every locator is released once read.
    expect(destroyed).toEqual(locators);
  });

  it('fails with CW_RESULT_TOO_LARGE before reading a value over the cap', async () => {
    destroyed.length = 0;
    const big = lob('x'.repeat(11));
    const later = lob('later');
    const rows: unknown[][] = [[big], [later]];
    await expect(readLobValues(rows, [{ index: 0, name: 'DOC', kind: 'string' }], { maxLobSize: 10, read })).rejects.toMatchObject({
      code: 'CW_RESULT_TOO_LARGE',
      message: 'a value of column "DOC" holds 11 characters, more than the data source\'s maxLobSize of 10',
    });
    expect(big.reads).toBe(0);
    // The locators of the batch are released on failure too, read or not.
    expect(destroyed).toEqual([big, later]);
    expect(later.reads).toBe(0);
  });

  it('reads nothing when there are no LOB columns', async () => {
    const rows: unknown[][] = [[1]];
    await readLobValues(rows, [], { maxLobSize: 1, read: () => Promise.reject(new Error('not called')) });
    expect(rows).toEqual([[1]]);
  });
});
