import { isCausewayError } from '@causeway/sdk';
import { readFile } from 'node:fs/promises';

/** Reads all of standard input as text. */
export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads and parses a JSON file, naming it on failure. */
export async function readJsonFile(path: string): Promise<unknown> {
  const text = await readFile(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The message a person sees for an error: the code first, then what is wrong and where. */
export function describeError(error: unknown): string {
  if (isCausewayError(error)) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
