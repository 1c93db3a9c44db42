// The host's side of the relay-transport contract that clustering transports rely on: jobs a transport
// takes back (revoked) stop without an answer and may come again; capacity changes are announced;
// stop() closes the link before it aborts jobs, so a transport can hand them back first.
import { createHost, type Host, type JobReport } from '@causeway/host';
import { createFrameDecoder, encryptForGateway } from '@causeway/protocol';
import type { FrameSource, JobDelivery, RelayHandler, RelaySession } from '@causeway/sdk';
import { CausewayError } from '@causeway/sdk';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { pgConfig, testKeys, waitFor } from '../support/startTestGateway.js';

interface FakeTransportHooks {
  session?: RelaySession;
  handler?: RelayHandler;
  onClose?: () => void;
}
const hooks: FakeTransportHooks = {};
(globalThis as { __causewayFakeTransport?: FakeTransportHooks }).__causewayFakeTransport = hooks;

const FAKE_TRANSPORT = `export default Object.freeze({
  kind: 'relay-transport', apiVersion: 1, deps: {},
  create() {
    const hooks = globalThis.__causewayFakeTransport;
    return { async connect(session, handler) { hooks.session = session; hooks.handler = handler; return { async close() { hooks.onClose?.(); } }; } };
  },
});
`;

/** A delivery the test controls: it can be revoked, and records what the host answered. */
function delivery(jobId: string, text: string, options?: Record<string, unknown>) {
  const revoke = new AbortController();
  const frames: Uint8Array[] = [];
  let respondError: unknown;
  const d: JobDelivery = {
    jobId,
    body: { jobId, dataSource: 'pg', query: { text }, ...(options ? { options } : {}) },
    revoked: revoke.signal,
    async respond(source: FrameSource) {
      try {
        for await (const frame of source.read(0, revoke.signal)) {
          frames.push(frame.data);
          await source.acknowledge(frame.seq);
          const type = frame.data[1];
          if (type === 3 || type === 4) return;
        }
        if (revoke.signal.aborted) throw revoke.signal.reason;
      } catch (error) {
        respondError = error;
        throw error;
      }
    },
  };
  return { delivery: d, revoke: (reason: Error) => revoke.abort(reason), frames, respondError: () => respondError };
}

