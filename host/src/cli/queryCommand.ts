import { createRelayClient } from '@causeway/relay';
import type { Value } from '@causeway/sdk';
import { join } from 'node:path';
import { readEmbeddedState } from '../embedded/startEmbedded.js';
import { createRowWriter, type RowFormat } from './formatRows.js';

/** Options of `causeway query`. */
export interface QueryOptions {
  datasource: string;
  format: RowFormat;
  param: string[];
  relayUrl?: string;
  token?: string;
  gateway?: string;
  stateDir: string;
  username?: string;
  timeout?: string;
  mode?: 'stream' | 'spool';
  encoding?: 'msgpack' | 'json';
  progress?: boolean;
}

function parseParam(text: string): Value {
  // Parameters are JSON when they parse as JSON (numbers, true, null, "text"), else plain text.
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(text)) return BigInt(text);
    return value as Value;
  } catch {
    return text;
  }
}

/** Sends a query through the relay and prints the rows; progress goes to stderr on a TTY. */
export async function queryCommand(sql: string, options: QueryOptions): Promise<void> {
  const embedded = options.relayUrl && options.token && options.gateway ? undefined : await readEmbeddedState(join(options.stateDir, 'embedded')).catch(() => undefined);
  const url = options.relayUrl ?? process.env.CAUSEWAY_RELAY_URL ?? embedded?.relayUrl;
  const token = options.token ?? process.env.CAUSEWAY_RELAY_TOKEN ?? embedded?.token;
  const gatewayId = options.gateway ?? embedded?.gatewayId;
  if (!url || !token || !gatewayId) {
    throw new Error('no relay to send the query to: start the embedded gateway (npm start) or give --relay-url, --token (or CAUSEWAY_RELAY_TOKEN) and --gateway');
  }
  let credentials: Record<string, unknown> | undefined;
  if (options.username) {
    const password = process.env.CAUSEWAY_PASSWORD;
    if (password === undefined) throw new Error('--username needs the password in the CAUSEWAY_PASSWORD environment variable (never on the command line)');
    credentials = { username: options.username, password };
  }
  const client = createRelayClient({ url, token });
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const stream = await client.run(
    gatewayId,
    {
      dataSource: options.datasource,
      query: { text: sql, parameters: options.param.map(parseParam) },
      ...(credentials ? { credentials } : {}),
      options: {
        ...(options.timeout ? { timeoutMs: Number(options.timeout) } : {}),
        ...(options.mode ? { mode: options.mode } : {}),
        ...(options.encoding ? { encoding: options.encoding } : {}),
      },
    },
    { signal: controller.signal },
  );
  const out = createRowWriter(options.format, (text) => process.stdout.write(text));
  const showProgress = options.progress !== false && process.stderr.isTTY;
  const started = Date.now();
  let rows = 0;
  let lastDraw = 0;
  try {
    out.start(await stream.columns());
    for await (const batch of stream.rows()) {
      out.rows(batch);
      rows += batch.length;
      if (showProgress && Date.now() - lastDraw > 250) {
        lastDraw = Date.now();
        const secs = (lastDraw - started) / 1000;
        process.stderr.write(`\r${rows.toLocaleString('en-US')} rows, ${secs.toFixed(1)} s, ${Math.round(rows / Math.max(secs, 0.001)).toLocaleString('en-US')} rows/s `);
      }
    }
  } finally {
    if (showProgress && lastDraw) process.stderr.write('\r\x1b[K');
  }
  out.end();
  const summary = stream.summary();
  if (process.stderr.isTTY) process.stderr.write(`(${(summary?.rows ?? rows).toLocaleString('en-US')} rows in ${Date.now() - started} ms)\n`);
}
