import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { coreServices, type Logger } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXmlaFixture, type XmlaFixture } from '../../../test/fixtures/xmla/index.js';
import analysisServicesConnector from './index.js';
import { producedColumnTypes } from './typeMap.js';

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

describe('analysis-services connector definition', () => {
  let fixture: XmlaFixture;
  beforeAll(async () => {
    fixture = await startXmlaFixture();
  });
  afterAll(() => fixture.close());

  it('is a version 1 connector that needs only the logger', () => {
    expect(analysisServicesConnector.kind).toBe('connector');
    expect(analysisServicesConnector.apiVersion).toBe(1);
    expect(analysisServicesConnector.deps).toEqual({ logger: coreServices.logger });
  });

  it('opens a data source that runs queries, and closes it on dispose', async () => {
    const connector = await analysisServicesConnector.create({ logger });
    const handle = await connector.openDataSource({ url: fixture.url, catalog: 'AdventureWorks' }, { dataSourceId: 'as', limits });
    const identity = { kind: 'effective-user', service: { kind: 'password', username: 'svc', password: 'svc-secret' }, effectiveUserName: 'bob@contoso.com' } as const;
    const request = { text: 'EVALUATE ROW("who", USERNAME(), "n", @p1)', parameters: [41], signal: new AbortController().signal, deadline: undefined, batchRows: 10 };
    const parts = [];
    for await (const part of handle.execute(request, identity)) parts.push(part);
    expect(parts).toEqual([
      { kind: 'schema', columns: [{ name: '[who]', type: 'string', nativeType: 'xsd:string' }, { name: '[n]', type: 'int32', nativeType: 'xsd:int' }] },
      { kind: 'rows', rows: [['bob@contoso.com', 41]] },
    ]);
    await connector.dispose?.();
    const after = handle.execute(request, identity)[Symbol.asyncIterator]();
    await expect(after.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});

describe('analysis-services plugin.json', () => {
  const manifest = (async () => JSON.parse(await readFile(new URL('../plugin.json', import.meta.url), 'utf8')) as Record<string, unknown>)();

  it('matches the plugin manifest schema and claims the types the type map produces', async () => {
    const schema = JSON.parse(await readFile(new URL('../../../schemas/plugin-manifest.schema.json', import.meta.url), 'utf8')) as object;
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(await manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(await manifest).toMatchObject({
      id: 'analysis-services',
      kind: 'connector',
      displayName: 'Analysis Services (XMLA)',
      main: './dist/index.js',
      connector: { identityKinds: ['effective-user', 'password', 'kerberos'] },
    });
    expect((await manifest).capabilities).toContain('effective-user');
    expect([...((await manifest).connector as { columnTypes: string[] }).columnTypes].sort()).toEqual([...producedColumnTypes].sort());
  });

  it('describes data source settings with defaults and rejects bad ones', async () => {
    const validate = new Ajv2020({ allErrors: true, strict: false, useDefaults: true }).compile((await manifest).dataSourceSchema as object);
    const settings: Record<string, unknown> = { url: 'https://olap.example.com/olap/msmdpump.dll', catalog: 'AdventureWorks', tls: {} };
    expect(validate(settings)).toBe(true);
    expect(settings).toMatchObject({ authentication: 'basic', timeoutMs: 0, tls: { rejectUnauthorized: true } });
    expect(validate({ url: 'http://localhost:8080/olap/msmdpump.dll', authentication: 'negotiate', locale: 1033 })).toBe(true);
    for (const bad of [
      {},
      { url: 'olap.example.com/olap/msmdpump.dll' },
      { url: 'https://user:pw@olap.example.com/olap/msmdpump.dll' },
      { url: 'https://olap.example.com/olap/msmdpump.dll?catalog=x' },
      { url: 'https://olap.example.com/x', authentication: 'ntlm' },
      { url: 'https://olap.example.com/x', password: 'no' },
      { url: 'https://olap.example.com/x', locale: 0 },
    ]) {
      expect(validate(bad), JSON.stringify(bad)).toBe(false);
    }
    const plugin = new Ajv2020({ strict: false }).compile((await manifest).settingsSchema as object);
    expect(plugin({})).toBe(true);
  });
});
