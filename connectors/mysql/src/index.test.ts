import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { coreServices, type Logger } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { requireService } from '../../../test/support/requireService.js';
import mysqlConnector from './index.js';
import { mysqlCollations } from './mysqlSettings.js';

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

describe('mysql connector definition', () => {
  it('is a version 1 connector that needs only the logger', () => {
    expect(mysqlConnector.kind).toBe('connector');
    expect(mysqlConnector.apiVersion).toBe(1);
    expect(mysqlConnector.deps).toEqual({ logger: coreServices.logger });
  });

  it('does not load mysql2 until a data source opens', async () => {
    const entry = await readFile(new URL('./index.ts', import.meta.url), 'utf8');
    expect(entry).not.toMatch(/from 'mysql2/);
    expect(entry).toContain("await import('./createMysqlDataSource.js')");
  });

  it('opens a data source that runs queries, and closes it on dispose', async () => {
    await requireService('MariaDB', '127.0.0.1', 3306);
    const connector = await mysqlConnector.create({ logger });
    const handle = await connector.openDataSource({ host: '127.0.0.1', database: 'test' }, { dataSourceId: 'mysql', limits });
    const parts = [];
    const request = { text: 'SELECT CAST(? AS SIGNED) + 1 AS n', parameters: [41], signal: new AbortController().signal, deadline: undefined, batchRows: 10 };
    for await (const part of handle.execute(request, { kind: 'password', username: 'root', password: '' })) parts.push(part);
    expect(parts).toEqual([
      { kind: 'schema', columns: [{ name: 'n', type: 'int64', nativeType: 'bigint', nullable: true }] },
      { kind: 'rows', rows: [[42n]] },
    ]);
    await connector.dispose?.();
    const after = handle.execute(request, { kind: 'password', username: 'root', password: '' })[Symbol.asyncIterator]();
    await expect(after.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it('fails to open when the CA file cannot be read', async () => {
    const connector = await mysqlConnector.create({ logger });
    await expect(
      connector.openDataSource({ host: 'db', database: 'test', ssl: { mode: 'verify-full', ca: '/nonexistent/cw-ca.pem' } }, { dataSourceId: 'mysql', limits }),
    ).rejects.toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file: '/nonexistent/cw-ca.pem' } });
  });
});

describe('mysql plugin.json', () => {
  const manifest = (async () => JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as Record<string, unknown> & { dataSourceSchema: Record<string, unknown> })();

  it('matches the plugin manifest schema', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../schemas/plugin-manifest.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(await manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(await manifest).toMatchObject({
      id: 'mysql',
      kind: 'connector',
      displayName: 'MySQL / MariaDB',
      main: './dist/index.js',
      capabilities: ['streaming', 'parameters', 'cancel', 'test-connection'],
      connector: { identityKinds: ['password', 'kerberos'] },
    });
  });

  it('describes every data source setting, fills defaults and rejects unknown ones', async () => {
    const schema = (await manifest).dataSourceSchema;
    for (const [name, property] of Object.entries(schema.properties as Record<string, { description?: string }>)) expect(property.description, name).toBeTruthy();
    expect((schema.properties as Record<string, { enum?: string[] }>).charset?.enum).toEqual([...mysqlCollations]);
    const validate = new Ajv2020({ allErrors: true, strict: false, useDefaults: true }).compile(schema);
    const settings: Record<string, unknown> = { host: 'db.local', database: 'sales', ssl: { mode: 'verify-full', ca: '/etc/ssl/ca.pem' } };
    expect(validate(settings)).toBe(true);
    expect(settings).toMatchObject({ port: 3306, charset: 'utf8mb4_unicode_ci', timeZone: '+00:00', applicationName: 'causeway', netWriteTimeoutSeconds: 600, tinyint1AsBoolean: true });
    expect(validate({ host: 'db.local' })).toBe(true);
    expect(validate({ database: 'x' })).toBe(false);
    expect(validate({ host: 'db.local', password: 'no' })).toBe(false);
    expect(validate({ host: 'db.local', ssl: { mode: 'prefer' } })).toBe(false);
    expect(validate({ host: 'db.local', charset: 'latin1_swedish_ci' })).toBe(false);
    expect(validate({ host: 'db.local', timeZone: 'Europe/Paris' })).toBe(false);
    expect(validate({ host: 'db.local', connectAttributes: { team: 7 } })).toBe(false);
  });
});
