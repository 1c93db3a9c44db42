import type { IncomingMessage } from 'node:http';
import { ConnectorError, type Logger, type QueryRequest, type ResultPart, type Row, type Value } from '@causeway/sdk';
import { untilAborted as waitUnlessAborted } from '@causeway/sdk/connectors';
import { buildXmlaRequest, type XmlaProperties, type XmlaRequest } from './buildXmlaRequest.js';
import { createRowsetParser, type RowsetColumn } from './createRowsetParser.js';
import { hasZone } from './parseXsdValue.js';
import { readXmlaResponse } from './readXmlaResponse.js';
import { toXmlaParameters } from './toXmlaParameters.js';
import { columnFor, xsdTypeMapping, type XsdTypeMapping } from './typeMap.js';
import { XmlaProtocolError, XmlaServerError } from './xmlaErrors.js';

/** What `streamStatement` needs besides the request. */
export interface StreamStatementOptions {
  /** POSTs a request as the job's identity; resolves with the response once its headers are in. */
  send(request: XmlaRequest, signal: AbortSignal): Promise<IncomingMessage>;
  /** Catalog, effective user, locale and timeout for every request of the statement. */
  properties: XmlaProperties;
  /** Aborted on cancel, deadline or close (the caller combines them). */
  signal: AbortSignal;
  /** The error to throw once `signal` has aborted. */
  abortError(): Error;
  /** Maps an error to a coded one; `connect` while opening the session, `query` afterwards. */
  mapError(error: unknown, phase: 'connect' | 'query'): Error;
  /** How long Cancel and EndSession may take before they are given up. */
  settleTimeoutMs: number;
  /** Gives the lease back (after the session has ended); `discard` when the statement's state was in doubt. */
  release(discard: boolean): void;
  /** Hands background work (ending the session) to the data source, which waits for it on close. */
  track(work: Promise<void>): void;
  logger: Logger;
}

type Cells = Array<string | null>;

/**
 * Runs one DAX or MDX statement in its own XMLA session and yields the schema, then rows in batches
 * of `request.batchRows`, parsed from the response as it streams. The response is read only while
 * the consumer pulls: between pulls the socket is not read, so TCP holds the server back (at most
 * one network chunk beyond the batch is parsed). On abort — even while the consumer is away — the
 * request is destroyed and a Cancel for the session is sent on another connection; on every exit the
 * session is ended in the background and the lease returned once it has.
 *
 * The schema comes from the response's inline XSD. An xsd:dateTime column is `timestamptz` when its
 * first value in the first batch carries a zone, else `timestamp`: the schema part waits for that
 * batch only when the result has such a column.
 */