describe('the host with a clustering transport', () => {
  let dir: string;
  let host: Host;
  const reports: JobReport[] = [];
  const starts: string[] = [];

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    dir = await mkdtemp(join(tmpdir(), 'causeway-host-contract-'));
    await mkdir(join(dir, 'plugins', 'fake-transport'), { recursive: true });
    await writeFile(join(dir, 'plugins', 'fake-transport', 'index.js'), FAKE_TRANSPORT);
    await writeFile(join(dir, 'plugins', 'fake-transport', 'package.json'), JSON.stringify({ type: 'module' }));
    await writeFile(
      join(dir, 'plugins', 'fake-transport', 'plugin.json'),
      JSON.stringify({ id: 'fake-transport', kind: 'relay-transport', version: '1.0.0', sdk: '^1.0.0', main: './index.js', displayName: 'fake', publisher: 'tests' }),
    );
    const keys = await testKeys();
    host = createHost({
      config: {
        gatewayId: 'contract',
        keyFile: 'unused.json',
        dataDirectory: join(dir, 'data'),
        relay: { transport: 'fake-transport' },
        plugins: { searchPaths: [join(dir, 'plugins')], enabled: ['fake-transport'] },
        dataSources: {
          pg: {
            connector: 'postgres',
            settings: { host: pgConfig.host, port: pgConfig.port, database: pgConfig.database, ssl: { mode: 'disable' } },
            auth: { provider: 'stored-credential', secret: encryptForGateway(keys.publicKeyPem, { username: pgConfig.user, password: 'x' }) },
          },
        },
        limits: { concurrentJobs: 2 },
      },
      baseDir: dir,
      keys,
    });
    host.on('job:end', (r) => reports.push(r));
    host.on('job:start', ({ jobId }) => starts.push(jobId));
    await host.start();
  });

  afterAll(async () => {
    await host?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('lends the transport its capacity, the host version and a capacity-freed signal', async () => {
    const session = hooks.session!;
    expect(session.capacity).toBe(2);
    expect(session.freeCapacity()).toBe(2);
    expect(session.hostVersion).toMatch(/^\d+\.\d+\.\d+/);
    let freed = 0;
    const unsubscribe = session.onCapacityFreed(() => freed++);
    const job = delivery('capacity-job-1', 'select 1 as n');
    hooks.handler!.onJob(job.delivery);
    expect(session.freeCapacity()).toBe(1);
    await waitFor(() => reports.some((r) => r.jobId === 'capacity-job-1'), 10_000, 'the job');
    expect(freed).toBe(1);
    expect(session.freeCapacity()).toBe(2);
    unsubscribe();
  });

  it('stops a revoked job without answering, and runs the job again when it is delivered again', async () => {
    const first = delivery('revoked-job-1', 'select pg_sleep(20)');
    hooks.handler!.onJob(first.delivery);
    await waitFor(() => starts.includes('revoked-job-1'), 5000, 'the first run');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const taken = Date.now();
    first.revoke(new CausewayError('CW_RELAY_UNREACHABLE', 'the broker connection was lost'));
    // Delivered again before the first run wound down: not dropped as a duplicate.
    const second = delivery('revoked-job-1', 'select 42 as answer');
    hooks.handler!.onJob(second.delivery);
    await waitFor(() => reports.filter((r) => r.jobId === 'revoked-job-1').length === 2, 10_000, 'both runs');
    expect(Date.now() - taken).toBeLessThan(5000); // the first run stopped on the server, it did not sleep 20 s
    const [firstReport, secondReport] = reports.filter((r) => r.jobId === 'revoked-job-1');
    expect(firstReport!.outcome).not.toBe('ok');
    expect(first.respondError()).toMatchObject({ code: 'CW_RELAY_UNREACHABLE' });
    // Nothing of the first run reached its (revoked) delivery but what came before the revocation: no error frame.
    expect(first.frames.every((f) => f[1] !== 4)).toBe(true);
    expect(secondReport!.outcome).toBe('ok');
    const decoder = createFrameDecoder();
    const decoded = second.frames.map((f) => decoder.decode(f));
    expect(decoded.find((f) => f.type === 'batch')).toMatchObject({ rows: [[42]] });
  });

  it('cuts a connector batch of wide rows into frames near 128 KiB, every row delivered once and in order', async () => {
    // 3,000 rows of ~1 KB in one connector batch: ~3 MB that used to become a single frame.
    const job = delivery('wide-rows-1', "select g, repeat(md5(g::text), 32) as wide from generate_series(1, 3000) g", { batchRows: 3000 });
    hooks.handler!.onJob(job.delivery);
    await waitFor(() => reports.some((r) => r.jobId === 'wide-rows-1'), 20_000, 'the job');
    expect(reports.find((r) => r.jobId === 'wide-rows-1')?.outcome).toBe('ok');
    const decoder = createFrameDecoder();
    const decoded = job.frames.map((f) => decoder.decode(f));
    const rows = decoded.flatMap((f) => (f.type === 'batch' ? f.rows : []));
    const batches = job.frames.filter((_, i) => decoded[i]!.type === 'batch');
    expect(rows.map((r) => r[0])).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    expect(batches.length).toBeGreaterThan(15);
    // The first frame (256 rows, before any size is known) may pass the target; the others stay near it.
    for (const frame of batches.slice(1, -1)) expect(frame.byteLength).toBeGreaterThan(100 * 1024);
    for (const frame of batches.slice(1)) expect(frame.byteLength).toBeLessThanOrEqual(136 * 1024);
  });

  it('closes the link before it aborts running jobs when it stops', async () => {
    const running = delivery('stopping-job-1', 'select pg_sleep(20)');
    hooks.handler!.onJob(running.delivery);
    await waitFor(() => starts.includes('stopping-job-1'), 5000, 'the job');
    await new Promise((resolve) => setTimeout(resolve, 200));
    let runningAtClose = -1;
    hooks.onClose = () => {
      runningAtClose = host.runningJobs();
      running.revoke(new CausewayError('CW_SHUTTING_DOWN', 'handed back'));
    };
    await host.stop();
    // The transport closed while the job still ran, and once it was handed back it answered nothing.
    expect(runningAtClose).toBe(1);
    expect(running.frames.every((f) => f[1] !== 4)).toBe(true);
    expect(reports.find((r) => r.jobId === 'stopping-job-1')?.outcome).not.toBe('ok');
  });
});
