import 'reflect-metadata';
import { isCausewayError, type CausewayError } from '@causeway/sdk';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/createLogger.js';
import { discoverPlugins } from '../plugins/discoverPlugins.js';
import { createPluginRuntime, type PluginRuntime } from '../plugins/pluginRuntime.js';
import { createAjv } from '../validation/createAjv.js';
import { checkConfigAgainstPlugins, pluginSettingsOf } from './checkConfigAgainstPlugins.js';
import { loadConfigFile } from './loadConfigFile.js';
import type { ResolvedConfig } from './resolvedConfig.js';

let root: string;
let pluginsDir: string;

async function externalPlugin(id: string, manifest: Record<string, unknown>): Promise<void> {
  const dir = join(pluginsDir, id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'index.js'), 'export default {};\n');
  await writeFile(join(dir, 'plugin.json'), JSON.stringify({ id, version: '1.0.0', sdk: '^1.0.0', main: './index.js', displayName: id, publisher: 'Acme', ...manifest }));
}

/** Loads a config from a file, discovers the built-ins plus the external plugins, and builds the runtime as the host does. */
async function prepare(name: string, doc: Record<string, unknown>): Promise<{ ajv: ReturnType<typeof createAjv>; config: ResolvedConfig; plugins: PluginRuntime }> {
  const ajv = createAjv();
  const file = join(root, name);
  await writeFile(file, JSON.stringify({ gatewayId: 'plant-7', keyFile: 'gateway.key', ...doc }));
  const config = await loadConfigFile(file);
  const discovery = await discoverPlugins(ajv, { searchPaths: config.plugins.searchPaths });
  expect(discovery.failures).toEqual([]);
  const plugins = createPluginRuntime({
    discovery,
    enabledExternal: config.plugins.enabled,
    disabled: config.plugins.disabled,
    settingsFor: () => ({}),
    dataDirectory: config.dataDirectory,
    baseDir: config.baseDir,
    container: container.createChildContainer(),
    logger: createSilentLogger(),
    clock: { now: () => 0 },
  });
  return { ajv, config, plugins };
}

