import { describe, expect, it } from 'vitest';
import { decimalText, exactValuesOption, guidText, installExactValues, moneyText, readExactValue, variantText, type ValueMetadata, type ValueParserModule } from './exactValues.js';

class NotEnoughData extends Error {
  constructor(readonly byteCount: number) {
    super(`need ${byteCount}`);
  }
}
const latin1 = (bytes: Buffer): string => bytes.toString('latin1');
const read = (hex: string, name: string, extra: Partial<ValueMetadata> = {}) => readExactValue(Buffer.from(hex.replace(/\s+/g, ''), 'hex'), 0, { type: { name }, ...extra }, NotEnoughData, latin1);

describe('exact value decoding', () => {
  it('writes decimals with exactly `scale` fractional digits and no minus on zero', () => {
    expect(decimalText(true, 1250n, 2)).toBe('12.50');
    expect(decimalText(false, 1250n, 2)).toBe('-12.50');
    expect(decimalText(true, 5n, 4)).toBe('0.0005');
    expect(decimalText(false, 0n, 3)).toBe('0.000');
    expect(decimalText(true, 12345678901234567890123456789012345678n, 0)).toBe('12345678901234567890123456789012345678');
    expect(moneyText(-9223372036854775808n)).toBe('-922337203685477.5808');
    expect(moneyText(123456n)).toBe('12.3456');
  });

  it('reads DECIMALN/NUMERICN of every storage size exactly, NULL as null', () => {
    // decimal(5,2) 12.34: length 5, sign 1, 1234 little-endian.
    expect(read('05 01 d2 04 00 00', 'DecimalN', { scale: 2 })).toEqual({ value: '12.34', offset: 6 });
    // numeric(38,10) -123456789012345678901234567.1234567891 needs all 16 magnitude bytes.
    const magnitude = 1234567890123456789012345671234567891n;
    const bytes = Buffer.alloc(16);
    for (let i = 0, m = magnitude; i < 16; i += 1, m >>= 8n) bytes[i] = Number(m & 0xffn);
    expect(read('11 00' + bytes.toString('hex'), 'NumericN', { scale: 10 })).toEqual({ value: '-123456789012345678901234567.1234567891', offset: 18 });
    expect(read('00', 'DecimalN', { scale: 2 })).toEqual({ value: null, offset: 1 });
  });

  it('reads money (high half first), smallmoney and MONEYN exactly', () => {
    // 922337203685477.5807 = 2^63 - 1 ten-thousandths.
    expect(read('ff ff ff 7f ff ff ff ff', 'Money')).toEqual({ value: '922337203685477.5807', offset: 8 });
    expect(read('04 f0 d8 ff ff', 'MoneyN')).toEqual({ value: '-1.0000', offset: 5 });
    expect(read('08 00 00 00 00 40 e2 01 00', 'MoneyN')).toEqual({ value: '12.3456', offset: 9 });
    expect(read('00', 'MoneyN')).toEqual({ value: null, offset: 1 });
    expect(read('10 27 00 00', 'SmallMoney')).toEqual({ value: '1.0000', offset: 4 });
  });

  it("asks tedious for more data with its own error when a value is cut between packets", () => {
    expect(() => read('05 01 d2', 'DecimalN', { scale: 2 })).toThrow(NotEnoughData);
    expect(() => read('ff ff ff', 'Money')).toThrow(NotEnoughData);
    expect(() => read('0a 00 00 00 38', 'Variant')).toThrow(NotEnoughData);
  });

  it('leaves every other type to tedious', () => {
    expect(read('04 01 00 00 00', 'IntN')).toBeUndefined();
    expect(read('08 00 00 00 00 00 00 f0 3f', 'FloatN')).toBeUndefined();
  });

  it('writes sql_variant values as text', () => {
    const v = (hex: string): string => variantText(Buffer.from(hex.replace(/\s+/g, ''), 'hex'), latin1);
    expect(v('38 00 2a 00 00 00')).toBe('42');
    expect(v('7f 00 ff ff ff ff ff ff ff 7f')).toBe('9223372036854775807');
    expect(v('32 00 01')).toBe('1');
    expect(v('6a 02 05 02 00 e2 04 00 00')).toBe('-12.50');
    expect(v('3c 00 00 00 00 00 40 e2 01 00')).toBe('12.3456');
    expect(v('3b 00 cd cc 8c 3f')).toBe('1.1');
    expect(v('3e 00 9a 99 99 99 99 99 b9 3f')).toBe('0.1');
    // date 0001-01-01 + 1 day; time(7) 01:00:00.1234567; datetime2(7) and datetimeoffset(7) +05:30.
    expect(v('28 00 01 00 00')).toBe('0001-01-02');
    expect(v('29 01 07 87 3e d7 61 08')).toBe('01:00:00.123456');
    expect(v('2a 01 07 87 3e d7 61 08 00 00 00')).toBe('0001-01-01 01:00:00.123456');
    expect(v('2b 01 07 00 00 00 00 00 00 00 00 4a 01')).toBe('0001-01-01 05:30:00 +05:30');
    // datetime 1900-01-01 plus 300 ticks (1 s); smalldatetime 1900-01-02 00:01.
    expect(v('3d 00 00 00 00 00 2c 01 00 00')).toBe('1900-01-01 00:00:01');
    expect(v('3a 00 01 00 01 00')).toBe('1900-01-02 00:01:00');
    expect(v('24 00 99 bc ee a0 0b 9c f8 4e bb 6d 6b b9 bd 38 0a 11')).toBe('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11');
    expect(v('a5 02 10 00 00 ff')).toBe('0x00FF');
    expect(v('e7 07 08 00 09 04 d0 00 34 68 00 e9 00')).toBe('hé');
    expect(v('a7 07 08 00 09 04 d0 00 34 68 e9')).toBe('hé');
  });

  it('reads uniqueidentifier bytes with the first three groups little-endian', () => {
    expect(guidText(Buffer.from('99bceea00b9cf84ebb6d6bb9bd380a11', 'hex'))).toBe('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
  });

  it('wraps readValue once, and only for connections that carry the option flag', () => {
    const calls: string[] = [];
    const module: ValueParserModule = {
      readValue: (_buf, offset, metadata) => {
        calls.push(metadata.type.name);
        return { value: 'driver', offset: offset + 1 };
      },
    };
    installExactValues(module, NotEnoughData, latin1);
    const first = module.readValue;
    installExactValues(module, NotEnoughData, latin1);
    expect(module.readValue).toBe(first);
    const decimal = Buffer.from('0501d2040000', 'hex');
    const meta = { type: { name: 'DecimalN' }, scale: 2 };
    expect(module.readValue(decimal, 0, meta, {}).value).toBe('driver');
    expect(module.readValue(decimal, 0, meta, { [exactValuesOption]: true }).value).toBe('12.34');
    expect(module.readValue(decimal, 0, { type: { name: 'IntN' } }, { [exactValuesOption]: true }).value).toBe('driver');
    expect(calls).toEqual(['DecimalN', 'IntN']);
  });
});
