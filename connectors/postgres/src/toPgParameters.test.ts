import { describe, expect, it } from 'vitest';
import { toPgParameters } from './toPgParameters.js';

describe('toPgParameters', () => {
  it('sends scalars as exact text and bytes as a Buffer', () => {
    const bytes = new Uint8Array([9, 1, 2, 3]).subarray(1);
    const [nul, yes, no, num, big, str, bin] = toPgParameters([null, true, false, 1.5, 9223372036854775807n, 'x', bytes]);
    expect([nul, yes, no, num, big, str]).toEqual([null, 'true', 'false', '1.5', '9223372036854775807', 'x']);
    expect(Buffer.isBuffer(bin)).toBe(true);
    expect([...(bin as Buffer)]).toEqual([1, 2, 3]);
  });

  it('sends objects as JSON and leaves arrays for pg to write as array literals', () => {
    const [json, array] = toPgParameters([{ a: [1, 'b'] }, [1n, null, [2n]]]);
    expect(json).toBe('{"a":[1,"b"]}');
    expect(array).toEqual([1n, null, [2n]]);
  });

  it('names the parameter that cannot be sent as JSON', () => {
    expect(() => toPgParameters(['ok', { big: 1n }])).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('$2') }));
  });
});
