import { randomBytes } from 'node:crypto';
import { loadPluginFolder, type PluginFolder } from '@causeway/host';
import {
  CausewayError,
  identitySecrets,
  type Connector,
  type DataSourceHandle,
  type PoolLimits,
  type QueryRequest,
  type ResultPart,
  type Row,
  type SchemaPart,
  type Value,
} from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceSubject } from './conformanceSubject.js';
import { createTcpProxy, unusedPort, type TcpProxy } from './createTcpProxy.js';

/** Options of `describeConnectorConformance`. */
export interface ConformanceOptions {
  /** When set, the suite is registered as skipped and this reason is shown as its one line (e.g. "set CAUSEWAY_TEST_ORACLE_URL to run"). */
  skip?: string | false;
}

const defaultLimits: PoolLimits = { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 5_000 };
const never = new AbortController().signal;

/**
 * Registers the connector conformance suite with vitest. `setup` runs once before the suite (start a
 * server or fixture, create tables) and returns the subject; `subject.teardown` runs after it.
 * Every connector shipped with Causeway passes this suite; third-party connectors should too.
 */
export function describeConnectorConformance<S>(name: string, setup: () => Promise<ConformanceSubject<S>>, options: ConformanceOptions = {}): void {
  if (options.skip) {
    describe(`connector conformance: ${name}`, () => {
      it.skip(`skipped: ${options.skip}`, () => undefined);
    });
    return;
  }

  describe(`connector conformance: ${name}`, () => {
    let subject: ConformanceSubject<S>;
    let folder: PluginFolder;
    let connector: Connector<Record<string, unknown>>;
    const opened: DataSourceHandle[] = [];
    const proxies: TcpProxy[] = [];
    const errorsSeen: unknown[] = [];

    /** Opens a data source with `settings` checked and defaulted by the manifest's schema, as the host does. */
    async function open(settings: S, limits: Partial<PoolLimits> = {}): Promise<DataSourceHandle> {
      const checked = folder.checkDataSourceSettings(settings);
      expect(checked.problems, 'the subject settings must be valid').toEqual([]);
      const handle = await connector.openDataSource(checked.settings, {
        dataSourceId: `conformance-${randomBytes(3).toString('hex')}`,
        limits: { ...defaultLimits, ...limits },
      });
      opened.push(handle);
      return handle;
    }

    async function viaProxy(limits: Partial<PoolLimits> = {}): Promise<{ proxy: TcpProxy; handle: DataSourceHandle }> {
      const proxy = await createTcpProxy(subject.address);
      proxies.push(proxy);
      return { proxy, handle: await open(subject.withAddress(subject.settings, proxy.address), limits) };
    }

    async function failure(work: () => Promise<unknown>): Promise<CausewayError> {
      try {
        await work();
      } catch (error) {
        errorsSeen.push(error);
        return error as CausewayError;
      }
      throw new Error('expected the operation to fail, but it succeeded');
    }

    beforeAll(async () => {
      subject = await setup();
      folder = await loadPluginFolder(subject.pluginDirectory);
      connector = await folder.use('connector');
    }, 120_000);

    afterAll(async () => {
      await Promise.allSettled(opened.map((handle) => handle.close()));
      await Promise.allSettled(proxies.map((proxy) => proxy.close()));
      await folder?.dispose();
      await subject?.teardown?.();
    }, 60_000);

    describe('manifest and settings', () => {
      it('has a valid connector manifest that declares its identity kinds and column types', () => {
        expect(folder.manifest.kind).toBe('connector');
        expect(folder.manifest.connector?.identityKinds.length).toBeGreaterThan(0);
        expect(folder.manifest.connector?.identityKinds).toContain(subject.identity.kind);
        expect(folder.manifest.connector?.columnTypes, `${folder.manifestFile} must declare connector.columnTypes`).toBeDefined();
        expect(folder.manifest.dataSourceSchema, `${folder.manifestFile} must declare a dataSourceSchema`).toBeDefined();
      });

      it('accepts the subject settings and rejects each bad setting naming its JSON pointer', () => {
        expect(folder.checkDataSourceSettings(subject.settings).problems).toEqual([]);
        expect(subject.invalidSettings.length, 'give at least one invalid settings case').toBeGreaterThan(0);
        for (const bad of subject.invalidSettings) {
          const { problems } = folder.checkDataSourceSettings(bad.settings);
          expect(problems.length, `settings ${JSON.stringify(bad.settings)} must be rejected`).toBeGreaterThan(0);
          expect(problems.map((p) => p.pointer)).toContain(bad.pointer);
          for (const problem of problems) expect(problem.message.length).toBeGreaterThan(0);
        }
      });
    });

    describe('test connection', () => {
      it('succeeds and reports the server version', async () => {
        const handle = await open(subject.settings);
        const result = await handle.testConnection(subject.identity, { signal: never });
        expect(result.ok).toBe(true);
        expect(typeof result.serverVersion).toBe('string');
        expect(result.serverVersion?.length).toBeGreaterThan(0);
        expect(result.latencyMs).toBeGreaterThanOrEqual(0);
      });

      it('reports a host name that does not resolve as CW_HOST_NOT_FOUND, in bounded time', async () => {
        const handle = await open(subject.withAddress(subject.settings, { host: 'causeway-conformance.invalid', port: subject.address.port }));
        const started = Date.now();
        const error = await failure(() => handle.testConnection(subject.identity, { signal: never }));
        expect(error.code, error.message).toBe('CW_HOST_NOT_FOUND');
        expect(Date.now() - started).toBeLessThan(subject.failWithinMs ?? 10_000);
      });

      it('reports a port nothing listens on as CW_CONNECT_REFUSED, for tests and for queries, in bounded time', async () => {
        const port = await unusedPort();
        const handle = await open(subject.withAddress(subject.settings, { host: '127.0.0.1', port }));
        const started = Date.now();
        const error = await failure(() => handle.testConnection(subject.identity, { signal: never }));
        expect(error.code, error.message).toBe('CW_CONNECT_REFUSED');
        expect(error.message).toContain(String(port));
        const queryError = await failure(() => collect(handle.execute(request(subject.queries.nulls.sql), subject.identity)));
        expect(queryError.code, queryError.message).toBe('CW_CONNECT_REFUSED');
        expect(Date.now() - started).toBeLessThan(2 * (subject.failWithinMs ?? 10_000));
      });

      it('reports refused credentials as CW_AUTH_DENIED with the server code, in bounded time', async (context) => {
        if (!subject.wrongIdentity) {
          context.skip('the subject gives no wrongIdentity');
          return;
        }
        const handle = await open(subject.settings);
        const started = Date.now();
        const error = await failure(() => handle.testConnection(subject.wrongIdentity!, { signal: never }));
        expect(error.code, error.message).toBe('CW_AUTH_DENIED');
        expect(Date.now() - started).toBeLessThan(subject.failWithinMs ?? 10_000);
        // The right identity still works on the same data source: the refused pool spoiled nothing.
        expect((await handle.testConnection(subject.identity, { signal: never })).ok).toBe(true);
      });
    });

    describe('values', () => {
      it('has a type case for every column type the manifest claims', () => {
        const claimed = folder.manifest.connector?.columnTypes ?? [];
        const covered = new Set<string>(subject.queries.types.map((c) => c.type));
        expect(claimed.filter((type) => !covered.has(type)), 'claimed types without a TypeCase').toEqual([]);
        expect(
          subject.queries.types.filter((c) => !(claimed as readonly string[]).includes(c.type)).map((c) => c.type),
          'TypeCases for types the manifest does not claim',
        ).toEqual([]);
      });

      it('reads every claimed type back exactly, with the declared portable type', async () => {
        const handle = await open(subject.settings);
        for (const typeCase of subject.queries.types) {
          const { schema, rows } = await collect(handle.execute(request(typeCase.sql), subject.identity));
          const label = `${typeCase.type} (${typeCase.sql})`;
          expect(schema.columns, label).toHaveLength(1);
          expect(schema.columns[0]?.type, label).toBe(typeCase.type);
          if (typeCase.nativeType) expect(schema.columns[0]?.nativeType?.toLowerCase(), label).toBe(typeCase.nativeType.toLowerCase());
          expect(rows.map((row) => normalise(row[0] as Value)), label).toEqual(typeCase.expected.map(normalise));
        }
      });

      it('sends every claimed type as a parameter and gets the same value back', async () => {
        const handle = await open(subject.settings);
        for (const typeCase of subject.queries.types) {
          if (!typeCase.echoSql) continue;
          for (const value of typeCase.echoValues ?? typeCase.expected) {
            if (value === null) continue;
            const { rows } = await collect(handle.execute(request(typeCase.echoSql, [value]), subject.identity));
            expect(rows.map((row) => normalise(row[0] as Value)), `${typeCase.type} echo of ${describeValue(value)}`).toEqual([normalise(value)]);
          }
        }
      });

      it('returns NULL as null for every column', async () => {
        const handle = await open(subject.settings);
        const { schema, rows } = await collect(handle.execute(request(subject.queries.nulls.sql), subject.identity));
        expect(schema.columns).toHaveLength(subject.queries.nulls.columns);
        expect(rows).toEqual([Array.from({ length: subject.queries.nulls.columns }, () => null)]);
      });

      it('binds parameters', async () => {
        expect(subject.queries.parameters.length).toBeGreaterThan(0);
        const handle = await open(subject.settings);
        for (const parameterCase of subject.queries.parameters) {
          const { rows } = await collect(handle.execute(request(parameterCase.sql, parameterCase.parameters), subject.identity));
          expect(rows.map((row) => row.map(normalise)), parameterCase.name).toEqual(parameterCase.expected.map((row) => row.map(normalise)));
        }
      });
    });

    describe('streaming', () => {
      it('streams a large result in order and does not read ahead of a paused consumer', async () => {
        const total = subject.largeRows ?? 300_000;
        const { proxy, handle } = await viaProxy();
        const iterator = handle.execute(request(subject.queries.series(total, marker()), [], { batchRows: 1000 }), subject.identity)[Symbol.asyncIterator]();
        let next = 1;
        const take = async (): Promise<boolean> => {
          const step = await iterator.next();
          if (step.done) return false;
          if (step.value.kind === 'rows') {
            for (const row of step.value.rows) {
              expect(Number(row[0])).toBe(next);
              next += 1;
            }
          }
          return true;
        };
        expect((await iterator.next()).value).toMatchObject({ kind: 'schema' });
        for (let i = 0; i < 3; i++) await take();
        // The consumer stops pulling. Once socket buffers fill, the server's bytes must stop arriving.
        const settled = await settle(() => proxy.bytesFromServer, 500, 15_000);
        await sleep(1000);
        const paused = proxy.bytesFromServer;
        expect(paused - settled, 'bytes kept arriving from the server while the consumer was paused').toBeLessThan(64 * 1024);
        while (await take());
        expect(next - 1).toBe(total);
        const all = proxy.bytesFromServer;
        expect(paused, `read ${paused} of ${all} bytes while paused after 3 batches`).toBeLessThan(all / 2);
      });

      it('runs concurrent queries within the pool limit', async () => {
        const handle = await open(subject.settings, { maxConnections: 2 });
        const results = await Promise.all(
          Array.from({ length: 6 }, () => collect(handle.execute(request(subject.queries.series(50, marker())), subject.identity))),
        );
        for (const { rows } of results) expect(rows.map((row) => Number(row[0]))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      });
    });

    describe('stopping work on the server', () => {
      it('cancels a running statement: CW_JOB_CANCELLED, and the server stops running it', async () => {
        const handle = await open(subject.settings);
        const tag = marker();
        const controller = new AbortController();
        const running = failure(() => collect(handle.execute(request(subject.queries.sleep(60, tag), [], { signal: controller.signal }), subject.identity)));
        await until(async () => (await subject.runningStatements(tag)) > 0, 15_000, 'the sleep statement never showed as running');
        const started = Date.now();
        controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the conformance kit'));
        const error = await running;
        expect(error.code, error.message).toBe('CW_JOB_CANCELLED');
        expect(Date.now() - started).toBeLessThan(10_000);
        await until(async () => (await subject.runningStatements(tag)) === 0, 10_000, 'the statement still runs on the server after cancel');
      });

      it('cancels mid-stream: the consumer stops after the first batch and the server-side statement is freed', async () => {
        const handle = await open(subject.settings);
        const tag = marker();
        const controller = new AbortController();
        const parts = handle.execute(request(subject.queries.series(subject.largeRows ?? 300_000, tag), [], { signal: controller.signal, batchRows: 500 }), subject.identity);
        const iterator = parts[Symbol.asyncIterator]();
        expect((await iterator.next()).value).toMatchObject({ kind: 'schema' });
        expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
        controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the conformance kit'));
        const error = await failure(async () => {
          while (!(await iterator.next()).done);
        });
        expect(error.code, error.message).toBe('CW_JOB_CANCELLED');
        await until(async () => (await subject.runningStatements(tag)) === 0, 10_000, 'the statement is still open on the server after cancel');
        // The data source goes on working.
        expect((await collect(handle.execute(request(subject.queries.nulls.sql), subject.identity))).rows).toHaveLength(1);
      });

      it('stops a statement at its deadline: CW_QUERY_TIMEOUT, and the server stops running it', async () => {
        const handle = await open(subject.settings);
        const tag = marker();
        const started = Date.now();
        const error = await failure(() => collect(handle.execute(request(subject.queries.sleep(60, tag), [], { deadline: Date.now() + 1500 }), subject.identity)));
        expect(error.code, error.message).toBe('CW_QUERY_TIMEOUT');
        expect(Date.now() - started).toBeLessThan(15_000);
        await until(async () => (await subject.runningStatements(tag)) === 0, 10_000, 'the statement still runs on the server after its deadline');
      });
    });

    describe('errors', () => {
      it("maps a statement the server rejects to CW_QUERY_FAILED with the server's code, and the data source goes on", async () => {
        const handle = await open(subject.settings);
        const error = await failure(() => collect(handle.execute(request(subject.queries.error.sql), subject.identity)));
        expect(error.code, error.message).toBe('CW_QUERY_FAILED');
        const serverCode = (error as CausewayError & { serverCode?: string }).serverCode;
        expect(serverCode, 'ConnectorError.serverCode').toMatch(
          typeof subject.queries.error.serverCode === 'string' ? new RegExp(`^${escapeRegExp(subject.queries.error.serverCode)}$`) : subject.queries.error.serverCode,
        );
        expect(error.message.length).toBeGreaterThan(0);
        expect((await collect(handle.execute(request(subject.queries.nulls.sql), subject.identity))).rows).toHaveLength(1);
      });

      it('reports a connection that fails mid-stream as a coded error promptly, and recovers', async () => {
        const { proxy, handle } = await viaProxy();
        const iterator = handle.execute(request(subject.queries.series(subject.largeRows ?? 300_000, marker()), [], { batchRows: 500 }), subject.identity)[Symbol.asyncIterator]();
        expect((await iterator.next()).value).toMatchObject({ kind: 'schema' });
        expect((await iterator.next()).value).toMatchObject({ kind: 'rows' });
        proxy.cut();
        const started = Date.now();
        const error = await failure(async () => {
          while (!(await iterator.next()).done);
        });
        expect(['CW_CONNECTION_LOST', 'CW_CONNECT_FAILED'], error.message).toContain(error.code);
        expect(Date.now() - started).toBeLessThan(15_000);
        const { rows } = await collect(handle.execute(request(subject.queries.series(10, marker())), subject.identity));
        expect(rows.map((row) => Number(row[0]))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      });

      it('never puts a secret of the identity in an error message', () => {
        const secrets = identitySecrets(subject.identity).concat(subject.wrongIdentity ? identitySecrets(subject.wrongIdentity) : []);
        expect(errorsSeen.length).toBeGreaterThan(0);
        for (const error of errorsSeen) {
          const text = `${(error as Error).message} ${JSON.stringify((error as CausewayError).details ?? {})}`;
          for (const secret of secrets) expect(text).not.toContain(secret);
        }
      });
    });
  });
}

function request(text: string, parameters: Value[] = [], overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters, signal: never, deadline: undefined, batchRows: 1000, ...overrides };
}

/** Reads a whole result. */
export async function collect(parts: AsyncIterable<ResultPart>): Promise<{ schema: SchemaPart; rows: Row[] }> {
  let schema: SchemaPart | undefined;
  const rows: Row[] = [];
  for await (const part of parts) {
    if (part.kind === 'schema') {
      expect(schema, 'a result has exactly one schema part, first').toBeUndefined();
      schema = part;
    } else {
      expect(schema, 'rows before the schema part').toBeDefined();
      for (const row of part.rows) {
        expect(row).toHaveLength(schema!.columns.length);
        rows.push(row);
      }
    }
  }
  expect(schema, 'a result starts with a schema part').toBeDefined();
  return { schema: schema!, rows };
}

// Buffers and other Uint8Array subclasses compare as plain bytes.
function normalise(value: Value): unknown {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (Array.isArray(value)) return value.map((v) => normalise(v as Value));
  return value;
}

function describeValue(value: Value): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Uint8Array) return `bytes(${value.length})`;
  return JSON.stringify(value);
}

function marker(): string {
  return `cwk_${randomBytes(6).toString('hex')}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function until(check: () => Promise<boolean>, withinMs: number, message: string): Promise<void> {
  const end = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(message);
    await sleep(50);
  }
}

/** Waits until `read()` stays the same for `quietMs`, and returns it. */
async function settle(read: () => number, quietMs: number, withinMs: number): Promise<number> {
  const end = Date.now() + withinMs;
  let last = read();
  let since = Date.now();
  while (Date.now() < end) {
    await sleep(50);
    const now = read();
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return now;
  }
  throw new Error(`bytes from the server kept growing for ${withinMs} ms while the consumer was paused (unbounded read-ahead)`);
}
