import { createHost } from '@causeway/host';
import { spawn, type ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { pgConfig, startTestGateway, testKeys } from '../support/startTestGateway.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), '../../host/bin/causeway.js');
const run = promisify(execFile);

describe('embedding the host', () => {
  it('runs two hosts in one process, each with its own plugins, and stopping one leaves the other serving', async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    const a = await startTestGateway();
    const b = await startTestGateway({ configure: (c) => (c.spooler = { plugin: 'memory', mode: 'spool' }) });
    try {
      const [ra, rb] = await Promise.all([
        (await a.client.run(a.gatewayId, { dataSource: 'pg', query: { text: 'select 1 as a' } })).collect(),
        (await b.client.run(b.gatewayId, { dataSource: 'pg', query: { text: 'select 2 as b' } })).collect(),
      ]);
      expect(ra.rows).toEqual([[1]]);
      expect(rb.rows).toEqual([[2]]);
      expect(a.host.plugins().find((p) => p.id === 'disk')?.state).toBe('active');
      expect(b.host.plugins().find((p) => p.id === 'disk')?.state).toBe('registered');
      expect(b.host.plugins().find((p) => p.id === 'memory')?.state).toBe('active');
      await a.stop();
      expect((await (await b.client.run(b.gatewayId, { dataSource: 'pg', query: { text: 'select 3' } })).collect()).rows).toEqual([[3]]);
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it('refuses an invalid config at start with every problem and its JSON pointer', async () => {
    const keys = await testKeys();
    const host = createHost({
      config: {
        gatewayId: 'gw',
        keyFile: 'k.json',
        relay: { settings: {} },
        dataSources: {
          a: { connector: 'postgres', settings: { host: 'h', database: 'd', port: 'x' }, auth: { provider: 'stored-credential' } },
          b: { connector: 'nope', auth: { provider: 'postgres' } },
        },
      } as never,
      baseDir: tmpdir(),
      keys,
    });
    const error = await host.start().then(
      () => undefined,
      (e: unknown) => e as { code: string; message: string },
    );
    expect(error?.code).toBe('CW_CONFIG_INVALID');
    for (const pointer of ['/relay/settings/url', '/dataSources/a/settings/port', '/dataSources/b/connector', '/dataSources/b/auth/provider']) {
      expect(error?.message).toContain(pointer);
    }
  });
});

describe('the CLI on embedded defaults', () => {
  let child: ChildProcess | undefined;
  let stateDir: string | undefined;
  afterAll(async () => {
    child?.kill('SIGTERM');
    await new Promise((r) => child?.once('exit', r) ?? r(undefined));
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('starts a gateway with a sample database and answers `causeway query` in table, JSON and CSV', async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'causeway-cli-'));
    child = spawn(process.execPath, [cli, 'start', '--embedded', '--state-dir', stateDir, '--relay-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}\n${err}`)), 50_000);
      child!.stdout!.on('data', () => {
        if (out.includes('Stop with Ctrl+C')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.once('exit', (code) => reject(new Error(`gateway exited with ${code}:\n${err}`)));
    });
    expect(out).toContain('data source "sample"');

    const query = (...args: string[]) => run(process.execPath, [cli, 'query', '--state-dir', stateDir!, '--datasource', 'sample', '--no-progress', ...args]);
    const json = JSON.parse((await query('--format', 'json', 'select count(*) as n, sum(quantity) as q from sales')).stdout) as Array<{ n: string }>;
    expect(json).toEqual([{ n: '5000', q: expect.any(String) }]);
    const csv = (await query('--format', 'csv', 'select id, region from sales where id <= $1 order by id', '--param', '2')).stdout;
    expect(csv).toBe('id,region\n1,south\n2,east\n');
    const table = (await query('select region from sales where id = 4')).stdout;
    expect(table).toContain('north');
    const failed = await query('select * from no_such_table').then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('CW_QUERY_FAILED');
    const plugins = JSON.parse((await run(process.execPath, [cli, 'plugins', 'list', '--json', '--config', join(stateDir, 'embedded', 'gateway.config.json')])).stdout) as Array<{ id: string; kind: string; enabled: boolean; version: string }>;
    expect(plugins.map((p) => p.id)).toEqual(
      expect.arrayContaining(['disk', 'memory', 'postgres', 'mysql', 'sqlserver', 'oracle', 'sap-hana', 'analysis-services', 'stored-credential', 'websocket']),
    );
    // Listing plugins loads no driver: every built-in is registered, none is active.
    expect(plugins.every((p) => (p as { state?: string }).state === 'registered')).toBe(true);
    expect(plugins.every((p) => p.enabled && typeof p.version === 'string' && typeof p.kind === 'string')).toBe(true);
  });
});
