import { describe, expect, it } from 'vitest';
import { loadHdbDriver } from './loadHdbDriver.js';

describe('loadHdbDriver (real hdb)', () => {
  it('creates hdb clients that do not connect until asked and keep no credentials', async () => {
    const driver = await loadHdbDriver();
    const client = driver.createClient({ host: '127.0.0.1', port: 1, initializationTimeout: 1000, rowsAsArray: true, fetchSize: 10, dataFormatSupport: 8 });
    expect(client.readyState).toBe('new');
    for (const method of ['connect', 'exec', 'execute', 'prepare', 'disconnect', 'close', 'destroy', 'on'] as const) expect(typeof client[method]).toBe('function');
    client.destroy();
  });

  it("decodes CESU-8 with hdb's decoder (surrogate pairs included)", async () => {
    const driver = await loadHdbDriver();
    expect(driver.decodeText(Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80, 0x41]))).toBe('😀A');
    expect(driver.decodeText(Buffer.from('héllo', 'utf8'))).toBe('héllo');
  });
});