async function refused(run: () => Promise<unknown>): Promise<CausewayError> {
  try {
    await run();
  } catch (error) {
    if (isCausewayError(error)) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'causeway-check-')));
  pluginsDir = join(root, 'plugins');
  await externalPlugin('saml-auth', { kind: 'auth-provider', authProvider: { produces: ['saml'] } });
  await externalPlugin('acme-db', { kind: 'connector', connector: { identityKinds: ['password'] } });
  await externalPlugin('saml-db', { kind: 'connector', connector: { identityKinds: ['saml', 'password'] } });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('checkConfigAgainstPlugins', () => {
  it('passes a good config and returns settings with the schema defaults applied', async () => {
    const { ajv, config, plugins } = await prepare('good.json', {
      relay: { settings: { url: 'wss://relay.example.com' } },
      spooler: { plugin: 'memory' },
      plugins: { searchPaths: ['plugins'], enabled: ['saml-auth'], settings: { disk: { directory: '/var/spool/causeway' } } },
      dataSources: {
        sales: { connector: 'postgres', settings: { host: '127.0.0.1', database: 'test' }, auth: { provider: 'stored-credential', settings: { username: 'reader' } } },
      },
    });
    const before = structuredClone(config);
    const checked = await checkConfigAgainstPlugins(ajv, config, plugins);
    expect(checked.dataSources).toEqual({
      sales: {
        connector: { host: '127.0.0.1', database: 'test', port: 5432, applicationName: 'causeway' },
        auth: { username: 'reader', allowJobCredentials: true },
      },
    });
    expect(checked.plugins.memory).toEqual({ quotaBytes: 268435456 });
    expect(checked.plugins.disk).toEqual({ directory: '/var/spool/causeway', quotaBytes: 10737418240, segmentBytes: 8388608 });
    expect(checked.plugins.websocket).toMatchObject({ url: 'wss://relay.example.com', handshakeTimeoutMs: 10000, idleTimeoutMs: 45000 });
    expect(Object.keys(checked.plugins)).toEqual(expect.arrayContaining(['disk', 'memory', 'postgres', 'saml-auth', 'stored-credential', 'websocket']));
    expect(Object.keys(checked.plugins)).not.toContain('acme-db');
    // The amqp transport is built in but not selected: its required settings (url, cluster) are not asked for.
    expect(checked.plugins.amqp).toEqual({});
    // The config itself keeps what the file said.
    expect(config).toEqual(before);
  });

  it('lists every problem in one CW_CONFIG_INVALID with <file>#<pointer>', async () => {
    const { ajv, config, plugins } = await prepare('bad.json', {
      relay: { settings: {} },
      spooler: { plugin: 'disk' },
      plugins: {
        searchPaths: ['plugins'],
        enabled: ['saml-auth'],
        disabled: ['disk'],
        settings: { nosuch: {}, memory: { quotaBytes: 0 } },
      },
      dataSources: {
        unknown: { connector: 'nosuch-db', auth: { provider: 'stored-credential' } },
        'wrong-kind': { connector: 'memory', settings: {}, auth: { provider: 'postgres' } },
        'not-enabled': { connector: 'acme-db', auth: { provider: 'stored-credential' } },
        'bad-settings': {
          connector: 'postgres',
          settings: { host: 'db', port: 'high', ssl: { mode: 'maybe' } },
          auth: { provider: 'stored-credential', settings: { allowJobCredentials: 'yes' } },
        },
        mismatch: { connector: 'postgres', settings: { host: 'db', database: 'x' }, auth: { provider: 'saml-auth' } },
      },
    });
    const error = await refused(() => checkConfigAgainstPlugins(ajv, config, plugins));
    expect(error.code).toBe('CW_CONFIG_INVALID');
    const problems = error.details?.problems as Array<{ pointer: string; message: string }>;
    const expected: Array<[string, string]> = [
      ['/relay/settings/url', 'is required'],
      ['/plugins/settings/memory/quotaBytes', 'must be >= 1'],
      ['/plugins/settings/nosuch', 'settings for plugin "nosuch", which was not discovered'],
      ['/spooler/plugin', 'names plugin "disk", which is disabled'],
      ['/dataSources/unknown/connector', 'names plugin "nosuch-db", which was not discovered'],
      ['/dataSources/wrong-kind/connector', 'names plugin "memory", which is a spooler, not a connector'],
      ['/dataSources/wrong-kind/auth/provider', 'names plugin "postgres", which is a connector, not an auth-provider'],
      ['/dataSources/not-enabled/connector', 'names plugin "acme-db", which is disabled'],
      ['/dataSources/bad-settings/settings/database', 'is required'],
      ['/dataSources/bad-settings/settings/port', 'must be integer'],
      ['/dataSources/bad-settings/settings/ssl/mode', 'must be one of "disable", "require", "verify-full"'],
      ['/dataSources/bad-settings/auth/settings/allowJobCredentials', 'must be boolean'],
      ['/dataSources/mismatch/auth/provider', '"saml-auth" produces saml identities, but connector "postgres" accepts only password'],
    ];
    expect(problems.map((p) => p.pointer).sort()).toEqual(expected.map(([pointer]) => pointer).sort());
    for (const [pointer, says] of expected) {
      expect(error.message).toContain(`${config.file}#${pointer} `);
      expect(problems.find((p) => p.pointer === pointer)?.message).toContain(says);
    }
    expect(error.location?.file).toBe(config.file);
    expect(expected.map(([pointer]) => pointer)).toContain(error.location?.pointer);
  });

  it('accepts the external provider once it is paired with a connector that takes its identity', async () => {
    const { ajv, config, plugins } = await prepare('saml.json', {
      relay: { settings: { url: 'ws://127.0.0.1:9000' } },
      plugins: { searchPaths: ['plugins'], enabled: ['saml-auth', 'saml-db'] },
      dataSources: { warehouse: { connector: 'saml-db', auth: { provider: 'saml-auth' } } },
    });
    expect((await checkConfigAgainstPlugins(ajv, config, plugins)).dataSources.warehouse).toEqual({ connector: {}, auth: {} });
  });

  it('does not check the settings of a disabled plugin', async () => {
    const { ajv, config, plugins } = await prepare('disabled.json', {
      relay: { settings: { url: 'ws://127.0.0.1:9000' } },
      spooler: { plugin: 'memory' },
      plugins: { disabled: ['disk'], settings: { disk: { quotaBytes: -1 } } },
      dataSources: {},
    });
    expect((await checkConfigAgainstPlugins(ajv, config, plugins)).plugins.disk).toBeUndefined();
  });
});

