import { describe, expect, it } from 'vitest';
import { createPoolKey } from './poolKey.js';

const identity = (username: string, password: string) => ({ kind: 'password' as const, username, password });

describe('createPoolKey', () => {
  it('gives one identity one key and a changed password another', () => {
    const key = createPoolKey();
    expect(key(identity('ada', 'pw1'))).toBe(key(identity('ada', 'pw1')));
    expect(key(identity('ada', 'pw1'))).not.toBe(key(identity('ada', 'pw2')));
    expect(key(identity('ada', 'pw1'))).not.toBe(key(identity('bob', 'pw1')));
  });

  it('does not confuse where the user name ends and the password begins', () => {
    const key = createPoolKey();
    expect(key(identity('ab', 'c'))).not.toBe(key(identity('a', 'bc')));
  });

  it('neither contains the password nor matches across data sources', () => {
    const password = 'correct-horse-battery-staple';
    const first = createPoolKey()(identity('ada', password));
    expect(first).not.toContain(password);
    expect(createPoolKey()(identity('ada', password))).not.toBe(first);
  });
});
