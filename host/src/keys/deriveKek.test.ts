import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_PARAMS, deriveKek, scryptParamsProblem } from './deriveKek.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };
const salt = Buffer.alloc(16, 7);

describe('deriveKek', () => {
  it('gives the same 32-byte key for composed and decomposed spellings of the same text', async () => {
    const composed = await deriveKek('caf\u00e9 au lait, s\u00f8rens', salt, FAST);
    const decomposed = await deriveKek('cafe\u0301 au lait, s\u00f8rens', salt, FAST);
    expect(composed).toHaveLength(32);
    expect(composed.equals(decomposed)).toBe(true);
  });

  it('depends on the key, the salt and the cost', async () => {
    const base = await deriveKek('recovery key one', salt, FAST);
    expect(base.equals(await deriveKek('recovery key two', salt, FAST))).toBe(false);
    expect(base.equals(await deriveKek('recovery key one', Buffer.alloc(16, 8), FAST))).toBe(false);
    expect(base.equals(await deriveKek('recovery key one', salt, { ...FAST, N: 2 ** 11 }))).toBe(false);
  });

  it('accepts the default cost, which is over Node’s default scrypt memory limit', async () => {
    expect(DEFAULT_SCRYPT_PARAMS).toEqual({ N: 32768, r: 8, p: 1 });
    expect(await deriveKek('recovery key one', salt, DEFAULT_SCRYPT_PARAMS)).toHaveLength(32);
  });

  it('rejects parameters that are malformed or too costly', async () => {
    expect(scryptParamsProblem({ N: 1000, r: 8, p: 1 })?.field).toBe('N');
    expect(scryptParamsProblem({ N: 1024, r: 0.5, p: 1 })?.field).toBe('r');
    expect(scryptParamsProblem({ N: 1024, r: 8, p: 17 })?.field).toBe('p');
    expect(scryptParamsProblem({ N: 2 ** 20, r: 8, p: 1 })?.problem).toMatch(/256 MiB/);
    expect(scryptParamsProblem({ N: 2 ** 18, r: 8, p: 1 })).toBeUndefined();
    await expect(deriveKek('recovery key one', salt, { N: 3, r: 8, p: 1 })).rejects.toThrow(RangeError);
  });
});
