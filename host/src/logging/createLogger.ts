import type { Logger } from '@causeway/sdk';
import { pino, type DestinationStream, type LoggerOptions } from 'pino';

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
  return pino({ level: 'silent' }) as unknown as Logger;
}
