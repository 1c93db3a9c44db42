import { createServer, type AddressInfo } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { mapPgError, type PgErrorContext } from './mapPgError.js';

const context = (phase: PgErrorContext['phase'], overrides: Partial<PgErrorContext> = {}): PgErrorContext => ({
  phase,
  host: '127.0.0.1',
  port: 5432,
  database: 'test',
  user: 'postgres',
  connectTimeoutMs: 1000,
  ...overrides,
});

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('mapPgError', () => {
  it('maps a query error to CW_QUERY_FAILED with the SQLSTATE, message and position', async () => {
    const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await client.connect();
    try {
      const error = await caught(() => client.query('select * from cw_no_such_table_x9'));
      const mapped = mapPgError(error, context('query'));
      expect(mapped).toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: '42P01', details: { position: 15, serverCode: '42P01' } });
      expect(mapped.message).toContain('relation "cw_no_such_table_x9" does not exist');
      expect(mapped.message).toContain('42P01');
    } finally {
      await client.end();
    }
  });

  it('maps a missing database (3D000) at connect time to CW_CONNECT_FAILED naming the server', async () => {
    const client = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'cw_no_such_db_x9' });
    const error = await caught(() => client.connect());
    const mapped = mapPgError(error, context('connect', { database: 'cw_no_such_db_x9' }));
    expect(mapped).toMatchObject({ code: 'CW_CONNECT_FAILED', serverCode: '3D000' });
    expect(mapped.message).toContain('127.0.0.1:5432');
  });

  it('maps an unknown role (28000) to CW_AUTH_DENIED naming the user', async () => {
    const client = new pg.Client({ host: '127.0.0.1', user: 'cw_no_such_role_x9', password: 'hunter2-secret', database: 'test' });
    const error = await caught(() => client.connect());
    const mapped = mapPgError(error, context('connect', { user: 'cw_no_such_role_x9' }));
    expect(mapped).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '28000' });
    expect(mapped.message).toContain('authentication failed for user "cw_no_such_role_x9"');
    expect(mapped.message).not.toContain('hunter2');
  });

  it('maps a refused password (28P01) to CW_AUTH_DENIED', () => {
    const error = Object.assign(new pg.DatabaseError('password authentication failed for user "ada"', 0, 'error'), { code: '28P01', severity: 'FATAL' });
    const mapped = mapPgError(error, context('connect', { user: 'ada' }));
    expect(mapped).toMatchObject({ code: 'CW_AUTH_DENIED', serverCode: '28P01' });
    expect(mapped.message).toMatch(/authentication failed for user "ada" on PostgreSQL at 127\.0\.0\.1:5432/);
  });

  it('maps a refused TCP connection to CW_CONNECT_REFUSED naming host:port', async () => {
    const port = await unusedPort();
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'test' });
    const error = await caught(() => client.connect());
    const mapped = mapPgError(error, context('connect', { port }));
    expect(mapped.code).toBe('CW_CONNECT_REFUSED');
    expect(mapped.message).toContain(`127.0.0.1:${port}`);
    expect(mapped.message).toContain('connection was refused');
  });

  it('maps a connect timeout to CW_CONNECT_TIMEOUT and an unknown host to CW_HOST_NOT_FOUND', () => {
    expect(mapPgError(new Error('timeout expired'), context('connect'))).toMatchObject({
      code: 'CW_CONNECT_TIMEOUT',
      message: expect.stringContaining('timed out after 1000 ms'),
    });
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    expect(mapPgError(notFound, context('connect', { host: 'nowhere.invalid' }))).toMatchObject({
      code: 'CW_HOST_NOT_FOUND',
      message: expect.stringContaining('does not resolve'),
    });
  });

  it('maps a session lost mid-query (terminated by the server) to CW_CONNECTION_LOST', async () => {
    const victim = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    victim.on('error', () => undefined);
    await victim.connect();
    const admin = new pg.Client({ host: '127.0.0.1', user: 'postgres', database: 'test' });
    await admin.connect();
    try {
      const pid = (victim as unknown as { processID: number }).processID;
      const running = caught(() => victim.query('select pg_sleep(30)'));
      await admin.query('select pg_terminate_backend($1)', [pid]);
      const mapped = mapPgError(await running, context('query'));
      expect(mapped.code).toBe('CW_CONNECTION_LOST');
      expect(mapped.message).toContain('lost the connection to PostgreSQL at 127.0.0.1:5432');
    } finally {
      await admin.end();
      await victim.end().catch(() => undefined);
    }
  });

  it('passes coded errors through unchanged', () => {
    const coded = mapPgError(new Error('x'), context('query'));
    expect(mapPgError(coded, context('connect'))).toBe(coded);
  });
});
