import type { GssContext, KerberosIdentity } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { createGssapiAuthPlugin } from './createGssapiAuthPlugin.js';

function identity(contexts: Array<{ spn?: string; mutual?: boolean; mechanism: string }>, fail?: Error): KerberosIdentity {
  return {
    kind: 'kerberos',
    principal: 'ada@EXAMPLE.COM',
    spn: 'mariadb/db@EXAMPLE.COM',
    credentialCache: 'DIR:/x',
    async createGssContext(options) {
      contexts.push(options);
      if (fail) throw fail;
      let steps = 0;
      const context: GssContext = {
        get complete() {
          return steps >= 2;
        },
        async step(input) {
          steps += 1;
          return steps === 1 ? Uint8Array.from([0x60, 1, 2]) : Uint8Array.from([...input].reverse());
        },
      };
      return context;
    },
  };
}

const plugin = (id: KerberosIdentity) => createGssapiAuthPlugin(id)({ connection: {} as never, command: 'handshake' });

describe('createGssapiAuthPlugin', () => {
  it("starts a krb5 context for the SPN the server announces and answers with the first token", async () => {
    const contexts: Array<{ spn?: string; mutual?: boolean; mechanism: string }> = [];
    const step = plugin(identity(contexts));
    const first = await step(Buffer.concat([Buffer.from('mariadb/db@EXAMPLE.COM\0Kerberos\0', 'utf8')]));
    expect(first).toEqual(Buffer.from([0x60, 1, 2]));
    expect(contexts).toEqual([{ mechanism: 'krb5', mutual: false, spn: 'mariadb/db@EXAMPLE.COM' }]);
    // A further server packet is fed to the same context.
    expect(await step(Buffer.from([7, 8]))).toEqual(Buffer.from([8, 7]));
    expect(contexts).toHaveLength(1);
  });

  it("uses the identity's SPN when the server announces none", async () => {
    const contexts: Array<{ spn?: string; mutual?: boolean; mechanism: string }> = [];
    await plugin(identity(contexts))(Buffer.alloc(0));
    expect(contexts[0]).not.toHaveProperty('spn');
  });

  it('keeps the coded error as the cause (mysql2 overwrites the code of the error it gets)', async () => {
    const coded = Object.assign(new Error('GSS-API: no credentials'), { code: 'CW_KERBEROS_FAILED' });
    const error = await Promise.resolve(plugin(identity([], coded))(Buffer.from('x\0'))).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    expect(error?.message).toBe('GSS-API: no credentials');
    expect(error?.cause).toBe(coded);
  });
});
