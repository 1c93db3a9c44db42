import type { IncomingMessage } from 'node:http';
import type { ErrorCode } from '@causeway/sdk';

/** A request body read as JSON, or the HTTP answer to give when it cannot be. */
export type JsonBodyResult = { ok: true; value: unknown } | { ok: false; status: number; code: ErrorCode; message: string };

/** Reads a request body of at most `limitBytes` and parses it as JSON. */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBodyResult> {
  const tooLarge: JsonBodyResult = { ok: false, status: 413, code: 'CW_JOB_INVALID', message: `request body is larger than ${limitBytes} bytes` };
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limitBytes) return tooLarge;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limitBytes) return tooLarge;
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks, size).toString('utf8');
  if (text.trim() === '') return { ok: false, status: 400, code: 'CW_JOB_INVALID', message: 'request body is empty; expected a JSON job document' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    // The parser's own message quotes the body, which may hold an access token: keep it out.
    return { ok: false, status: 400, code: 'CW_JOB_INVALID', message: 'request body is not valid JSON' };
  }
}
