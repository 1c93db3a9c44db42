import { createHash } from 'node:crypto';

/** A schema's fingerprint (SHA-256 of its JSON): a precompiled validator is used only for the very schema it was generated from. */
export function schemaHash(schema: unknown): string {
  return createHash('sha256').update(JSON.stringify(schema)).digest('hex');
}
