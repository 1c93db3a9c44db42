import type { Logger } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTdsServer, type TdsServer } from '../../../test/fixtures/tds/index.js';
import { createConnectionConfig } from './createConnectionConfig.js';
import { exactValuesOption } from './exactValues.js';
import { loadTedious } from './loadTedious.js';
import { LoginFailure } from './mapSqlServerError.js';
import { closeSession, openSession } from './openSession.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const { tedious } = loadTedious();

describe('openSession', () => {
  let server: TdsServer;
  let configFor: Awaited<ReturnType<typeof createConnectionConfig>>;
  beforeAll(async () => {
    server = await startTdsServer({ users: { ada: 'pw' }, databases: ['test'] });
    configFor = await createConnectionConfig({ server: '127.0.0.1', port: server.port, database: 'test', encrypt: false }, { maxConnections: 1, idleTimeoutMs: 1000, connectTimeoutMs: 5000 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('logs on and flags the connection for exact values', async () => {
    const session = await openSession(tedious, configFor({ kind: 'password', username: 'ada', password: 'pw' }), logger);
    expect((session.connection as unknown as { config: { options: Record<symbol, unknown> } }).config.options[exactValuesOption]).toBe(true);
    expect(session.broken).toBe(false);
    await closeSession(session);
    expect(session.broken).toBe(true);
  });

  it("keeps the server's error numbers of a refused login", async () => {
    const error = await openSession(tedious, configFor({ kind: 'password', username: 'ada', password: 'nope' }), logger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoginFailure);
    expect((error as LoginFailure).serverErrors).toEqual([{ number: 18456, state: 1, class: 14, message: "Login failed for user 'ada'." }]);
    expect((error as LoginFailure).cause).toMatchObject({ code: 'ELOGIN' });
  });

  it('marks a session broken when the server drops it', async () => {
    const session = await openSession(tedious, configFor({ kind: 'password', username: 'ada', password: 'pw' }), logger);
    server.dropConnections();
    await expect.poll(() => session.broken).toBe(true);
    await closeSession(session);
  });
});
