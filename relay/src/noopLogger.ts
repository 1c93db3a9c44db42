import type { Logger } from '@causeway/sdk';

/** A logger that drops every line; the relay's default when none is injected. */
export function createNoopLogger(): Logger {
  const logger: Logger = {
    trace: () => undefined,
    debug: () => undefined,
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
    child: () => logger,
  };
  return logger;
}
