import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { coreServices, type Logger } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from '../../../test/fixtures/tds/index.js';
import sqlServerConnector from './index.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 2, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 };

interface Validator {
  (data: unknown): boolean;
  errors?: Array<{ instancePath: string; keyword: string; params: Record<string, unknown> }> | null;
}
// ajv 8 is a dependency of the host, which validates manifests; this package does not depend on it.
const { Ajv2020 } = createRequire(new URL('../../../host/package.json', import.meta.url))('ajv/dist/2020') as {
  Ajv2020: new (options: object) => { compile(schema: object): Validator };
};

describe('sqlserver connector definition', () => {
  let server: TdsServer;
  beforeAll(async () => {
    server = await startTdsServer({ users: { ada: 'pw' } });
  });
  afterAll(async () => {
    await server.close();
  });

  it('is a version 1 connector that needs only the logger', () => {
    expect(sqlServerConnector.kind).toBe('connector');
    expect(sqlServerConnector.apiVersion).toBe(1);
    expect(sqlServerConnector.deps).toEqual({ logger: coreServices.logger });
  });

  it('opens a data source that runs queries, and closes it on dispose', async () => {
    const connector = await sqlServerConnector.create({ logger });
    const handle = await connector.openDataSource({ server: '127.0.0.1', port: server.port, database: 'test', encrypt: false }, { dataSourceId: 'mssql', limits });
    const parts = [];
    const request = { text: 'SELECT CAST(@p1 AS int) AS n', parameters: [41], signal: new AbortController().signal, deadline: undefined, batchRows: 10 };
    for await (const part of handle.execute(request, { kind: 'password', username: 'ada', password: 'pw' })) parts.push(part);
    expect(parts).toEqual([
      { kind: 'schema', columns: [{ name: 'n', type: 'int32', nativeType: 'int', nullable: true }] },
      { kind: 'rows', rows: [[41]] },
    ]);
    await connector.dispose?.();
    const after = handle.execute(request, { kind: 'password', username: 'ada', password: 'pw' })[Symbol.asyncIterator]();
    await expect(after.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it('fails to open when the CA file cannot be read', async () => {
    const connector = await sqlServerConnector.create({ logger });
    await expect(connector.openDataSource({ server: 'db', database: 'test', encrypt: true, ca: '/nonexistent/cw-ca.pem' }, { dataSourceId: 'mssql', limits })).rejects.toMatchObject({
      code: 'CW_CONFIG_INVALID',
      location: { file: '/nonexistent/cw-ca.pem' },
    });
  });
});

describe('sqlserver plugin.json', () => {
  const manifest = (async () => JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as Record<string, unknown>)();

  it('matches the plugin manifest schema', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../schemas/plugin-manifest.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(await manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(await manifest).toMatchObject({ id: 'sqlserver', kind: 'connector', displayName: 'SQL Server', main: './dist/index.js', connector: { identityKinds: ['password', 'access-token'] } });
  });

  it('fills defaults and requires an explicit encrypt', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: false, useDefaults: true }).compile((await manifest).dataSourceSchema as object);
    const settings: Record<string, unknown> = { server: 'db.local', database: 'sales', encrypt: 'strict', ca: '/etc/ssl/ca.pem' };
    expect(validate(settings), JSON.stringify(validate.errors)).toBe(true);
    expect(settings).toMatchObject({ port: 1433, applicationName: 'causeway', trustServerCertificate: false });
    for (const encrypt of [true, false, 'strict']) expect(validate({ server: 'db', database: 'd', encrypt })).toBe(true);
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ server: 'db', database: 'd' }, '', 'required'],
      [{ server: 'db', database: 'd', encrypt: 'yes' }, '/encrypt', 'enum'],
      [{ server: 'db', database: 'd', encrypt: 'strict', trustServerCertificate: true }, '/trustServerCertificate', 'const'],
      [{ server: 'db', database: 'd', encrypt: false, port: 70000 }, '/port', 'maximum'],
      [{ server: 'db', database: 'd', encrypt: false, packetSize: 100 }, '/packetSize', 'minimum'],
      [{ server: 'db', database: 'd', encrypt: false, password: 'no' }, '', 'additionalProperties'],
    ];
    for (const [candidate, instancePath, keyword] of cases) {
      expect(validate(candidate), JSON.stringify(candidate)).toBe(false);
      expect(validate.errors, JSON.stringify(candidate)).toEqual(expect.arrayContaining([expect.objectContaining({ instancePath, keyword })]));
    }
    expect(validate({ server: 'db', database: 'd', encrypt: true, trustServerCertificate: true })).toBe(true);
    const plugin = new Ajv2020({ strict: false }).compile((await manifest).settingsSchema as object);
    expect(plugin({})).toBe(true);
  });
});
