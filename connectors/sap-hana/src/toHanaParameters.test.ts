import { describe, expect, it } from 'vitest';
import { HanaIoType, HanaTypeCode as T } from './hanaDriver.js';
import { toHanaParameters } from './toHanaParameters.js';
import { hdbReader, writeHdbParameter } from './testing/hdbCodecs.js';

const input = (...types: number[]) => types.map((dataType) => ({ dataType, ioType: HanaIoType.INPUT, fraction: 0, length: 0 }));

describe('toHanaParameters', () => {
  it('converts values for the types the server described', () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    expect(
      toHanaParameters(
        [9223372036854775807n, -5, '12.50', 3n, 0.5, new Uint8Array([1]), true, null, 'text', 42n, false, { a: 1 }, bytes],
        input(T.BIGINT, T.BIGINT, T.DECIMAL, T.FIXED16, T.DOUBLE, T.VARBINARY, T.BOOLEAN, T.NVARCHAR, T.NVARCHAR, T.NVARCHAR, T.NVARCHAR, T.NCLOB, T.BLOB),
      ),
    ).toEqual(['9223372036854775807', '-5', '12.50', '3', 0.5, Buffer.from([1]), true, null, 'text', '42', 'FALSE', '{"a":1}', Buffer.from(bytes)]);
    expect(toHanaParameters([2n, '7', true], input(T.INT, T.SMALLINT, T.TINYINT))).toEqual([2, 7, 1]);
    expect(toHanaParameters(['2024-02-29T12:34:56.123456', '2024-02-29', '12:00:00'], input(T.LONGDATE, T.DAYDATE, T.SECONDTIME))).toEqual([
      '2024-02-29T12:34:56.123456',
      '2024-02-29',
      '12:00:00',
    ]);
  });

  it('counts only input parameters and refuses a count that does not match', () => {
    const metadata = [...input(T.INT), { dataType: T.INT, ioType: HanaIoType.OUTPUT, fraction: 0, length: 0 }];
    expect(toHanaParameters([1], metadata)).toEqual([1]);
    expect(() => toHanaParameters([1, 2], metadata)).toThrow(/1 parameter marker\(s\) but 2 parameter\(s\)/);
    expect(() => toHanaParameters([1], undefined)).toThrow(/0 parameter marker\(s\) but 1/);
  });

  it('refuses what it cannot send exactly, naming the parameter and never its value', () => {
    const cases: Array<[unknown, number, RegExp]> = [
      [[1, 2], T.INT, /parameter 1 \(an array\)/],
      [1.5, T.INT, /an integer/],
      [2n ** 60n, T.INT, /an integer/],
      [1.5, T.BIGINT, /a BIGINT/],
      ['12x', T.BIGINT, /a BIGINT/],
      ['abc', T.DECIMAL, /a DECIMAL/],
      [Infinity, T.DECIMAL, /a DECIMAL/],
      ['secret-text', T.VARBINARY, /binary data/],
      [new Uint8Array([1]), T.NVARCHAR, /as text/],
      [{ a: 1 }, T.BOOLEAN, /a BOOLEAN/],
      ['x', T.DOUBLE, /floating-point/],
    ];
    for (const [value, type, message] of cases) {
      let error: unknown;
      try {
        toHanaParameters([value as never], input(type));
      } catch (caught) {
        error = caught;
      }
      expect(error, String(value)).toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringMatching(message) });
      expect((error as Error).message).not.toContain('secret-text');
    }
  });

  it("gives hdb's Writer values it encodes exactly (read back with hdb's Reader)", async () => {
    const [big, small] = toHanaParameters([-9223372036854775808n, 9007199254740993n], input(T.BIGINT, T.BIGINT)) as string[];
    for (const [text, expected] of [[big, '-9223372036854775808'], [small, '9007199254740993']] as const) {
      const bytes = await writeHdbParameter(T.BIGINT, text);
      bytes[0] = 1;
      expect(String(hdbReader(bytes).readBigInt())).toBe(expected);
    }
    const [decimal] = toHanaParameters(['12345678901234567890.123456789'], input(T.FIXED16));
    const fixed = await writeHdbParameter(T.FIXED16, decimal, 9);
    fixed[0] = 1;
    expect(hdbReader(fixed).readFixed16(9)).toBe('12345678901234567890.123456789');
    const [text] = toHanaParameters([12.5], input(T.NVARCHAR));
    const encoded = await writeHdbParameter(T.NSTRING, text);
    expect(hdbReader(encoded.subarray(1)).readString()).toBe('12.5');
    const [bytes] = toHanaParameters([new Uint8Array([9, 8, 7])], input(T.VARBINARY));
    const binary = await writeHdbParameter(T.VARBINARY, bytes);
    expect(hdbReader(binary.subarray(1)).readBinary()).toEqual(Buffer.from([9, 8, 7]));
    const [flag] = toHanaParameters([true], input(T.BOOLEAN));
    expect((await writeHdbParameter(T.BOOLEAN, flag))[1]).toBe(0x02);
  });

  it("would fail in hdb's Writer without the conversion (why bigints become text)", async () => {
    await expect(writeHdbParameter(T.BIGINT, 1n)).rejects.toThrow(/BigInt/);
    await expect(writeHdbParameter(T.NVARCHAR, 5)).rejects.toThrow(/must be a string/);
  });
});
