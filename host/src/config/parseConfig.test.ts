import { isCausewayError, type CausewayError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './parseConfig.js';
import { defaultLimits } from './resolvedConfig.js';

const file = '/etc/causeway/gateway.config.json';
const baseDir = '/etc/causeway';

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    gatewayId: 'plant-7',
    keyFile: 'gateway.key',
    relay: { settings: { url: 'wss://relay.example.com' } },
    dataSources: { sales: { connector: 'postgres', settings: { host: 'db', database: 'sales' }, auth: { provider: 'stored-credential' } } },
    ...overrides,
  };
}

function refused(doc: unknown): CausewayError {
  try {
    parseConfig(doc, { baseDir, file });
  } catch (error) {
    if (isCausewayError(error)) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('parseConfig', () => {
  it.each([
    { name: 'gatewayId missing', doc: config({ gatewayId: undefined }), pointers: ['/gatewayId'], says: 'is required' },
    { name: 'gatewayId not an id', doc: config({ gatewayId: 'Plant 7' }), pointers: ['/gatewayId'], says: 'must match pattern' },
    { name: 'keyFile empty', doc: config({ keyFile: '' }), pointers: ['/keyFile'], says: 'must NOT have fewer than 1 characters' },
    { name: 'relay missing', doc: config({ relay: undefined }), pointers: ['/relay'], says: 'is required' },
    { name: 'relay not an object', doc: config({ relay: 'wss://relay.example.com' }), pointers: ['/relay'], says: 'must be object' },
    { name: 'dataSources missing', doc: config({ dataSources: undefined }), pointers: ['/dataSources'], says: 'is required' },
    {
      name: 'dataSources key not an id',
      doc: config({ dataSources: { Sales_DB: { connector: 'postgres', auth: { provider: 'stored-credential' } } } }),
      pointers: ['/dataSources/Sales_DB'],
      says: 'is not a valid key here (keys must match ^[a-z][a-z0-9]*(-[a-z0-9]+)*$)',
    },
    { name: 'data source without connector', doc: config({ dataSources: { sales: { auth: { provider: 'x' } } } }), pointers: ['/dataSources/sales/connector'], says: 'is required' },
    { name: 'data source without auth provider', doc: config({ dataSources: { sales: { connector: 'postgres', auth: {} } } }), pointers: ['/dataSources/sales/auth/provider'], says: 'is required' },
    {
      name: 'data source with an unknown property',
      doc: config({ dataSources: { sales: { connector: 'postgres', auth: { provider: 'x' }, timeout: 5 } } }),
      pointers: ['/dataSources/sales/timeout'],
      says: 'is not an allowed property',
    },
    {
      name: 'pool size out of range',
      doc: config({ dataSources: { sales: { connector: 'postgres', auth: { provider: 'x' }, pool: { maxConnections: 0 } } } }),
      pointers: ['/dataSources/sales/pool/maxConnections'],
      says: 'must be >= 1',
    },
    { name: 'unknown top-level property', doc: config({ colour: 'blue' }), pointers: ['/colour'], says: 'is not an allowed property' },
    { name: 'limits of the wrong type', doc: config({ limits: { concurrentJobs: 'many' } }), pointers: ['/limits/concurrentJobs'], says: 'must be integer' },
    { name: 'spooler mode unknown', doc: config({ spooler: { mode: 'later' } }), pointers: ['/spooler/mode'], says: 'must be one of "stream", "spool"' },
    { name: 'log level unknown', doc: config({ log: { level: 'loud' } }), pointers: ['/log/level'], says: 'must be one of "trace", "debug", "info", "warn", "error", "silent"' },
    { name: 'plugins.enabled not a list', doc: config({ plugins: { enabled: 'acme' } }), pointers: ['/plugins/enabled'], says: 'must be array' },
    { name: 'plugin settings not an object', doc: config({ plugins: { settings: { disk: 5 } } }), pointers: ['/plugins/settings/disk'], says: 'must be object' },
    {
      name: 'several problems at once',
      doc: config({ gatewayId: undefined, extra: true, limits: { batchRows: 0 } }),
      pointers: ['/gatewayId', '/extra', '/limits/batchRows'],
      says: 'is required',
    },
    { name: 'not an object at all', doc: ['gateway'], pointers: ['/'], says: 'must be object' },
  ])('CW_CONFIG_INVALID: $name', ({ doc, pointers, says }) => {
    const error = refused(doc);
    expect(error.code).toBe('CW_CONFIG_INVALID');
    const problems = error.details?.problems as Array<{ pointer: string }>;
    expect(problems.map((p) => p.pointer).sort()).toEqual([...pointers].sort());
    for (const pointer of pointers) expect(error.message).toContain(`${file}#${pointer} `);
    expect(error.message).toContain(says);
    expect(error.location).toEqual({ file, pointer: problems[0]?.pointer });
  });

  it('reports a bad data source key together with the schema problems', () => {
    const error = refused(config({ gatewayId: 7, dataSources: { 'My/DB': { connector: 'postgres', auth: { provider: 'x' } } } }));
    expect((error.details?.problems as Array<{ pointer: string }>).map((p) => p.pointer)).toEqual(['/gatewayId', '/dataSources/My~1DB']);
  });

  it('works without a file name: pointers alone', () => {
    try {
      parseConfig(config({ gatewayId: undefined }), { baseDir });
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { pointer: '/gatewayId' } });
      expect((error as Error).message).toBe('invalid gateway config:\n/gatewayId is required');
    }
  });

  it('applies defaults and resolves relative paths against baseDir', () => {
    const doc = config({ plugins: { searchPaths: ['plugins', '/opt/causeway/plugins'] } });
    const before = structuredClone(doc);
    const resolved = parseConfig(doc, { baseDir, file });
    expect(resolved).toEqual({
      file,
      baseDir,
      gatewayId: 'plant-7',
      keyFile: '/etc/causeway/gateway.key',
      recoveryKeyFile: undefined,
      dataDirectory: '/etc/causeway/.causeway',
      relay: { transport: 'websocket', settings: { url: 'wss://relay.example.com' } },
      spooler: { plugin: 'disk', mode: 'stream' },
      plugins: { searchPaths: ['/etc/causeway/plugins', '/opt/causeway/plugins'], enabled: [], disabled: [], settings: {} },
      dataSources: { sales: { connector: 'postgres', settings: { host: 'db', database: 'sales' }, auth: { provider: 'stored-credential' } } },
      limits: defaultLimits,
      log: { level: 'info' },
    });
    expect(doc).toEqual(before);
  });

  it('keeps what the config sets, absolute paths as they are', () => {
    const resolved = parseConfig(
      config({
        keyFile: '/secure/gw.key',
        recoveryKeyFile: '../secrets/recovery',
        dataDirectory: 'state',
        relay: { transport: 'websocket', settings: {} },
        spooler: { plugin: 'memory', mode: 'spool' },
        plugins: { enabled: ['acme'], disabled: ['disk'], settings: { memory: { quotaBytes: 1024 } } },
        limits: { concurrentJobs: 2, batchRows: 10 },
        log: { level: 'debug' },
      }),
      { baseDir, file },
    );
    expect(resolved).toMatchObject({
      keyFile: '/secure/gw.key',
      recoveryKeyFile: '/etc/secrets/recovery',
      dataDirectory: '/etc/causeway/state',
      spooler: { plugin: 'memory', mode: 'spool' },
      plugins: { searchPaths: [], enabled: ['acme'], disabled: ['disk'], settings: { memory: { quotaBytes: 1024 } } },
      limits: { ...defaultLimits, concurrentJobs: 2, batchRows: 10 },
      log: { level: 'debug' },
    });
  });
});