describe('idle built-in auth providers', () => {
  it('asks for an auth provider\'s required settings only once a data source uses it', async () => {
    const idle = await prepare('idle-sso.json', { relay: { settings: { url: 'ws://127.0.0.1:9000' } }, dataSources: {} });
    expect((await checkConfigAgainstPlugins(idle.ajv, idle.config, idle.plugins)).plugins['kerberos-kcd']).toEqual({});
    const used = await prepare('used-sso.json', {
      relay: { settings: { url: 'ws://127.0.0.1:9000' } },
      dataSources: { maria: { connector: 'mysql', settings: { host: 'db.internal', database: 'sales' }, auth: { provider: 'kerberos-kcd', settings: { spn: 'mariadb/db.internal' } } } },
    });
    const error = await refused(() => checkConfigAgainstPlugins(used.ajv, used.config, used.plugins));
    expect(error.message).toContain('/plugins/settings/kerberos-kcd');
    expect(error.message).toMatch(/keytab/);
  });
});

describe('pluginSettingsOf', () => {
  it('checks the selected relay transport only, unless another one has plugin settings', async () => {
    const amqp = await prepare('amqp.json', { relay: { transport: 'amqp', settings: { url: 'amqp://broker.internal', cluster: 'sales' } }, dataSources: {} });
    const checked = await checkConfigAgainstPlugins(amqp.ajv, amqp.config, amqp.plugins);
    expect(checked.plugins.amqp).toMatchObject({ url: 'amqp://broker.internal', cluster: 'sales', maxAttempts: 3, addresses: { jobs: '/queue/{cluster}.jobs' } });
    expect(checked.plugins.websocket).toEqual({});
    const both = await prepare('both.json', { relay: { transport: 'amqp', settings: { url: 'amqp://broker.internal', cluster: 'sales' } }, plugins: { settings: { websocket: {} } }, dataSources: {} });
    const error = await refused(() => checkConfigAgainstPlugins(both.ajv, both.config, both.plugins));
    expect(error.message).toContain('/plugins/settings/websocket/url');
    const missing = await prepare('amqp-bad.json', { relay: { transport: 'amqp', settings: { url: 'http://broker.internal' } }, dataSources: {} });
    const bad = await refused(() => checkConfigAgainstPlugins(missing.ajv, missing.config, missing.plugins));
    expect(bad.message).toMatch(/\/relay\/settings\/url/);
    expect(bad.message).toMatch(/\/relay\/settings.*cluster/);
  });

  it('gives the relay transport the relay settings on top of its plugin settings', async () => {
    const { config } = await prepare('merge.json', {
      relay: { settings: { url: 'ws://127.0.0.1:9000' } },
      plugins: { settings: { websocket: { idleTimeoutMs: 0, url: 'ws://overridden' }, memory: { quotaBytes: 5 } } },
      dataSources: {},
    });
    expect(pluginSettingsOf(config)).toEqual({ websocket: { idleTimeoutMs: 0, url: 'ws://127.0.0.1:9000' }, memory: { quotaBytes: 5 } });
  });
});
