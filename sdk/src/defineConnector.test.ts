import { describe, expect, expectTypeOf, it } from 'vitest';
import { defineAuthProvider, defineConnector, defineRelayTransport, defineSpooler } from './index.js';
import { coreServices } from './coreServices.js';
import type { Logger } from './logger.js';
import type { ConnectorDefinition, DataSourceHandle } from './connector.js';

const handle: DataSourceHandle = {
  execute: async function* () {},
  testConnection: async () => ({ ok: true, latencyMs: 0 }),
  close: async () => undefined,
};

describe('define* helpers', () => {
  it('infer settings from openDataSource and deps from the refs, with no explicit type arguments', () => {
    const def = defineConnector({
      deps: { logger: coreServices.logger, plugin: coreServices.plugin },
      create: ({ logger, plugin }) => {
        expectTypeOf(logger).toEqualTypeOf<Logger>();
        expectTypeOf(plugin.pluginId).toEqualTypeOf<string>();
        return { openDataSource: (_settings: { host: string; port?: number }) => handle };
      },
    });
    expectTypeOf(def).toMatchTypeOf<ConnectorDefinition<{ host: string; port?: number }>>();
    expect(def).toMatchObject({ kind: 'connector', apiVersion: 1, deps: { logger: { id: 'core.logger' }, plugin: { id: 'core.plugin' } } });
    expect(Object.isFrozen(def)).toBe(true);
  });

  it('refuse what the contract does not allow (checked by the type checker)', () => {
    defineConnector({
      deps: { logger: coreServices.logger },
      // @ts-expect-error: `clock` is not a declared dependency
      create: ({ clock }) => ({ openDataSource: () => clock }),
    });
    // @ts-expect-error: a connector must open data sources
    defineConnector({ create: () => ({ open: () => handle }) });
    // @ts-expect-error: an auth provider must authenticate
    defineAuthProvider({ create: () => ({}) });
    expect(true).toBe(true);
  });

  it('give every kind its tag', () => {
    const kinds = [
      defineConnector({ create: () => ({ openDataSource: () => handle }) }).kind,
      defineAuthProvider({ create: () => ({ authenticate: async () => ({ kind: 'password' as const, username: 'u', password: 'p' }) }) }).kind,
      defineSpooler({ create: () => ({ open: async () => { throw new Error('unused'); }, usage: () => ({ bytes: 0, jobs: 0 }) }) }).kind,
      defineRelayTransport({ create: () => ({ connect: async () => ({ close: async () => undefined }) }) }).kind,
    ];
    expect(kinds).toEqual(['connector', 'auth-provider', 'spooler', 'relay-transport']);
  });
});
