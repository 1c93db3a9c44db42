import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { coreServices, type Logger } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import oracleConnector from './index.js';
import { unusedPort } from './testing/fakeNetwork.js';
import { oracleColumnTypes } from './typeMap.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 2, idleTimeoutMs: 30_000, connectTimeoutMs: 3000 };
const scott = { kind: 'password' as const, username: 'scott', password: 'tiger-secret' };

interface Validator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string }> | null;
}
// ajv 8 is a dependency of the host, which validates manifests; this package does not depend on it.
const { Ajv2020 } = createRequire(new URL('../../../host/package.json', import.meta.url))('ajv/dist/2020') as {
  Ajv2020: new (options: object) => { compile(schema: object): Validator };
};

describe('oracle connector definition', () => {
  it('is a version 1 connector that needs only the logger', () => {
    expect(oracleConnector.kind).toBe('connector');
    expect(oracleConnector.apiVersion).toBe(1);
    expect(oracleConnector.deps).toEqual({ logger: coreServices.logger });
  });

  it('loads the driver when a data source opens and reaches the server through it', async () => {
    const connector = await oracleConnector.create({ logger });
    const port = await unusedPort();
    const handle = await connector.openDataSource({ host: '127.0.0.1', port, serviceName: 'FREEPDB1' }, { dataSourceId: 'ora', limits });
    await expect(handle.testConnection(scott, { signal: new AbortController().signal })).rejects.toMatchObject({ code: 'CW_CONNECT_REFUSED' });
    await connector.dispose?.();
    const request = { text: 'select 1 from dual', parameters: [], signal: new AbortController().signal, deadline: undefined, batchRows: 10 };
    const after = handle.execute(request, scott)[Symbol.asyncIterator]();
    await expect(after.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it('fails to open when the wallet cannot be read', async () => {
    const connector = await oracleConnector.create({ logger });
    await expect(
      connector.openDataSource({ host: 'db', serviceName: 'S', tls: { walletLocation: '/nonexistent/cw-wallet' } }, { dataSourceId: 'ora', limits }),
    ).rejects.toMatchObject({ code: 'CW_CONFIG_INVALID' });
  });
});

describe('oracle plugin.json', () => {
  const manifest = (async () => JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as Record<string, unknown>)();

  it('matches the plugin manifest schema and claims the column types the type map produces', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../schemas/plugin-manifest.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(await manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(await manifest).toMatchObject({ id: 'oracle', kind: 'connector', main: './dist/index.js', sdk: '^1.0.0', connector: { identityKinds: ['password'] } });
    expect(((await manifest).connector as { columnTypes: string[] }).columnTypes).toEqual([...oracleColumnTypes]);
  });

  it('describes data source settings with defaults and rejects wrong ones at their pointer', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: false, useDefaults: true }).compile((await manifest).dataSourceSchema as object);
    const settings: Record<string, unknown> = { host: 'db.local', serviceName: 'FREEPDB1', tls: {} };
    expect(validate(settings), JSON.stringify(validate.errors)).toBe(true);
    expect(settings).toEqual({ host: 'db.local', serviceName: 'FREEPDB1', port: 1521, tls: { sslServerDNMatch: true }, maxLobSize: 16777216, applicationName: 'causeway' });
    const rejected = (value: unknown): string[] => {
      expect(validate(value)).toBe(false);
      return (validate.errors ?? []).map((error) => error.instancePath);
    };
    expect(rejected({ host: 'db.local' })).toEqual(['']);
    expect(rejected({ host: 'db.local', serviceName: 'S', port: 70000 })).toEqual(['/port']);
    expect(rejected({ host: 'db.local:1521/S', serviceName: 'S' })).toEqual(['/host']);
    expect(rejected({ host: 'db.local', serviceName: 'S) (x' })).toEqual(['/serviceName']);
    expect(rejected({ host: 'db.local', serviceName: 'S', password: 'no' })).toEqual(['']);
    expect(rejected({ host: 'db.local', serviceName: 'S', tls: { walletPassword: 'no' } })).toEqual(['/tls']);
    expect(rejected({ host: 'db.local', serviceName: 'S', fetchArraySize: 0 })).toEqual(['/fetchArraySize']);
    const plugin = new Ajv2020({ strict: false }).compile((await manifest).settingsSchema as object);
    expect(plugin({})).toBe(true);
  });
});
