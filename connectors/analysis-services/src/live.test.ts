import { CausewayError, type ConnectionIdentity, type Logger, type QueryRequest, type ResultPart, type Row, type SchemaPart } from '@causeway/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createXmlaDataSource, type XmlaDataSource } from './createXmlaDataSource.js';
import type { XmlaSettings } from './xmlaSettings.js';

// Opt-in: a real Analysis Services (SSAS with msmdpump.dll, Azure AS or Power BI XMLA over Basic).
//   CAUSEWAY_TEST_XMLA_URL=https://user:pass@host/olap/msmdpump.dll?catalog=AdventureWorks
//   CAUSEWAY_TEST_XMLA_EFFECTIVE_USER=ada@contoso.com   (optional: also run as that effective user; the URL's user must be a server administrator)
//   CAUSEWAY_TEST_XMLA_CA=/path/to/ca.pem               (optional: CA file for https)
const liveUrl = process.env.CAUSEWAY_TEST_XMLA_URL;
if (!liveUrl) console.log('skipped: set CAUSEWAY_TEST_XMLA_URL (https://user:pass@host/olap/msmdpump.dll?catalog=Db) to run the live Analysis Services tests');

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };
const never = (): AbortSignal => new AbortController().signal;

function request(text: string, overrides: Partial<QueryRequest> = {}): QueryRequest {
  return { text, parameters: [], signal: never(), deadline: Date.now() + 120_000, batchRows: 1000, ...overrides };
}

async function collect(stream: AsyncIterable<ResultPart>): Promise<{ schema: SchemaPart; rows: Row[] }> {
  let schema: SchemaPart | undefined;
  const rows: Row[] = [];
  for await (const part of stream) {
    if (part.kind === 'schema') schema = part;
    else rows.push(...part.rows);
  }
  return { schema: schema!, rows };
}

describe.skipIf(!liveUrl)('Analysis Services live (CAUSEWAY_TEST_XMLA_URL)', () => {
  let source: XmlaDataSource;
  let identity: ConnectionIdentity;
  let password = '';

  beforeAll(async () => {
    const parsed = new URL(liveUrl!);
    password = decodeURIComponent(parsed.password);
    identity = { kind: 'password', username: decodeURIComponent(parsed.username), password };
    const settings: XmlaSettings = { url: `${parsed.origin}${parsed.pathname}` };
    const catalog = parsed.searchParams.get('catalog');
    if (catalog) settings.catalog = catalog;
    if (process.env.CAUSEWAY_TEST_XMLA_CA) settings.tls = { ca: process.env.CAUSEWAY_TEST_XMLA_CA };
    source = await createXmlaDataSource(settings, { dataSourceId: 'as-live', limits: { maxConnections: 4, idleTimeoutMs: 30_000, connectTimeoutMs: 15_000 }, logger });
  });
  afterAll(() => source?.close());

  it('tests the connection and reports the server version', async () => {
    const result = await source.testConnection(identity, { signal: never() });
    expect(result.ok).toBe(true);
    expect(result.serverVersion).toMatch(/\d/);
  });

  it('reads DAX scalars with their XSD types', async () => {
    const { schema, rows } = await collect(source.execute(request('EVALUATE ROW("i", 1, "d", 1.5, "s", "x<&>", "b", TRUE(), "t", DATE(2024, 1, 2), "c", CURRENCY(12.5), "n", BLANK())'), identity));
    expect(schema.columns.slice(0, 6).map((c) => c.type)).toEqual(['int64', 'float64', 'string', 'boolean', 'timestamp', 'decimal']);
    const [row] = rows;
    expect(row?.slice(0, 4)).toEqual([1n, 1.5, 'x<&>', true]);
    expect(String(row?.[4])).toMatch(/^2024-01-02T00:00:00/);
    expect(Number(row?.[5])).toBe(12.5);
    expect(row?.[6] ?? null).toBeNull();
  });

  it('binds a parameter', async () => {
    const { rows } = await collect(source.execute(request('EVALUATE ROW("p", @p1)', { parameters: ["it's </Value>"] }), identity));
    expect(rows).toEqual([["it's </Value>"]]);
  });

  it('streams a series in order', async () => {
    const { rows } = await collect(source.execute(request('EVALUATE GENERATESERIES(1, 20000)'), identity));
    expect(rows.map((r) => Number(r[0]))).toEqual(Array.from({ length: 20000 }, (_, i) => i + 1));
  });

  it("reports a DAX error as CW_QUERY_FAILED with the server's ErrorCode", async () => {
    await expect(collect(source.execute(request("EVALUATE 'CausewayNoSuchTable'"), identity))).rejects.toMatchObject({ code: 'CW_QUERY_FAILED', serverCode: expect.stringMatching(/^\d+$/) });
  });

  it('cancels mid-stream with CW_JOB_CANCELLED', async () => {
    const controller = new AbortController();
    const iterator = source.execute(request('EVALUATE GENERATESERIES(1, 5000000)', { signal: controller.signal, batchRows: 500 }), identity)[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.next();
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'cancelled by the live test'));
    await expect(iterator.next()).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it.skipIf(!process.env.CAUSEWAY_TEST_XMLA_EFFECTIVE_USER)('runs as an effective user', async () => {
    const effectiveUserName = process.env.CAUSEWAY_TEST_XMLA_EFFECTIVE_USER!;
    const acting: ConnectionIdentity = { kind: 'effective-user', service: identity as ConnectionIdentity & { kind: 'password' }, effectiveUserName };
    const { rows } = await collect(source.execute(request('EVALUATE ROW("u", USERPRINCIPALNAME())'), acting));
    if (effectiveUserName.includes('@')) expect(String(rows[0]?.[0]).toLowerCase()).toBe(effectiveUserName.toLowerCase());
    else expect(rows).toHaveLength(1);
  });

  it('keeps the password out of error messages', async () => {
    const error = await collect(source.execute(request('EVALUATE bad syntax ('), identity)).catch((caught: unknown) => caught as Error);
    expect(error).toBeInstanceOf(Error);
    if (password) expect((error as Error).message).not.toContain(password);
  });
});