export async function* streamStatement(request: QueryRequest, options: StreamStatementOptions): AsyncGenerator<ResultPart, void, undefined> {
  const { signal } = options;
  const batchRows = Math.max(1, Math.floor(request.batchRows) || 1);
  const io = new AbortController();
  let sessionId: string | undefined;
  let documentDone = false;
  let serverFailed = false;
  let finished: Promise<void> | undefined;

  let executeBody: XmlaRequest;
  try {
    executeBody = { method: 'execute', sessionId: '', statement: request.text, parameters: toXmlaParameters(request.parameters), properties: options.properties };
    buildXmlaRequest(executeBody);
  } catch (error) {
    // Nothing was sent: the lease is clean.
    options.release(false);
    throw options.mapError(error, 'query');
  }

  const bounded = (): AbortSignal => AbortSignal.timeout(options.settleTimeoutMs);

  const cancelOnServer = async (id: string): Promise<void> => {
    try {
      const response = await options.send({ method: 'cancel', sessionId: id, properties: options.properties }, bounded());
      await readXmlaResponse(response);
      options.logger.debug({ sessionId: id }, 'cancelled an XMLA session');
    } catch (error) {
      options.logger.warn({ err: { message: (error as Error).message }, sessionId: id }, 'cancelling an XMLA session failed');
    }
  };

  const endSession = async (id: string): Promise<void> => {
    try {
      const response = await options.send({ method: 'endSession', sessionId: id, properties: options.properties }, bounded());
      await readXmlaResponse(response);
    } catch (error) {
      options.logger.debug({ err: { message: (error as Error).message }, sessionId: id }, 'ending an XMLA session failed; the server will time it out');
    }
  };

  // Idempotent: runs once, from the abort listener or from the generator's finally. Resolves once a
  // Cancel (when needed) has been answered; ending the session and returning the lease go on in the
  // background, tracked by the data source from the moment finish() is called.
  const finish = (): Promise<void> => {
    if (finished) return finished;
    signal.removeEventListener('abort', onAbort);
    const clean = documentDone || serverFailed;
    if (!documentDone) io.abort();
    const id = sessionId;
    finished = id && !clean ? cancelOnServer(id) : Promise.resolve();
    options.track(
      finished
        .then(() => (id ? endSession(id) : undefined))
        .finally(() => options.release(!clean)),
    );
    return finished;
  };
  const onAbort = (): void => void finish();
  signal.addEventListener('abort', onAbort, { once: true });

  // Waits for the driver unless the signal aborts first (then with the connector's abort error).
  const untilAborted = <T>(pending: Promise<T>): Promise<T> => waitUnlessAborted(pending, signal, { reason: options.abortError });

  try {
    if (signal.aborted) throw options.abortError();
    try {
      const begun = await untilAborted(options.send({ method: 'beginSession', properties: options.properties }, io.signal).then(readXmlaResponse));
      sessionId = begun.parser.sessionId;
      if (!sessionId) throw new XmlaProtocolError('the server answered BeginSession without a Session header');
    } catch (error) {
      if (signal.aborted) throw options.abortError();
      throw options.mapError(error, 'connect');
    }

    let columns: readonly RowsetColumn[] | undefined;
    const pending: Cells[] = [];
    const parser = createRowsetParser({
      schema: (found) => (columns = found),
      row: (cells) => {
        if (!columns) throw new XmlaProtocolError('the rowset has no inline schema (the Execute asked for Content=SchemaData)');
        pending.push(cells);
      },
    });
    const response = await untilAborted(options.send({ ...executeBody, sessionId }, io.signal));
    const chunks = (response as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
    let ended = false;
    const readMore = async (): Promise<void> => {
      const step = await untilAborted(chunks.next());
      if (step.done) {
        ended = true;
        parser.end();
        documentDone = true;
      } else {
        parser.write(step.value);
      }
    };

    const hasDateTime = (): boolean => columns?.some((column) => column.type === 'xsd:dateTime') ?? false;
    while (!ended && (columns === undefined || (hasDateTime() && pending.length < batchRows))) await readMore();
    const mappings = (columns ?? []).map((column, index) => xsdTypeMapping(column.type, column.type === 'xsd:dateTime' && firstValueHasZone(pending, index)));
    yield { kind: 'schema', columns: (columns ?? []).map((column, index) => columnFor(column.name, mappings[index]!)) };
    if (signal.aborted) throw options.abortError();

    for (;;) {
      while (!ended && pending.length < batchRows) await readMore();
      if (pending.length === 0) break;
      const batch = pending.splice(0, batchRows);
      yield { kind: 'rows', rows: batch.map((cells) => convert(cells, mappings, columns!)) };
      if (signal.aborted) throw options.abortError();
    }
  } catch (error) {
    if (signal.aborted) throw options.abortError();
    if (error instanceof XmlaServerError) serverFailed = true;
    throw options.mapError(error, 'query');
  } finally {
    await finish();
  }
}

function firstValueHasZone(rows: readonly Cells[], index: number): boolean {
  for (const cells of rows) {
    const text = cells[index];
    if (text !== null && text !== undefined) return hasZone(text);
  }
  return false;
}

function convert(cells: Cells, mappings: readonly XsdTypeMapping[], columns: readonly RowsetColumn[]): Row {
  const row = new Array<Value>(mappings.length);
  for (let i = 0; i < mappings.length; i++) {
    const text = cells[i];
    if (text === null || text === undefined) {
      row[i] = null;
      continue;
    }
    try {
      row[i] = mappings[i]!.parse(text);
    } catch (error) {
      throw new ConnectorError('CW_QUERY_FAILED', `column "${columns[i]!.name}" (${mappings[i]!.nativeType}): ${(error as Error).message}`, { cause: error });
    }
  }
  return row;
}
