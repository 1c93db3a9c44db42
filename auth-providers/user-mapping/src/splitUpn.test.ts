import { describe, expect, it } from 'vitest';
import { splitUpn } from './splitUpn.js';

describe('splitUpn', () => {
  it('splits at the last @', () => {
    expect(splitUpn('ada@contoso.com')).toEqual({ user: 'ada', domain: 'contoso.com' });
    expect(splitUpn('a@b@contoso.com')).toEqual({ user: 'a@b', domain: 'contoso.com' });
  });

  it.each(['ada', '@contoso.com', 'ada@', ''])('has no parts for %j', (upn) => {
    expect(splitUpn(upn)).toBeUndefined();
  });
});
