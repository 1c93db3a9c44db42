// hdb ships no TypeScript types. This declares the part of its surface the connector uses; the
// connector narrows it further to its own driver boundary (hanaDriver.ts).
declare module 'hdb' {
  import type { EventEmitter } from 'node:events';

  /** lib/protocol/Statement.js */
  export interface Statement {
    readonly parameterMetadata: Array<{ dataType: number; ioType: number; fraction: number; length: number; name?: string }> | undefined;
    execute(values: unknown[], cb: (error: Error | null, ...results: unknown[]) => void): unknown;
    drop(cb: (error?: Error | null) => void): unknown;
  }

  /** lib/Client.js */
  export interface Client extends EventEmitter {
    readonly readyState: 'new' | 'opening' | 'connecting' | 'connected' | 'disconnecting' | 'disconnected' | 'closed';
    connect(options: Record<string, unknown>, cb: (error: Error | null) => void): unknown;
    exec(sql: string, cb: (error: Error | null, rows?: unknown) => void): unknown;
    execute(sql: string, cb: (error: Error | null, ...results: unknown[]) => void): unknown;
    prepare(sql: string, cb: (error: Error | null, statement?: Statement) => void): unknown;
    disconnect(cb: (error?: Error | null) => void): unknown;
    close(): void;
    destroy(error?: Error): void;
  }

  export function createClient(options: Record<string, unknown>): Client;
  /** The iconv-lite instance hdb uses for CESU-8. */
  export const iconv: { decode(bytes: Buffer, encoding: 'cesu8'): string };
}
