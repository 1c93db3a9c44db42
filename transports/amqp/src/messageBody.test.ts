import { message as amqpMessage } from 'rhea-promise';
import { describe, expect, it } from 'vitest';
import { messageBodyBytes } from './messageBody.js';

describe('messageBodyBytes', () => {
  it('reads data sections, binary and string values, and nothing else', () => {
    expect(messageBodyBytes(amqpMessage.data_section(Buffer.from('abc')))?.toString()).toBe('abc');
    expect(messageBodyBytes(Buffer.from('bin'))?.toString()).toBe('bin');
    expect(messageBodyBytes('text')?.toString()).toBe('text');
    expect(messageBodyBytes(new Uint8Array([104, 105]))?.toString()).toBe('hi');
    expect(messageBodyBytes(42)).toBeUndefined();
    expect(messageBodyBytes({ a: 1 })).toBeUndefined();
    expect(messageBodyBytes(null)).toBeUndefined();
  });
});
