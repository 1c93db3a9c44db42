import type { Logger } from '@causeway/sdk';

/** A logger that keeps every line (object and message) as JSON text, for tests that look for secrets. */
export function createTestLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const make = (bindings: Record<string, unknown>): Logger & { lines: string[] } => {
    const write = (obj: object | string, msg?: string): void => {
      lines.push(JSON.stringify({ bindings, obj: obj instanceof Error ? { message: obj.message } : obj, msg }, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)));
    };
    return {
      lines,
      trace: write,
      debug: write,
      info: write,
      warn: write,
      error: write,
      child: (more) => make({ ...bindings, ...more }),
    };
  };
  return make({});
}
