import mysql from 'mysql2';
import { describe, expect, it } from 'vitest';
import { toMysqlParameters } from './toMysqlParameters.js';

const typed = mysql.TypedParameter;
const shape = (value: unknown): unknown => {
  const p = value as { type?: number; value?: unknown; unsigned?: boolean };
  return p && typeof p === 'object' && 'type' in p && 'unsigned' in p ? { type: p.type, value: p.value, unsigned: p.unsigned } : value;
};

describe('toMysqlParameters', () => {
  it('sends integers as BIGINT, unsigned past the signed range and DECIMAL past 64 bits', () => {
    const [small, max, unsignedMax, huge, negative, number] = toMysqlParameters(
      [41n, 9223372036854775807n, 18446744073709551615n, 18446744073709551616n, -9223372036854775808n, 7],
      typed,
    ).map(shape);
    expect(small).toEqual({ type: mysql.Types.LONGLONG, value: 41n, unsigned: false });
    expect(max).toEqual({ type: mysql.Types.LONGLONG, value: 9223372036854775807n, unsigned: false });
    expect(unsignedMax).toEqual({ type: mysql.Types.LONGLONG, value: 18446744073709551615n, unsigned: true });
    expect(huge).toEqual({ type: mysql.Types.NEWDECIMAL, value: '18446744073709551616', unsigned: false });
    expect(negative).toEqual({ type: mysql.Types.LONGLONG, value: -9223372036854775808n, unsigned: false });
    expect(number).toEqual({ type: mysql.Types.LONGLONG, value: 7n, unsigned: false });
  });

  it('keeps strings, booleans, fractions and NULL, and sends bytes as a Buffer', () => {
    const bytes = new Uint8Array([0, 1, 255]);
    const [text, flag, fraction, none, blob, buffer] = toMysqlParameters(['12.50', true, 0.5, null, bytes, Buffer.from([9])], typed);
    expect([text, flag, fraction, none]).toEqual(['12.50', true, 0.5, null]);
    expect(Buffer.isBuffer(blob)).toBe(true);
    expect([...(blob as Buffer)]).toEqual([0, 1, 255]);
    expect([...(buffer as Buffer)]).toEqual([9]);
  });

  it('sends arrays and objects as JSON text', () => {
    expect(toMysqlParameters([{ a: [1, 'b'], c: null }, [1, 2]], typed)).toEqual(['{"a":[1,"b"],"c":null}', '[1,2]']);
  });

  it('refuses values MySQL cannot take, naming the parameter', () => {
    expect(() => toMysqlParameters([1, Number.NaN], typed)).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('parameter 2') }));
    expect(() => toMysqlParameters([{ n: 1n }], typed)).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('parameter 1') }));
  });
});
