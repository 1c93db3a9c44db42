import type { JobParameter } from '@causeway/schemas';
import type { Value } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { fromJobParameter, toJobParameter } from './parameters.js';

/** Sends a parameter through its JSON job form, as the relay does. */
function roundTrip(value: Value): Value {
  const wire = JSON.parse(JSON.stringify(toJobParameter(value))) as JobParameter;
  return fromJobParameter(wire);
}

describe('job parameters', () => {
  const cases: Array<[string, Value, JobParameter]> = [
    ['null', null, null],
    ['true', true, true],
    ['false', false, false],
    ['a float', -12.5, -12.5],
    ['an integer', 2147483647, 2147483647],
    ['a string', 'héllo "quoted"', 'héllo "quoted"'],
    ['an empty string', '', ''],
    ['a bigint beyond 2^53', 9007199254740993n, { $bigint: '9007199254740993' }],
    ['a negative bigint', -9223372036854775808n, { $bigint: '-9223372036854775808' }],
    ['bytes', Uint8Array.from([0, 1, 254, 255]), { $base64: 'AAH+/w==' }],
    ['empty bytes', new Uint8Array(), { $base64: '' }],
    ['an object', { a: 1, b: [true, null, 'x'], c: { d: 'e' } }, { $json: { a: 1, b: [true, null, 'x'], c: { d: 'e' } } }],
    ['an array', [1, 'two', null], { $json: [1, 'two', null] }],
  ];

  for (const [name, value, wire] of cases) {
    it(`round-trips ${name}`, () => {
      expect(toJobParameter(value)).toStrictEqual(wire);
      expect(roundTrip(value)).toStrictEqual(value);
    });
  }

  it('gives bytes back as a plain Uint8Array, not a Buffer', () => {
    const back = roundTrip(Uint8Array.from([1, 2]));
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Buffer.isBuffer(back)).toBe(false);
  });
});
