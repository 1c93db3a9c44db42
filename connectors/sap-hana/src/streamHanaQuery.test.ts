import { Readable } from 'node:stream';
import { CausewayError, ConnectorError, type QueryRequest, type ResultPart } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { HanaColumnMode, HanaTypeCode, type HanaClient, type HanaResultSet } from './hanaDriver.js';
import type { HanaSession } from './openHanaSession.js';
import { isHanaResultSet, streamHanaQuery, type StreamHanaQueryOptions } from './streamHanaQuery.js';
import { createTestLogger } from './testing/testLogger.js';

interface StubResultSet extends HanaResultSet {
  closeCalls: number;
}

function resultSet(rows: unknown[][], { closeAnswers = true } = {}): StubResultSet {
  const rs: StubResultSet = {
    metadata: [{ dataType: HanaTypeCode.INT, fraction: 0, length: 0, mode: HanaColumnMode.OPTIONAL, columnDisplayName: 'N' }],
    closed: false,
    closeCalls: 0,
    setFetchSize: () => rs,
    createArrayStream: ({ arrayMode }) => {
      const chunks: unknown[][][] = [];
      for (let i = 0; i < rows.length; i += arrayMode) chunks.push(rows.slice(i, i + arrayMode));
      return Readable.from(chunks, { objectMode: true, highWaterMark: 1 });
    },
    close: (cb) => {
      rs.closeCalls += 1;
      if (closeAnswers) setImmediate(() => cb(null));
    },
  };
  return rs;
}

function stubSession(results: unknown[]): { session: HanaSession; destroyed: unknown[]; released: boolean[]; lease: { session: HanaSession; release(discard: boolean): void } } {
  const destroyed: unknown[] = [];
  const released: boolean[] = [];
  const client = {
    readyState: 'connected',
    execute: (_sql: string, cb: (error: Error | null, ...r: unknown[]) => void) => setImmediate(() => cb(null, ...results)),
    destroy: (error?: Error) => destroyed.push(error),
  } as unknown as HanaClient;
  const session: HanaSession = { client, broken: false };
  return { session, destroyed, released, lease: { session, release: (discard) => released.push(discard) } };
}

const request = (overrides: Partial<QueryRequest> = {}): QueryRequest => ({ text: 'CALL P()', parameters: [], signal: new AbortController().signal, deadline: undefined, batchRows: 2, ...overrides });

function options(signal: AbortSignal, overrides: Partial<StreamHanaQueryOptions> = {}): StreamHanaQueryOptions {
  return {
    signal,
    abortError: () => new ConnectorError('CW_JOB_CANCELLED', 'cancelled'),
    mapError: (error) => (error instanceof CausewayError ? error : new ConnectorError('CW_QUERY_FAILED', String(error))),
    fetchSize: 10,
    maxLobBytes: 100,
    decodeText: (bytes) => bytes.toString(),
    settleTimeoutMs: 200,
    logger: createTestLogger(),
    ...overrides,
  };
}

async function all(parts: AsyncIterable<ResultPart>): Promise<ResultPart[]> {
  const out: ResultPart[] = [];
  for await (const part of parts) out.push(part);
  return out;
}

describe('streamHanaQuery', () => {
  it('reads the first result set of a procedure call (after its output parameters) and closes the others', async () => {
    const first = resultSet([[1], [2], [3]]);
    const second = resultSet([[9]]);
    const { lease, released } = stubSession([{ OUT: 1 }, first, second]);
    const signal = new AbortController().signal;
    const parts = await all(streamHanaQuery(lease, request(), options(signal)));
    expect(parts).toEqual([
      { kind: 'schema', columns: [{ name: 'N', type: 'int32', nativeType: 'INTEGER', nullable: true }] },
      { kind: 'rows', rows: [[1], [2]] },
      { kind: 'rows', rows: [[3]] },
    ]);
    expect(first.closeCalls).toBe(1);
    expect(second.closeCalls).toBe(1);
    expect(released).toEqual([false]);
  });

  it('discards the session when closing the cursor does not settle in time', async () => {
    const stuck = resultSet([[1], [2], [3], [4]], { closeAnswers: false });
    const { lease, released, destroyed } = stubSession([stuck]);
    const iterator = streamHanaQuery(lease, request(), options(new AbortController().signal))[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    await iterator.return(undefined);
    expect(destroyed).toHaveLength(1);
    expect(released).toEqual([true]);
  });

  it('destroys the session on abort even when the consumer holds a batch and never pulls again', async () => {
    const { lease, released, destroyed } = stubSession([resultSet([[1], [2], [3], [4]])]);
    const controller = new AbortController();
    const iterator = streamHanaQuery(lease, request({ signal: controller.signal }), options(controller.signal))[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    controller.abort();
    await new Promise((resolve) => setImmediate(resolve));
    expect(destroyed).toEqual([expect.objectContaining({ code: 'ECONNABORTED' })]);
    expect(released).toEqual([true]);
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
    expect(released).toEqual([true]);
  });

  it('recognises result sets among a statement’s results', () => {
    expect(isHanaResultSet(resultSet([]))).toBe(true);
    expect(isHanaResultSet({})).toBe(false);
    expect(isHanaResultSet(3)).toBe(false);
  });
});
