import { describe, expect, it } from 'vitest';
import { checkBind, encodeOracleNumber, oracledb } from './testing/oracledbInternals.js';
import { firstVersionWithBoolean, fitsOracleNumber, toOracleBinds } from './toOracleBinds.js';

const types = oracledb;
const oracle23 = 2304000000;
const oracle19 = 1922000000;

describe('toOracleBinds', () => {
  it('binds parameter n to :n by name, so a placeholder may repeat', () => {
    expect(Object.keys(toOracleBinds(['a', 'b', 'c'], types, oracle23))).toEqual(['1', '2', '3']);
    expect(toOracleBinds([], types, oracle23)).toEqual({});
  });

  it('produces binds the real driver accepts, with the types it settles on', () => {
    const binds = toOracleBinds(
      ['text', '12345678901234567890.5', 42, 1.25, 2n ** 63n, Number.NaN, -Infinity, new Uint8Array([1, 2, 3]), null, { a: [1, 'x'] }, [1, 2]],
      types,
      oracle23,
    );
    const checked = Object.values(binds).map((bind, i) => checkBind(bind, i + 1));
    expect(checked.map((c) => c.type)).toEqual([
      types.DB_TYPE_VARCHAR,
      types.DB_TYPE_VARCHAR,
      types.DB_TYPE_NUMBER,
      types.DB_TYPE_NUMBER,
      types.DB_TYPE_NUMBER,
      types.DB_TYPE_BINARY_DOUBLE,
      types.DB_TYPE_BINARY_DOUBLE,
      types.DB_TYPE_RAW,
      undefined, // NULL: the driver binds it as VARCHAR2
      types.DB_TYPE_VARCHAR,
      types.DB_TYPE_VARCHAR,
    ]);
    expect(checked[4]?.value).toBe(9223372036854775808n);
    expect(checked[7]?.value).toEqual(Buffer.from([1, 2, 3]));
    expect(checked[9]?.value).toBe('{"a":[1,"x"]}');
    expect(checked[10]?.value).toBe('[1,2]');
  });

  it('binds numbers beyond the range of Oracle NUMBER as BINARY_DOUBLE', () => {
    const fits = [0, -0, 1e-130, 1.5e-129, -1e125, 9.99e125, 0.1, 123.456, 1e21, 1.25e108, 0.1 + 0.2, Number.MAX_SAFE_INTEGER, -(2 ** 63)];
    expect(fits.filter((n) => !fitsOracleNumber(n))).toEqual([]);
    const beyond = [1e-131, 1.2345678901234567e-120, 1e126, 1.5e130, -1.7976931348623157e308, 5e-324, Number.NaN, Infinity];
    expect(beyond.filter(fitsOracleNumber)).toEqual([]);
    // The driver's own encoder agrees: it takes every number that fits and refuses those beyond.
    for (const n of fits) expect(() => encodeOracleNumber(n), String(n)).not.toThrow();
    for (const n of beyond.filter(Number.isFinite)) expect(() => encodeOracleNumber(n), String(n)).toThrow(/NJS-/);
    const binds = toOracleBinds([1.7976931348623157e308, -2.5e-300, 0.1], types, oracle23);
    expect(Object.values(binds).map((bind) => checkBind(bind).type)).toEqual([types.DB_TYPE_BINARY_DOUBLE, types.DB_TYPE_BINARY_DOUBLE, types.DB_TYPE_NUMBER]);
  });

  it('binds a Uint8Array view without copying the wrong bytes', () => {
    const backing = new Uint8Array([9, 8, 7, 6, 5]);
    const bind = toOracleBinds([backing.subarray(1, 3)], types, oracle23)['1'];
    expect(bind).toEqual(Buffer.from([8, 7]));
  });

  it('binds booleans as BOOLEAN from Oracle 23 and as NUMBER 1/0 before', () => {
    expect(firstVersionWithBoolean).toBe(2300000000);
    const modern = toOracleBinds([true, false], types, oracle23);
    expect(Object.values(modern).map((bind) => checkBind(bind))).toEqual([
      { type: types.DB_TYPE_BOOLEAN, value: true },
      { type: types.DB_TYPE_BOOLEAN, value: false },
    ]);
    const older = toOracleBinds([true, false], types, oracle19);
    expect(Object.values(older).map((bind) => checkBind(bind))).toEqual([
      { type: types.DB_TYPE_NUMBER, value: 1 },
      { type: types.DB_TYPE_NUMBER, value: 0 },
    ]);
  });

  it('refuses a value that cannot become JSON text with CW_QUERY_FAILED naming the placeholder', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => toOracleBinds(['ok', cyclic], types, oracle23)).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining(':2') }));
  });
});
