import { describe, expect, it } from 'vitest';
import { parseAccount } from './parseAccount.js';

describe('parseAccount', () => {
  it.each([
    ['ada', { account: 'ada', localName: 'ada', format: 'name' }],
    ['ada@CONTOSO.LOCAL', { account: 'ada@CONTOSO.LOCAL', localName: 'ada', domain: 'CONTOSO.LOCAL', format: 'upn' }],
    ['CONTOSO\\ada', { account: 'CONTOSO\\ada', localName: 'ada', domain: 'CONTOSO', format: 'down-level' }],
    ['a@b@REALM', { account: 'a@b@REALM', localName: 'a@b', domain: 'REALM', format: 'upn' }],
    ['John Smith', { account: 'John Smith', localName: 'John Smith', format: 'name' }],
  ])('parses %j', (account, parsed) => {
    expect(parseAccount(account)).toEqual(parsed);
  });

  it.each(['', ' ada', 'ada ', 'a\u0000b', 'a\nb', '@REALM', 'ada@', '\\ada', 'CONTOSO\\', 'A\\B\\c', 'CONTOSO\\ada@x', 'a@b\\c'])('refuses %j', (account) => {
    expect(parseAccount(account)).toBeUndefined();
  });
});
