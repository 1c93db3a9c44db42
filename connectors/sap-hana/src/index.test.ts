import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadPluginFolder, type PluginFolder } from '@causeway/host';
import { coreServices, type CausewayError, type Connector } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import hanaConnector from './index.js';
import { createTestLogger } from './testing/testLogger.js';
import { startTcpFixture, unusedPort, type TcpFixture } from './testing/tcpFixtures.js';

const limits = { maxConnections: 2, idleTimeoutMs: 30_000, connectTimeoutMs: 1000 };
const identity = { kind: 'password', username: 'KIT', password: 'plugin-test-secret-5' } as const;
const never = new AbortController().signal;

interface Validator {
  (data: unknown): boolean;
  errors?: unknown;
}
// ajv 8 is a dependency of the host, which validates manifests; this package does not depend on it.
const { Ajv2020 } = createRequire(new URL('../../../host/package.json', import.meta.url))('ajv/dist/2020') as {
  Ajv2020: new (options: object) => { compile(schema: object): Validator };
};

describe('sap-hana connector definition', () => {
  it('is a version 1 connector that needs only the logger', () => {
    expect(hanaConnector.kind).toBe('connector');
    expect(hanaConnector.apiVersion).toBe(1);
    expect(hanaConnector.deps).toEqual({ logger: coreServices.logger });
  });

  it('opens data sources lazily and closes them on dispose', async () => {
    const connector = await hanaConnector.create({ logger: createTestLogger() });
    const handle = await connector.openDataSource({ host: '127.0.0.1', port: await unusedPort() }, { dataSourceId: 'hana', limits });
    await connector.dispose?.();
    const request = { text: 'SELECT 1 FROM DUMMY', parameters: [], signal: never, deadline: undefined, batchRows: 10 };
    await expect(handle.execute(request, identity)[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it('fails to open when the CA file cannot be read', async () => {
    const connector = await hanaConnector.create({ logger: createTestLogger() });
    await expect(connector.openDataSource({ host: 'db', useTLS: true, ca: '/nonexistent/cw-hana-ca.pem' }, { dataSourceId: 'hana', limits })).rejects.toMatchObject({
      code: 'CW_CONFIG_INVALID',
    });
  });
});

describe('sap-hana plugin.json', () => {
  const manifest = (async () => JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as Record<string, unknown>)();

  it('matches the plugin manifest schema', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../schemas/plugin-manifest.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(await manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(await manifest).toMatchObject({
      id: 'sap-hana',
      kind: 'connector',
      main: './dist/index.js',
      connector: {
        identityKinds: ['password', 'saml'],
        columnTypes: ['boolean', 'int16', 'int32', 'int64', 'float32', 'float64', 'decimal', 'string', 'binary', 'date', 'time', 'timestamp'],
      },
    });
  });

  it('describes data source settings with defaults and rejects unknown or inconsistent ones', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: false, useDefaults: true }).compile((await manifest).dataSourceSchema as object);
    const settings: Record<string, unknown> = { host: 'hana.local', databaseName: 'HXE' };
    expect(validate(settings)).toBe(true);
    expect(settings).toEqual({ host: 'hana.local', databaseName: 'HXE', port: 30015, useTLS: false, rejectUnauthorized: true, maxLobBytes: 16777216 });
    expect(validate({ host: 'hana.local', useTLS: true, ca: '/etc/ssl/hana-ca.pem', schema: 'SALES', fetchSize: 5000 })).toBe(true);
    expect(validate({})).toBe(false);
    expect(validate({ host: 'h', port: 70000 })).toBe(false);
    expect(validate({ host: 'h', password: 'no' })).toBe(false);
    expect(validate({ host: 'h', ca: '/etc/ssl/ca.pem' })).toBe(false);
    expect(validate({ host: 'h', useTLS: false, ca: '/etc/ssl/ca.pem' })).toBe(false);
    expect(validate({ host: 'h', fetchSize: 40000 })).toBe(false);
  });
});

// The plugin as the host loads it (manifest, dist entry, lazy import of the real hdb), against
// addresses where no HANA answers: these are the connect failures the conformance kit checks.
describe('sap-hana through the host plugin runtime, with the real hdb', () => {
  let folder: PluginFolder;
  let connector: Connector<Record<string, unknown>>;
  const fixtures: TcpFixture[] = [];
  const errors: unknown[] = [];

  beforeAll(async () => {
    folder = await loadPluginFolder(fileURLToPath(new URL('..', import.meta.url)));
    connector = await folder.use('connector');
  });
  afterAll(async () => {
    await folder?.dispose();
    await Promise.all(fixtures.map((f) => f.close()));
  });

  async function open(settings: Record<string, unknown>) {
    const checked = folder.checkDataSourceSettings(settings);
    expect(checked.problems).toEqual([]);
    return connector.openDataSource(checked.settings, { dataSourceId: 'hana-runtime', limits });
  }

  async function failure(work: () => Promise<unknown>): Promise<CausewayError> {
    try {
      await work();
    } catch (error) {
      errors.push(error);
      return error as CausewayError;
    }
    throw new Error('expected a failure');
  }

  it('names the JSON pointer of each refused setting', () => {
    expect(folder.checkDataSourceSettings({ host: 'h', port: 0 }).problems.map((p) => p.pointer)).toContain('/port');
    expect(folder.checkDataSourceSettings({ port: 30015 }).problems.map((p) => p.pointer)).toContain('/host');
    expect(folder.checkDataSourceSettings({ host: 'h', ca: '/ca.pem' }).problems.map((p) => p.pointer)).toContain('/useTLS');
    expect(folder.checkDataSourceSettings({ host: 'h', tls: true }).problems.map((p) => p.pointer)).toContain('/tls');
  });

  it('reports an unused port as CW_CONNECT_REFUSED, for tests and queries', async () => {
    const port = await unusedPort();
    const handle = await open({ host: '127.0.0.1', port });
    const error = await failure(() => handle.testConnection(identity, { signal: never }));
    expect(error.code).toBe('CW_CONNECT_REFUSED');
    expect(error.message).toContain(`127.0.0.1:${port}`);
    const request = { text: 'SELECT 1 FROM DUMMY', parameters: [], signal: never, deadline: undefined, batchRows: 10 };
    const queryError = await failure(async () => {
      for await (const _part of handle.execute(request, identity));
    });
    expect(queryError.code).toBe('CW_CONNECT_REFUSED');
    await handle.close();
  });

  it('reports a host name that does not resolve as CW_HOST_NOT_FOUND', async () => {
    const handle = await open({ host: 'causeway-hana-conformance.invalid', port: 30015 });
    expect((await failure(() => handle.testConnection(identity, { signal: never }))).code).toBe('CW_HOST_NOT_FOUND');
    await handle.close();
  });

  it('reports a server that accepts and stays silent as CW_CONNECT_TIMEOUT within the connect timeout', async () => {
    const silent = await startTcpFixture(() => undefined);
    fixtures.push(silent);
    const handle = await open({ host: '127.0.0.1', port: silent.port });
    const started = Date.now();
    const error = await failure(() => handle.testConnection({ kind: 'saml', assertion: '<Assertion>runtime-assertion-6</Assertion>' }, { signal: never }));
    expect(error.code).toBe('CW_CONNECT_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
    await handle.close();
  });

  it('stops a test connection when its signal aborts', async () => {
    const silent = await startTcpFixture(() => undefined);
    fixtures.push(silent);
    const handle = await open({ host: '127.0.0.1', port: silent.port });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    expect((await failure(() => handle.testConnection(identity, { signal: controller.signal }))).code).toBe('CW_JOB_CANCELLED');
    await handle.close();
  });

  it('never names the password or the assertion', () => {
    expect(errors.length).toBeGreaterThan(3);
    for (const error of errors) {
      const text = `${(error as Error).message} ${JSON.stringify((error as CausewayError).details ?? {})}`;
      expect(text).not.toContain('plugin-test-secret-5');
      expect(text).not.toContain('runtime-assertion-6');
    }
  });
});
