import { describe, expect, it } from 'vitest';
import { toXmlaParameters } from './toXmlaParameters.js';

describe('toXmlaParameters', () => {
  it('names parameters p1, p2, … and types each value by its form', () => {
    expect(
      toXmlaParameters([
        42,
        -2147483648,
        2147483648,
        9007199254740991,
        0.5,
        1e21,
        -Infinity,
        NaN,
        9223372036854775807n,
        -9223372036854775808n,
        9223372036854775808n,
        'it\'s <b>&',
        true,
        new Uint8Array([0, 1, 254, 255]),
        null,
      ]),
    ).toEqual([
      { name: 'p1', type: 'xsd:int', text: '42' },
      { name: 'p2', type: 'xsd:int', text: '-2147483648' },
      { name: 'p3', type: 'xsd:long', text: '2147483648' },
      { name: 'p4', type: 'xsd:long', text: '9007199254740991' },
      { name: 'p5', type: 'xsd:double', text: '0.5' },
      { name: 'p6', type: 'xsd:double', text: '1e+21' },
      { name: 'p7', type: 'xsd:double', text: '-INF' },
      { name: 'p8', type: 'xsd:double', text: 'NaN' },
      { name: 'p9', type: 'xsd:long', text: '9223372036854775807' },
      { name: 'p10', type: 'xsd:long', text: '-9223372036854775808' },
      { name: 'p11', type: 'xsd:decimal', text: '9223372036854775808' },
      { name: 'p12', type: 'xsd:string', text: "it's <b>&" },
      { name: 'p13', type: 'xsd:boolean', text: 'true' },
      { name: 'p14', type: 'xsd:base64Binary', text: 'AAH+/w==' },
      { name: 'p15', type: undefined, text: null },
    ]);
  });

  it('encodes only the bytes of a view, not its whole buffer', () => {
    const whole = new Uint8Array([9, 9, 1, 2, 9]);
    expect(toXmlaParameters([whole.subarray(2, 4)])[0]?.text).toBe(Buffer.from([1, 2]).toString('base64'));
  });

  it('refuses arrays, JSON values and text XML cannot carry, naming the parameter', () => {
    expect(() => toXmlaParameters([1, [1, 2]])).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('@p2') }));
    expect(() => toXmlaParameters([{ a: 1 }])).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('@p1') }));
    expect(() => toXmlaParameters(['ok', 'bad\u0000'])).toThrow(expect.objectContaining({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('@p2') }));
  });
});
