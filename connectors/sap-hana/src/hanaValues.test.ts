import { describe, expect, it } from 'vitest';
import { HanaTypeCode as T } from './hanaDriver.js';
import { bigintValue, decimalText, timestampText, timeText } from './hanaValues.js';
import { hdbBignum, hdbReader, writeHdbParameter } from './testing/hdbCodecs.js';

// What hdb's Reader returns for a value hdb's Writer encoded (parameter bytes minus the type code).
async function throughHdb(type: number, value: string, read: (reader: ReturnType<typeof hdbReader>) => unknown): Promise<unknown> {
  const bytes = await writeHdbParameter(type, value);
  return read(hdbReader(bytes.subarray(1)));
}

describe('decimalText', () => {
  it('keeps fixed decimals as hdb gives them, scale and all', () => {
    expect(decimalText('12.50')).toBe('12.50');
    expect(decimalText('-0.001')).toBe('-0.001');
    expect(decimalText('12345678901234567890123456789012345678')).toBe('12345678901234567890123456789012345678');
  });

  it('writes floating decimals out in plain, exact digits', () => {
    expect(decimalText('1.25e+2')).toBe('125');
    expect(decimalText('1.2e+3')).toBe('1200');
    expect(decimalText('-5e-1')).toBe('-0.5');
    expect(decimalText('1.234e-5')).toBe('0.00001234');
    expect(decimalText('1.2345678901234567890123456789012345e+33')).toBe('1234567890123456789012345678901234.5');
    expect(decimalText('0e+0')).toBe('0');
    expect(decimalText('-0e-3')).toBe('0');
    expect(decimalText('7e+0')).toBe('7');
  });

  it("reads hdb's own DECFLOAT text back exactly", () => {
    const cases: Array<[{ s: number; m: string; e: number }, string]> = [
      [{ s: 1, m: '12345678901234567890123456789012', e: -10 }, '1234567890123456789012.3456789012'],
      [{ s: -1, m: '5', e: -3 }, '-0.005'],
      [{ s: 1, m: '42', e: 5 }, '4200000'],
    ];
    for (const [dec, plain] of cases) {
      const buffer = Buffer.alloc(16);
      hdbBignum.writeDec128(buffer, dec);
      expect(decimalText(hdbBignum.readDecFloat(buffer) as string)).toBe(plain);
    }
  });

  it('refuses text that is not a decimal', () => {
    expect(() => decimalText('abc')).toThrow(/not a decimal/);
  });
});

describe('timestampText and timeText', () => {
  it('puts a T between date and time, cuts the fraction to microseconds and drops trailing zeros', () => {
    expect(timestampText('2024-02-29 12:34:56.123456700')).toBe('2024-02-29T12:34:56.123456');
    expect(timestampText('2024-02-29 12:34:56.123456789')).toBe('2024-02-29T12:34:56.123456');
    expect(timestampText('2024-02-29 12:34:56.100000000')).toBe('2024-02-29T12:34:56.1');
    expect(timestampText('1970-01-01 00:00:00.000000000')).toBe('1970-01-01T00:00:00');
    expect(timestampText('2016-04-14T13:32:20.737')).toBe('2016-04-14T13:32:20.737');
    expect(timestampText('9999-12-31 23:59:59.999999900')).toBe('9999-12-31T23:59:59.999999');
    expect(timeText('23:59:59')).toBe('23:59:59');
    expect(timeText('05:06:07.250')).toBe('05:06:07.25');
    expect(() => timestampText('yesterday')).toThrow(/not a timestamp/);
    expect(() => timeText('noon')).toThrow(/not a time/);
  });

  it("normalises what hdb's reader makes of LONGDATE, SECONDDATE, DAYDATE and SECONDTIME", async () => {
    expect(timestampText((await throughHdb(T.LONGDATE, '2024-02-29T12:34:56.1234567', (r) => r.readLongDate())) as string)).toBe('2024-02-29T12:34:56.123456');
    expect(timestampText((await throughHdb(T.LONGDATE, '0001-01-01T00:00:00.0000001', (r) => r.readLongDate())) as string)).toBe('0001-01-01T00:00:00');
    expect(timestampText((await throughHdb(T.SECONDDATE, '1999-12-31T23:59:59', (r) => r.readSecondDate())) as string)).toBe('1999-12-31T23:59:59');
    expect(await throughHdb(T.DAYDATE, '2024-02-29', (r) => r.readDayDate())).toBe('2024-02-29');
    expect(timeText((await throughHdb(T.SECONDTIME, '07:08:09', (r) => r.readSecondTime())) as string)).toBe('07:08:09');
  });
});

describe('bigintValue', () => {
  it('makes a bigint of both forms hdb returns', async () => {
    expect(bigintValue(42)).toBe(42n);
    expect(bigintValue('-9223372036854775808')).toBe(-9223372036854775808n);
    // hdb returns a number up to 2^53 and exact text beyond; both become the same bigint.
    const big = await writeHdbParameter(T.BIGINT, '9223372036854775807');
    big[0] = 1; // the result-set form has a NULL indicator where the parameter has its type code
    expect(bigintValue(hdbReader(big).readBigInt() as string)).toBe(9223372036854775807n);
    const small = await writeHdbParameter(T.BIGINT, String(2 ** 53));
    small[0] = 1;
    expect(bigintValue(hdbReader(small).readBigInt() as number)).toBe(2n ** 53n);
  });
});
