import { describe, expect, it } from 'vitest';
import { loadTedious } from './loadTedious.js';
import { toSqlParameters } from './toSqlParameters.js';

const { TYPES } = loadTedious().tedious;

describe('toSqlParameters', () => {
  it('names parameters @p1..@pn in order and types them from the value', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const out = toSqlParameters([null, true, 42, -2147483649, 1.5, 9007199254740993n, 'it\'s', bytes, { a: [1, 'b'] }], TYPES);
    expect(out.map((p) => [p.name, p.type.name])).toEqual([
      ['p1', 'NVarChar'],
      ['p2', 'Bit'],
      ['p3', 'Int'],
      ['p4', 'BigInt'],
      ['p5', 'Float'],
      ['p6', 'BigInt'],
      ['p7', 'NVarChar'],
      ['p8', 'VarBinary'],
      ['p9', 'NVarChar'],
    ]);
    expect(out.map((p) => p.value)).toEqual([null, true, 42, -2147483649n, 1.5, 9007199254740993n, "it's", Buffer.from([1, 2, 3]), '{"a":[1,"b"]}']);
    expect(Buffer.isBuffer(out[7]?.value)).toBe(true);
  });

  it('keeps decimal-looking strings as text (never a float on the way)', () => {
    const [p] = toSqlParameters(['123456789012345678901234567.1234567891'], TYPES);
    expect(p).toMatchObject({ type: TYPES.NVarChar, value: '123456789012345678901234567.1234567891' });
  });

  it('declares short strings and bytes with a fixed length, long ones as max', () => {
    const [short, long, small, big] = toSqlParameters(['x', 'y'.repeat(4001), new Uint8Array(10), new Uint8Array(8001)], TYPES);
    expect([short?.options?.length, long?.options?.length, small?.options?.length, big?.options?.length]).toEqual([4000, 65535, 8000, 65535]);
  });

  it('refuses what SQL Server cannot hold, naming the parameter', () => {
    expect(() => toSqlParameters([1, Number.NaN], TYPES)).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('@p2') }));
    expect(() => toSqlParameters([2n ** 63n], TYPES)).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('@p1') }));
    expect(() => toSqlParameters([{ n: 1n }], TYPES)).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('JSON') }));
  });
});
