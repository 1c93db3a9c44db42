import { randomBytes } from 'node:crypto';

/** A fresh assertion ID: an xs:ID (starts with `_`) carrying 128 random bits, so IDs never repeat. */
export function newAssertionId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}
