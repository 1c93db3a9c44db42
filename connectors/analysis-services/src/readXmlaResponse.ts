import type { IncomingMessage } from 'node:http';
import { createRowsetParser, type RowsetParser } from './createRowsetParser.js';

/** A small XMLA response read whole: its parser (session id, columns) and its rows. */
export interface XmlaResponse {
  parser: RowsetParser;
  rows: Array<Array<string | null>>;
}

/**
 * Reads a whole XMLA response that is small by nature (BeginSession, EndSession, Cancel, a
 * Discover for a test connection) and parses it; rejects with the server's error, a protocol error
 * or the network error. Not for query results, which stream.
 */
export async function readXmlaResponse(response: IncomingMessage): Promise<XmlaResponse> {
  const rows: Array<Array<string | null>> = [];
  const parser = createRowsetParser({ row: (cells) => rows.push(cells) });
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) parser.write(chunk);
    parser.end();
  } finally {
    response.destroy();
  }
  return { parser, rows };
}
