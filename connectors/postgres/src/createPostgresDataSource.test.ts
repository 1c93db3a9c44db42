import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { CausewayError, type ConnectionIdentity, type Logger, type QueryRequest, type ResultPart, type Row } from '@causeway/sdk';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDataSource, type PostgresDataSource } from './createPostgresDataSource.js';
import type { PostgresSettings } from './postgresSettings.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const limits = { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 5000 };
const postgres: ConnectionIdentity = { kind: 'password', username: 'postgres', password: 'trust-ignores-this' };
const never = (): AbortSignal => new AbortController().signal;

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never(), deadline: undefined, batchRows: 1000, ...overrides };
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<{ columns: ResultPart[]; rows: Row[] }> {
  const columns: ResultPart[] = [];
  const rows: Row[] = [];
  for await (const part of stream) {
    if (part.kind === 'schema') columns.push(part);
    else rows.push(...part.rows);
  }
  return { columns, rows };
}

async function listen(onSocket: (socket: Socket) => void): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

async function open(settings: Partial<PostgresSettings> = {}, limitOverrides: Partial<typeof limits> = {}): Promise<PostgresDataSource> {
  return createPostgresDataSource({ host: '127.0.0.1', database: 'test', ...settings }, { dataSourceId: 'pg-test', limits: { ...limits, ...limitOverrides }, logger });
}

