import type { FrameError } from '@causeway/protocol';
import { isCausewayError } from '@causeway/sdk';

/**
 * The error a client sees: the coded error's code and message, with any secret value scrubbed out as a
 * last line of defence; anything uncoded becomes CW_INTERNAL with no detail (the log has it).
 */
export function toFrameError(error: unknown, secrets: readonly string[]): FrameError {
  if (!isCausewayError(error)) return { code: 'CW_INTERNAL', message: 'internal error; see the gateway log' };
  let message = error.message;
  // Longest first: scrubbing a short secret inside a longer one first would leave the rest of the longer one.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret.length >= 4) message = message.split(secret).join('[redacted]');
  }
  const serverCode = (error.details as { serverCode?: unknown } | undefined)?.serverCode;
  return { code: error.code, message, ...(typeof serverCode === 'string' ? { details: { serverCode } } : {}) };
}

/** Fields of a secret that name someone rather than prove it; people need them in error messages. */
const notSecret = new Set(['username', 'user', 'domain', 'principal']);

/** The secret string values of a credential (for scrubbing); user names are left readable. */
export function secretStrings(secret: Readonly<Record<string, unknown>> | undefined): string[] {
  return secret ? Object.entries(secret).filter((e): e is [string, string] => typeof e[1] === 'string' && !notSecret.has(e[0].toLowerCase())).map((e) => e[1]) : [];
}

