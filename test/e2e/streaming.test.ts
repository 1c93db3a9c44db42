import pg from 'pg';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireService } from '../support/requireService.js';
import { pgConfig, startTestGateway, type TestGateway } from '../support/startTestGateway.js';

const seqName = `cw_stream_seq_${process.pid}_${Date.now()}`;
const ROWS = 200_000;

// Retained memory is what counts, not garbage V8 has not collected yet: measure after a full GC.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('a large result through the gateway', () => {
  let gw: TestGateway;
  let direct: pg.Client;

  beforeAll(async () => {
    await requireService('PostgreSQL', pgConfig.host, pgConfig.port);
    direct = new pg.Client(pgConfig);
    await direct.connect();
    await direct.query(`create sequence ${seqName}`);
    gw = await startTestGateway();
  });

  afterAll(async () => {
    await gw?.stop();
    await direct?.query(`drop sequence if exists ${seqName}`);
    await direct?.end();
  });

  it('streams 200,000 rows whole and in order across a cut relay connection, without running the query twice, in bounded memory', async () => {
    // nextval() counts how many rows the server produced: a second run of the query would push it past ROWS.
    const text = `select g::int8 as id, nextval('${seqName}') as produced, repeat(md5(g::text), 10) as payload, now() as at from generate_series(1, ${ROWS}) as g`;
    const starts: string[] = [];
    gw.host.on('job:start', ({ jobId }) => starts.push(jobId));
    const memory = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = memory();
    let peak = baseline;

    const stream = await gw.client.run(gw.gatewayId, { dataSource: 'pg', query: { text }, options: { batchRows: 1000 } });
    let expected = 1n;
    let rows = 0;
    let cut = false;
    let batches = 0;
    for await (const batch of stream.rows()) {
      for (const row of batch) {
        expect(row[0]).toBe(expected);
        expected++;
      }
      rows += batch.length;
      batches++;
      if (batches % 10 === 0) peak = Math.max(peak, memory());
      if (!cut && rows >= 60_000) {
        cut = true;
        gw.relay.dropGatewayConnections(gw.gatewayId);
      }
      // A slow reader: the producer runs ahead into the spool (on disk), not into memory.
      if (batches % 10 === 0) await new Promise((r) => setTimeout(r, 5));
    }
    const summary = stream.summary()!;
    expect(cut).toBe(true);
    expect(rows).toBe(ROWS);
    expect(summary.rows).toBe(ROWS);
    expect(starts).toEqual([stream.jobId]);
    const produced = await direct.query(`select last_value from ${seqName}`);
    expect(Number(produced.rows[0].last_value)).toBe(ROWS);
    // The relay reconnected and resumed; frames the host re-sent from its spool were dropped as duplicates, never delivered twice.
    expect(gw.logs.some((l) => l.includes('"state":"reconnecting"'))).toBe(true);
    // Bounded memory: the host must not hold the result (about 70 MB of frames) in memory.
    expect(summary.bytes).toBeGreaterThan(60_000_000);
    expect(peak - baseline).toBeLessThan(summary.bytes / 2);
  });

  it('spools the whole result first when asked, then delivers it', async () => {
    const stream = await gw.client.run(gw.gatewayId, { dataSource: 'pg', query: { text: 'select g from generate_series(1, 20000) g' }, options: { mode: 'spool' } });
    const { rows, summary } = await stream.collect();
    expect(rows).toHaveLength(20_000);
    expect(rows[19_999]).toEqual([20_000]);
    expect(summary.rows).toBe(20_000);
  });
});
