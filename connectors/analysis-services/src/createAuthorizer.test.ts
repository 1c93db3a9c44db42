import { describe, expect, it } from 'vitest';
import { createAuthorizer } from './createAuthorizer.js';

const target = { method: 'POST' as const, url: new URL('http://olap.example.com/olap/msmdpump.dll') };

describe('createAuthorizer', () => {
  it('sends HTTP Basic with the UTF-8 user name and password', async () => {
    const headers = await createAuthorizer('basic', { kind: 'password', username: 'CONTOSO\\svc', password: 'pä:ss' }).authorize(target, new AbortController().signal);
    expect(headers).toEqual({ authorization: `Basic ${Buffer.from('CONTOSO\\svc:pä:ss', 'utf8').toString('base64')}` });
  });

  it('refuses negotiate with CW_AUTH_MODE_UNSUPPORTED and no secret in the message', () => {
    let error: unknown;
    try {
      createAuthorizer('negotiate', { kind: 'password', username: 'svc', password: 'hunter2' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    expect((error as Error).message).toContain('negotiate');
    expect((error as Error).message).not.toContain('hunter2');
  });
});
