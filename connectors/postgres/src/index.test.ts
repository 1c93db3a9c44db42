import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { coreServices, type Logger } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import postgresConnector from './index.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 2, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 };

interface Validator {
  (data: unknown): boolean;
  errors?: unknown;
}
// ajv 8 is a dependency of the host, which validates manifests; this package does not depend on it.
const { Ajv2020 } = createRequire(new URL('../../../host/package.json', import.meta.url))('ajv/dist/2020') as {
  Ajv2020: new (options: object) => { compile(schema: object): Validator };
};

describe('postgres connector definition', () => {
  it('is a version 1 connector that needs only the logger', () => {
    expect(postgresConnector.kind).toBe('connector');
    expect(postgresConnector.apiVersion).toBe(1);
    expect(postgresConnector.deps).toEqual({ logger: coreServices.logger });
  });

  it('opens a data source that runs queries, and closes it on dispose', async () => {
    const connector = await postgresConnector.create({ logger });
    const handle = await connector.openDataSource({ host: '127.0.0.1', database: 'test' }, { dataSourceId: 'pg', limits });
    const parts = [];
    const request = { text: 'select $1::int4 + 1 as n', parameters: [41], signal: new AbortController().signal, deadline: undefined, batchRows: 10 };
    for await (const part of handle.execute(request, { kind: 'password', username: 'postgres', password: '' })) parts.push(part);
    expect(parts).toEqual([
      { kind: 'schema', columns: [{ name: 'n', type: 'int32', nativeType: 'int4' }] },
      { kind: 'rows', rows: [[42]] },
    ]);
    await connector.dispose?.();
    const after = handle.execute(request, { kind: 'password', username: 'postgres', password: '' })[Symbol.asyncIterator]();
    await expect(after.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it('fails to open when the CA file cannot be read', async () => {
    const connector = await postgresConnector.create({ logger });
    await expect(
      connector.openDataSource({ host: 'db', database: 'test', ssl: { mode: 'verify-full', ca: '/nonexistent/cw-ca.pem' } }, { dataSourceId: 'pg', limits }),
    ).rejects.toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file: '/nonexistent/cw-ca.pem' } });
  });
});

describe('postgres plugin.json', () => {
  const manifest = (async () => JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as Record<string, unknown>)();

  it('matches the plugin manifest schema', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../schemas/plugin-manifest.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(await manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(await manifest).toMatchObject({ id: 'postgres', kind: 'connector', main: './dist/index.js', connector: { identityKinds: ['password'] } });
  });

  it('describes data source settings with defaults and rejects unknown ones', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: false, useDefaults: true }).compile((await manifest).dataSourceSchema as object);
    const settings: Record<string, unknown> = { host: 'db.local', database: 'sales', ssl: { mode: 'verify-full', ca: '/etc/ssl/ca.pem' } };
    expect(validate(settings)).toBe(true);
    expect(settings).toMatchObject({ port: 5432, applicationName: 'causeway' });
    expect(validate({ host: 'db.local' })).toBe(false);
    expect(validate({ host: 'db.local', database: 'x', password: 'no' })).toBe(false);
    expect(validate({ host: 'db.local', database: 'x', ssl: { mode: 'prefer' } })).toBe(false);
    const plugin = new Ajv2020({ strict: false }).compile((await manifest).settingsSchema as object);
    expect(plugin({})).toBe(true);
  });
});
