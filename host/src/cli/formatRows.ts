import type { Column, Row, Value } from '@causeway/sdk';
import Table from 'cli-table3';

/** Output formats of `causeway query`. */
export type RowFormat = 'table' | 'json' | 'csv';

/** A value as text for tables and CSV: exact for bigint and decimals, hex for binary, JSON for documents. */
export function valueToText(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return '\\x' + Buffer.from(value).toString('hex');
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? '\\x' + Buffer.from(v).toString('hex') : v));
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A value for JSON output: bigint as a string (exact), binary as `\x` hex. */
function jsonValue(value: Value): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Uint8Array) return '\\x' + Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map((v: Value) => jsonValue(v));
  return value;
}

/** Writes batches in a format as they arrive (JSON is an array of objects, written incrementally). */
export function createRowWriter(format: RowFormat, write: (text: string) => void) {
  let columns: Column[] = [];
  let table: InstanceType<typeof Table> | undefined;
  let first = true;
  return {
    start(cols: Column[]) {
      columns = cols;
      if (format === 'csv') write(cols.map((c) => csvField(c.name)).join(',') + '\n');
      if (format === 'json') write('[');
      if (format === 'table') table = new Table({ head: cols.map((c) => c.name), style: { head: [], border: [] } });
    },
    rows(rows: readonly Row[]) {
      for (const row of rows) {
        if (format === 'csv') write(row.map((v) => csvField(valueToText(v))).join(',') + '\n');
        else if (format === 'json') {
          const obj: Record<string, unknown> = {};
          columns.forEach((c, i) => (obj[c.name] = jsonValue(row[i] ?? null)));
          write((first ? '\n  ' : ',\n  ') + JSON.stringify(obj));
          first = false;
        } else table!.push(row.map((v) => (v === null ? 'NULL' : valueToText(v))));
      }
    },
    end() {
      if (format === 'json') write(first ? ']\n' : '\n]\n');
      if (format === 'table' && table) write(table.toString() + '\n');
    },
  };
}
