import type { KerberosIdentity } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { createAuthorizer } from './createAuthorizer.js';
import { createNegotiateAuthorizer } from './createNegotiateAuthorizer.js';

const target = { method: 'POST' as const, url: new URL('http://olap.example.com/olap/msmdpump.dll') };

function identity(asked: unknown[]): KerberosIdentity {
  let n = 0;
  return {
    kind: 'kerberos',
    principal: 'ada@EXAMPLE.COM',
    spn: 'HTTP/olap.example.com@EXAMPLE.COM',
    credentialCache: 'DIR:/x',
    async createGssContext(options) {
      asked.push(options);
      n += 1;
      const token = Uint8Array.from([0x60, n]);
      return { complete: false, step: () => Promise.resolve(token) };
    },
  };
}

describe('createNegotiateAuthorizer', () => {
  it('sends a fresh SPNEGO token on every request', async () => {
    const asked: unknown[] = [];
    const authorizer = createNegotiateAuthorizer(identity(asked));
    const signal = new AbortController().signal;
    expect(await authorizer.authorize(target, signal)).toEqual({ authorization: `Negotiate ${Buffer.from([0x60, 1]).toString('base64')}` });
    expect(await authorizer.authorize(target, signal)).toEqual({ authorization: `Negotiate ${Buffer.from([0x60, 2]).toString('base64')}` });
    expect(asked).toEqual([
      { mechanism: 'spnego', signal },
      { mechanism: 'spnego', signal },
    ]);
  });

  it('is what createAuthorizer gives for negotiate with a kerberos identity; basic with one is refused', async () => {
    const asked: unknown[] = [];
    const headers = await createAuthorizer('negotiate', identity(asked)).authorize(target, new AbortController().signal);
    expect(headers.authorization).toMatch(/^Negotiate /);
    expect(() => createAuthorizer('basic', identity(asked))).toThrow(expect.objectContaining({ code: 'CW_AUTH_MODE_UNSUPPORTED', message: expect.stringContaining('"negotiate"') }));
  });
});
