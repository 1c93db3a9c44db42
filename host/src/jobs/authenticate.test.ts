import type { AuthRequest, ConnectionIdentity } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import type { PluginRuntime } from '../plugins/pluginRuntime.js';
import { acceptedIdentityKinds, authenticate } from './authenticate.js';

function runtime(produce: (request: AuthRequest<Record<string, unknown>>) => ConnectionIdentity): { plugins: PluginRuntime; seen: AuthRequest<Record<string, unknown>>[] } {
  const seen: AuthRequest<Record<string, unknown>>[] = [];
  const manifests: Record<string, unknown> = {
    conn: { id: 'conn', kind: 'connector', connector: { identityKinds: ['access-token', 'kerberos', 'password'] } },
    sso: { id: 'sso', kind: 'auth-provider', authProvider: { produces: ['password', 'access-token', 'saml'] } },
  };
  const plugins = {
    manifest: (id: string) => manifests[id],
    use: async () => ({ authenticate: async (request: AuthRequest<Record<string, unknown>>) => (seen.push(request), produce(request)) }),
  } as unknown as PluginRuntime;
  return { plugins, seen };
}

const input = { dataSourceId: 'sales', connectorId: 'conn', providerId: 'sso', settings: {}, identity: { userPrincipalName: 'ada@contoso.com' }, secret: undefined, signal: new AbortController().signal };

describe('authenticate', () => {
  it('tells the provider the kinds the connector accepts that it produces, in the connector order', async () => {
    const { plugins, seen } = runtime(() => ({ kind: 'access-token', token: 'tok-123456' }));
    expect(acceptedIdentityKinds(plugins, 'conn', 'sso')).toEqual(['access-token', 'password']);
    const identity = await authenticate({ ...input, plugins });
    expect(identity).toEqual({ kind: 'access-token', token: 'tok-123456' });
    expect(seen[0]?.accepts).toEqual(['access-token', 'password']);
    expect(seen[0]?.identity).toEqual({ userPrincipalName: 'ada@contoso.com' });
  });

  it('refuses an identity kind the connector does not take, naming both plugins and without the secret', async () => {
    const { plugins } = runtime(() => ({ kind: 'saml', assertion: '<Assertion>very-secret</Assertion>' }));
    const error = await authenticate({ ...input, plugins }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    const message = (error as Error).message;
    expect(message).toContain('"sso"');
    expect(message).toContain('"conn"');
    expect(message).toContain('"saml"');
    expect(message).not.toContain('very-secret');
  });
});