describe('createPostgresDataSource', () => {
  const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
  let source: PostgresDataSource;

  beforeAll(async () => {
    await admin.connect();
    source = await open();
  });
  afterAll(async () => {
    await source.close();
    await admin.end();
  });

  async function activeWithTag(tag: string): Promise<number> {
    const { rows } = await admin.query("select count(*)::int as n from pg_stat_activity where query like $1 and state = 'active' and pid <> pg_backend_pid()", [`%${tag}%`]);
    return rows[0].n as number;
  }

  it('does not connect until asked', async () => {
    const { server, port } = await listen(() => undefined);
    let connections = 0;
    server.on('connection', () => (connections += 1));
    const lazy = await open({ port });
    expect(connections).toBe(0);
    expect(lazy.poolStats().pools).toBe(0);
    await lazy.close();
    server.close();
  });

  it('tests a connection with the server version and round trip time', async () => {
    const result = await source.testConnection(postgres, { signal: never() });
    expect(result.ok).toBe(true);
    expect(result.serverVersion).toMatch(/^PostgreSQL \d+/);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('sets up each session: UTC, application name, statement timeout', async () => {
    const { rows } = await collect(
      source.execute(request("select current_setting('TimeZone'), current_setting('DateStyle'), current_setting('bytea_output'), application_name from pg_stat_activity where pid = pg_backend_pid()"), postgres),
    );
    expect(rows).toEqual([['UTC', 'ISO, MDY', 'hex', 'causeway']]);
    const strict = await open({ statementTimeoutMs: 50, applicationName: 'cw-strict' });
    try {
      await expect(collect(strict.execute(request('select pg_sleep(5)'), postgres))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '57014' });
      const named = await collect(strict.execute(request('select application_name from pg_stat_activity where pid = pg_backend_pid()'), postgres));
      expect(named.rows).toEqual([['cw-strict']]);
    } finally {
      await strict.close();
    }
  });

  it('binds parameters positionally: bigint, bytes, JSON, arrays, NULL', async () => {
    const bytes = new Uint8Array([0, 1, 254, 255]);
    const { columns, rows } = await collect(
      source.execute(
        request(
          'select $1::int8, $1::int8 = 9223372036854775807, $2::bytea, $3::text, $4::bool, $5::float8, $6::numeric, $7::jsonb, $8::int4[], $9::text, $10::int8[], $11::text[]',
          {
            parameters: [9223372036854775807n, bytes, "it's", true, 0.5, '12.345', { a: [1, 'b'], c: null }, [1, null, 3], null, [[1n, 2n], [3n, 4n]], ['a,b', 'c"d', null]],
          },
        ),
        postgres,
      ),
    );
    expect(columns).toHaveLength(1);
    expect(rows).toEqual([
      [9223372036854775807n, true, Buffer.from(bytes), "it's", true, 0.5, '12.345', { a: [1, 'b'], c: null }, [1, null, 3], null, [[1n, 2n], [3n, 4n]], ['a,b', 'c"d', null]],
    ]);
  });

  it('fetches the next batch while the consumer holds one (read-ahead 1 by default), never two ahead', async () => {
    let fetched = 0;
    const ahead = await createPostgresDataSource({ host: '127.0.0.1', database: 'test' }, { dataSourceId: 'pg-ahead', limits, logger, onFetch: (n) => (fetched += n) });
    try {
      const seen: number[] = [];
      let rows = 0;
      for await (const part of ahead.execute(request('select g from generate_series(1, 5000) g', { batchRows: 1000 }), postgres)) {
        if (part.kind !== 'rows') continue;
        rows += part.rows.length;
        // Holding this batch: wait for the read-ahead to arrive (all rows fetched ends the wait too),
        // then give a further fetch, which must not happen, time to show.
        for (const until = Date.now() + 5000; fetched - rows < 1000 && fetched < 5000 && Date.now() < until; ) await new Promise((resolve) => setTimeout(resolve, 5));
        await new Promise((resolve) => setTimeout(resolve, 30));
        seen.push(fetched - rows);
      }
      expect(rows).toBe(5000);
      // One batch (1,000 rows) beyond the one held, until the last batches have all been fetched.
      expect(seen).toEqual([1000, 1000, 1000, 1000, 0]);
    } finally {
      await ahead.close();
    }
  });

  it('rejects a parameter it cannot send without keeping the session', async () => {
    const bad = request('select $1::jsonb', { parameters: [{ n: 1n }] });
    await expect(collect(source.execute(bad, postgres))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('$1') });
    expect(source.poolStats().leased).toBe(0);
  });

  it('reports a SQL error with its SQLSTATE and position', async () => {
    await expect(collect(source.execute(request('select * from cw_missing_table_x9'), postgres))).rejects.toMatchObject({
      code: 'CW_QUERY_FAILED',
      serverCode: '42P01',
      details: { position: 15 },
      message: expect.stringContaining('cw_missing_table_x9'),
    });
  });

  it('stops a query at its deadline with CW_QUERY_TIMEOUT and ends it on the server', async () => {
    const tag = `cw_deadline_${randomBytes(4).toString('hex')}`;
    const stream = source.execute(request(`select /* ${tag} */ pg_sleep(30)`, { deadline: Date.now() + 300 }), postgres);
    await expect(collect(stream)).rejects.toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
    expect(await activeWithTag(tag)).toBe(0);
  });

  it('stops a query on cancel with CW_JOB_CANCELLED and ends it on the server', async () => {
    const tag = `cw_cancelled_${randomBytes(4).toString('hex')}`;
    const controller = new AbortController();
    const done = collect(source.execute(request(`select /* ${tag} */ pg_sleep(30)`, { signal: controller.signal, deadline: Date.now() + 60_000 }), postgres));
    for (let i = 0; i < 500 && (await activeWithTag(tag)) === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the client'));
    await expect(done).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(await activeWithTag(tag)).toBe(0);
  });

  it('refuses identities other than user and password', async () => {
    const token: ConnectionIdentity = { kind: 'access-token', token: 'opaque' };
    await expect(collect(source.execute(request('select 1'), token))).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
    await expect(source.testConnection(token, { signal: never() })).rejects.toMatchObject({ code: 'CW_AUTH_MODE_UNSUPPORTED' });
  });

  it('reports a missing database as CW_CONNECT_FAILED with 3D000', async () => {
    const wrong = await open({ database: 'cw_no_such_db_x9' });
    try {
      await expect(wrong.testConnection(postgres, { signal: never() })).rejects.toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: '3D000' });
      await expect(collect(wrong.execute(request('select 1'), postgres))).rejects.toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: '3D000' });
    } finally {
      await wrong.close();
    }
  });

  it('reports a refused connection on an unused port as CW_CONNECT_REFUSED naming host:port', async () => {
    const { server, port } = await listen(() => undefined);
    await new Promise((resolve) => server.close(resolve));
    const refused = await open({ port });
    try {
      await expect(collect(refused.execute(request('select 1'), postgres))).rejects.toMatchObject({
        code: 'CW_CONNECT_REFUSED',
        message: expect.stringContaining(`127.0.0.1:${port}`),
      });
      await expect(refused.testConnection(postgres, { signal: never() })).rejects.toMatchObject({ code: 'CW_CONNECT_REFUSED' });
      expect(refused.poolStats().leased).toBe(0);
    } finally {
      await refused.close();
    }
  });

  it('gives up on a server that never answers after connectTimeoutMs', async () => {
    const sockets: Socket[] = [];
    const { server, port } = await listen((socket) => sockets.push(socket));
    const silent = await open({ port }, { connectTimeoutMs: 200 });
    try {
      await expect(collect(silent.execute(request('select 1'), postgres))).rejects.toMatchObject({
        code: 'CW_CONNECT_TIMEOUT',
        message: expect.stringContaining('timed out'),
      });
    } finally {
      await silent.close();
      sockets.forEach((s) => s.destroy());
      server.close();
    }
  });

  it('maps a refused password (28P01) to CW_AUTH_DENIED without the password, and drops that pool', async () => {
    // trust auth accepts any password, so a minimal server speaks the protocol up to the refusal.
    let received = '';
    const { server, port } = await listen((socket) => {
      let stage = 0;
      let buffered = Buffer.alloc(0);
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (stage === 0 && buffered.length >= 4 && buffered.length >= buffered.readInt32BE(0)) {
          buffered = buffered.subarray(buffered.readInt32BE(0));
          stage = 1;
          socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3])); // AuthenticationCleartextPassword
        }
        if (stage === 1 && buffered.length >= 5 && buffered.length >= 1 + buffered.readInt32BE(1)) {
          received = buffered.subarray(5, buffered.readInt32BE(1)).toString('utf8');
          stage = 2;
          const fields = Buffer.from('SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed for user "ada"\0\0', 'utf8');
          const header = Buffer.alloc(5);
          header.write('E', 0);
          header.writeInt32BE(fields.length + 4, 1);
          socket.end(Buffer.concat([header, fields]));
        }
      });
    });
    const fake = await open({ port });
    const ada: ConnectionIdentity = { kind: 'password', username: 'ada', password: 'Tr0ub4dor&3-secret' };
    try {
      const error = await collect(fake.execute(request('select 1'), ada)).then(
        () => undefined,
        (e: unknown) => e as CausewayError,
      );
      expect(received.replace(/\0$/, '')).toBe('Tr0ub4dor&3-secret');
      expect(error).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '28P01', message: expect.stringContaining('authentication failed for user "ada"') });
      expect(error?.message).not.toContain('Tr0ub4dor');
      expect(JSON.stringify(error?.details)).not.toContain('Tr0ub4dor');
      expect(fake.poolStats()).toMatchObject({ pools: 0, leased: 0 });
    } finally {
      await fake.close();
      server.close();
    }
  });

  it('on close, stops open streams, returns their sessions and ends every pool', async () => {
    const closing = await open();
    const stream = closing.execute(request('select g from generate_series(1, 100000) g', { batchRows: 100 }), postgres)[Symbol.asyncIterator]();
    await stream.next();
    await stream.next();
    expect(closing.poolStats()).toMatchObject({ pools: 1, leased: 1 });
    await closing.close();
    expect(closing.poolStats()).toEqual({ pools: 0, total: 0, idle: 0, leased: 0 });
    await expect(stream.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    await expect(collect(closing.execute(request('select 1'), postgres))).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});
