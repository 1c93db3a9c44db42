import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { startTdsServer } from '../../../test/fixtures/tds/index.js';
import { loadTedious } from './loadTedious.js';

describe('loadTedious', () => {
  it('loads the pinned tedious once', () => {
    const require = createRequire(import.meta.url);
    expect(loadTedious().tedious).toBe(require('tedious'));
    expect((require('tedious/package.json') as { version: string }).version).toMatch(/^19\.2\./);
    expect(loadTedious()).toBe(loadTedious());
  });

  it('decodes decimals exactly only on connections flagged by the connector; other tedious users keep tedious\'s numbers', async () => {
    const { tedious } = loadTedious();
    const server = await startTdsServer({ users: { u: 'p' } });
    const connection = new tedious.Connection({ server: '127.0.0.1', authentication: { type: 'default', options: { userName: 'u', password: 'p' } }, options: { port: server.port, encrypt: false } });
    try {
      await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
      const value = await new Promise<unknown>((resolve, reject) => {
        let v: unknown;
        const request = new tedious.Request("SELECT CAST('1.25' AS decimal(5,2))", (error) => (error ? reject(error) : resolve(v)));
        request.on('row', (columns: Array<{ value: unknown }>) => (v = columns[0]?.value));
        connection.execSqlBatch(request);
      });
      expect(value).toBe(1.25);
    } finally {
      connection.close();
      await server.close();
    }
  });

  it('decodes varchar inside sql_variant in the code page of its collation', () => {
    // SQL_Latin1_General_CP1_CI_AS is code page 1252, where 0x80 is the euro sign.
    expect(loadTedious().decodeChars(Buffer.from([0x80, 0xe9]), Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]))).toBe('€é');
  });
});
