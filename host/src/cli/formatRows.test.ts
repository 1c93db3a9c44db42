import { describe, expect, it } from 'vitest';
import { createRowWriter, valueToText } from './formatRows.js';

const columns = [
  { name: 'id', type: 'int64' as const },
  { name: 'note', type: 'string' as const },
  { name: 'raw', type: 'binary' as const },
];
const rows = [
  [9007199254740993n, 'a, "quoted"', new Uint8Array([0xde, 0xad])],
  [1n, null, null],
];

function render(format: 'table' | 'json' | 'csv'): string {
  let out = '';
  const writer = createRowWriter(format, (t) => (out += t));
  writer.start(columns);
  writer.rows(rows);
  writer.end();
  return out;
}

describe('createRowWriter', () => {
  it('writes CSV with quoting, exact bigints and hex binary', () => {
    expect(render('csv')).toBe('id,note,raw\n9007199254740993,"a, ""quoted""",\\xdead\n1,,\n');
  });

  it('writes JSON objects with bigints as exact strings', () => {
    expect(JSON.parse(render('json'))).toEqual([
      { id: '9007199254740993', note: 'a, "quoted"', raw: '\\xdead' },
      { id: '1', note: null, raw: null },
    ]);
  });

  it('writes a table with NULL shown', () => {
    const table = render('table');
    expect(table).toContain('9007199254740993');
    expect(table).toContain('NULL');
  });

  it('renders documents as JSON text', () => {
    expect(valueToText({ a: 1n, b: [true] })).toBe('{"a":"1","b":[true]}');
  });
});
