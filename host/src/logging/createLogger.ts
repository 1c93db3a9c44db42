import type { Logger } from '@causeway/sdk';
import { createRequire } from 'node:module';
import type { DestinationStream, LoggerOptions, pino as Pino } from 'pino';

const require = createRequire(import.meta.url);

/** Paths pino censors in every log line, wherever a careless caller puts a secret. */
export const redactedPaths = [
  'password',
  '*.password',
  '*.*.password',
  'secret',
  '*.secret',
  'credentials',
  '*.credentials',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'identity.password',
  'recoveryKey',
  '*.recoveryKey',
  'privateKey',
  '*.privateKey',
  'dataKey',
  '*.dataKey',
];

/** Creates the host logger: structured JSON (pino) with secret redaction. The caller chooses the destination. */
export function createLogger(options: { level?: string; destination?: DestinationStream; name?: string } = {}): Logger {
  // Loaded on first call, not on import: an embedder passing its own logger (or none) never loads pino (~25 modules).
  const { pino } = require('pino') as { pino: typeof Pino };
  const opts: LoggerOptions = {
    level: options.level ?? 'info',
    name: options.name ?? 'causeway',
    redact: { paths: redactedPaths, censor: '[redacted]' },
    base: undefined,
  };
  return (options.destination ? pino(opts, options.destination) : pino(opts)) as unknown as Logger;
}

/** A logger that drops everything (for embedding without logs). */
export function createSilentLogger(): Logger {
  const drop = (): void => undefined;
  const silent: Logger = { trace: drop, debug: drop, info: drop, warn: drop, error: drop, child: () => silent };
  return silent;
}
