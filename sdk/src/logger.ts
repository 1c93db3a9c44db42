/** Structured logger handed to plugins (a pino-compatible subset). Never log secrets. */
export interface Logger {
  trace(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  /** A logger whose lines carry the given bindings. */
  child(bindings: Record<string, unknown>): Logger;
}
