import { encryptForGateway } from '@causeway/protocol';
import { isCausewayError } from '@causeway/sdk';
import { generateKeyPairSync } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { pgConfig, startTestGateway, waitFor, type TestGateway } from '../support/startTestGateway.js';

/** Posts a raw job body (as a careless or hostile client could) and reads its result; returns the error code or 'ok'. */
async function submitRaw(gw: TestGateway, body: unknown): Promise<{ code: string; message: string }> {
  const res = await fetch(`${gw.relay.url}/v1/gateways/${gw.gatewayId}/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${gw.clientToken}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  const { jobId } = (await res.json()) as { jobId: string };
  return outcome(() => gw.client.results(jobId).collect());
}

async function outcome(run: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await run();
    return { code: 'ok', message: '' };
  } catch (error) {
    if (!isCausewayError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else out.push(path);
  }
  return out;
}

describe('bad input: each gets its own error and the host keeps serving', () => {
  let gw: TestGateway;
  const jobPassword = 'job-SECRET-hunter2-password';

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    gw = await startTestGateway({
      configure: (config) => {
        config.plugins = { settings: { disk: { quotaBytes: 256 * 1024 } } };
      },
    });
  });
  afterAll(async () => gw?.stop());

  const good = () => ({ dataSource: 'pg', query: { text: 'select 1 as one' } });
  const stillServes = async () => {
    const stream = await gw.client.run(gw.gatewayId, { ...good(), credentials: { username: pgConfig.user, password: jobPassword } });
    expect((await stream.collect()).rows).toEqual([[1]]);
  };

  it('malformed job -> CW_JOB_INVALID naming the JSON pointer', async () => {
    const result = await submitRaw(gw, { dataSource: 'pg', query: { text: 'select 1', parameters: 'not-an-array' }, extra: true });
    expect(result.code).toBe('CW_JOB_INVALID');
    expect(result.message).toContain('/query/parameters');
    expect(result.message).toContain('/extra');
    await stillServes();
  });

  it('unknown data source -> CW_DATASOURCE_UNKNOWN', async () => {
    const result = await outcome(async () => (await gw.client.run(gw.gatewayId, { ...good(), dataSource: 'nope' })).collect());
    expect(result).toMatchObject({ code: 'CW_DATASOURCE_UNKNOWN', message: expect.stringContaining('"nope"') });
    await stillServes();
  });

  it('wrong credentials (a role the server refuses) -> CW_AUTH_DENIED, with no password in the message', async () => {
    const result = await outcome(async () => (await gw.client.run(gw.gatewayId, { ...good(), credentials: { username: 'cw_no_such_role', password: jobPassword } })).collect());
    expect(result.code).toBe('CW_AUTH_DENIED');
    expect(result.message).toContain('cw_no_such_role');
    expect(result.message).not.toContain(jobPassword);
    await stillServes();
  });

  it('tampered envelope -> CW_ENVELOPE_TAMPERED; envelope for another key -> CW_ENVELOPE_UNKNOWN_KEY', async () => {
    const envelope = encryptForGateway(gw.keys.publicKeyPem, { username: pgConfig.user, password: jobPassword });
    const ct = Buffer.from(envelope.ct, 'base64url');
    ct[0]! ^= 1;
    const tampered = await submitRaw(gw, { ...good(), credentials: { ...envelope, ct: ct.toString('base64url') } });
    expect(tampered.code).toBe('CW_ENVELOPE_TAMPERED');
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const foreign = await submitRaw(gw, { ...good(), credentials: encryptForGateway(other, { username: 'x', password: jobPassword }) });
    expect(foreign.code).toBe('CW_ENVELOPE_UNKNOWN_KEY');
    await stillServes();
  });

  it('SQL error -> CW_QUERY_FAILED with the SQLSTATE', async () => {
    const result = await outcome(async () => (await gw.client.run(gw.gatewayId, { dataSource: 'pg', query: { text: 'select * from cw_table_that_does_not_exist' } })).collect());
    expect(result).toMatchObject({ code: 'CW_QUERY_FAILED', message: expect.stringContaining('42P01') });
    await stillServes();
  });

  it('deadline exceeded -> CW_QUERY_TIMEOUT, and the server stops the statement', async () => {
    const marker = `cw_deadline_${Date.now()}`;
    const result = await outcome(async () => (await gw.client.run(gw.gatewayId, { dataSource: 'pg', query: { text: `select pg_sleep(30) /* ${marker} */` }, options: { timeoutMs: 300 } })).collect());
    expect(result.code).toBe('CW_QUERY_TIMEOUT');
    const direct = new pg.Client(pgConfig);
    await direct.connect();
    try {
      await waitFor(async () => (await direct.query(`select count(*)::int as n from pg_stat_activity where query like '%${marker}%' and state = 'active' and pid <> pg_backend_pid()`)).rows[0].n === 0, 5000, 'the statement to stop');
    } finally {
      await direct.end();
    }
    await stillServes();
  });

  it('cancelled job -> CW_JOB_CANCELLED at the client and in the host, and the server stops the statement', async () => {
    const marker = `cw_cancel_${Date.now()}`;
    const { jobId } = await gw.client.submit(gw.gatewayId, { dataSource: 'pg', query: { text: `select pg_sleep(30) /* ${marker} */` } });
    const results = gw.client.results(jobId);
    const direct = new pg.Client(pgConfig);
    await direct.connect();
    try {
      const running = async () => (await direct.query(`select count(*)::int as n from pg_stat_activity where query like '%${marker}%' and state = 'active' and pid <> pg_backend_pid()`)).rows[0].n;
      await waitFor(async () => (await running()) === 1, 5000, 'the statement to start');
      await gw.client.cancel(jobId);
      const result = await outcome(() => results.collect());
      expect(result.code).toBe('CW_JOB_CANCELLED');
      await waitFor(async () => (await running()) === 0, 5000, 'the statement to stop');
      await waitFor(() => gw.reports.some((r) => r.jobId === jobId), 5000, 'the job report');
      expect(gw.reports.find((r) => r.jobId === jobId)!.outcome).toBe('CW_JOB_CANCELLED');
    } finally {
      await direct.end();
    }
    await stillServes();
  });

  it('a job cancelled while waiting for a slot never runs its query', async () => {
    const single = await startTestGateway({ configure: (c) => (c.limits = { concurrentJobs: 1 }) });
    const direct = new pg.Client(pgConfig);
    await direct.connect();
    try {
      const marker = `cw_queued_${Date.now()}`;
      const active = async (tag: string) =>
        (await direct.query(`select count(*)::int as n from pg_stat_activity where query like '%${tag}%' and pid <> pg_backend_pid()`)).rows[0].n as number;
      const holder = await single.client.submit(single.gatewayId, { dataSource: 'pg', query: { text: `select pg_sleep(30) /* ${marker}_a */` } });
      const holderResults = single.client.results(holder.jobId);
      await waitFor(async () => (await active(`${marker}_a`)) === 1, 5000, 'the first job to hold the slot');
      const queued = await single.client.submit(single.gatewayId, { dataSource: 'pg', query: { text: `select 1 /* ${marker}_b */` } });
      const queuedResults = single.client.results(queued.jobId);
      await waitFor(() => single.host.runningJobs() === 2, 5000, 'the second job to wait for the slot');
      await single.client.cancel(queued.jobId);
      expect((await outcome(() => queuedResults.collect())).code).toBe('CW_JOB_CANCELLED');
      await single.client.cancel(holder.jobId);
      expect((await outcome(() => holderResults.collect())).code).toBe('CW_JOB_CANCELLED');
      await waitFor(() => single.reports.length === 2, 5000, 'both job reports');
      expect(single.reports.find((r) => r.jobId === queued.jobId)).toMatchObject({ outcome: 'CW_JOB_CANCELLED', rows: 0 });
      expect(single.reports.find((r) => r.jobId === queued.jobId)!.timings.authMs).toBeUndefined();
    } finally {
      await direct.end();
      await single.stop();
    }
  });

  it('spool quota exceeded -> CW_SPOOL_FULL for that job only', async () => {
    const result = await outcome(async () => (await gw.client.run(gw.gatewayId, { dataSource: 'pg', query: { text: 'select g, repeat(md5(g::text), 20) from generate_series(1, 20000) g' }, options: { mode: 'spool' } })).collect());
    expect(result).toMatchObject({ code: 'CW_SPOOL_FULL', message: expect.stringContaining('quota') });
    await stillServes();
  });

  it('keeps secrets out of logs, error frames and spool files', async () => {
    // Its own gateway with the default quota; a stalled reader keeps the result in the spool while we look.
    const spoolGw = await startTestGateway();
    try {
      const marker = 'PLAINTEXT-ROW-MARKER';
      const stream = await spoolGw.client.run(spoolGw.gatewayId, {
        dataSource: 'pg',
        query: { text: `select $1::text || repeat('x', 500) || g as m from generate_series(1, 50000) g`, parameters: [marker] },
        credentials: { username: pgConfig.user, password: jobPassword },
        options: { batchRows: 100 },
      });
      const iterator = stream.rows()[Symbol.asyncIterator]();
      await iterator.next();
      await new Promise((r) => setTimeout(r, 500));
      const files = await filesUnder(spoolGw.dataDirectory);
      let spoolBytes = 0;
      for (const file of files) {
        const bytes = await readFile(file).catch(() => Buffer.alloc(0));
        spoolBytes += bytes.length;
        expect(bytes.includes(Buffer.from(marker)), file).toBe(false);
        expect(bytes.includes(Buffer.from(jobPassword)), file).toBe(false);
        expect(bytes.includes(Buffer.from(spoolGw.storedPassword)), file).toBe(false);
      }
      expect(spoolBytes).toBeGreaterThan(1_000_000);
      let rows = 1;
      while (!(await iterator.next()).done) rows++;
      expect(rows).toBeGreaterThan(1);

      const denied = await outcome(async () => (await spoolGw.client.run(spoolGw.gatewayId, { ...good(), credentials: { username: 'cw_no_such_role', password: jobPassword } })).collect());
      expect(denied.code).toBe('CW_AUTH_DENIED');
      expect(denied.message).not.toContain(jobPassword);
      const logs = [...spoolGw.logs, ...gw.logs].join('\n');
      expect(logs).toContain('job finished');
      expect(logs).not.toContain(jobPassword);
      expect(logs).not.toContain(spoolGw.storedPassword);
      expect(logs).not.toContain(gw.storedPassword);
    } finally {
      await spoolGw.stop();
    }
  });
});
