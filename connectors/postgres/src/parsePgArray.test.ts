import { describe, expect, it } from 'vitest';
import { parsePgArray } from './parsePgArray.js';

const text = (s: string): string => s;

describe('parsePgArray', () => {
  it('parses flat arrays with NULL elements', () => {
    expect(parsePgArray('{1,NULL,3}', Number)).toEqual([1, null, 3]);
    expect(parsePgArray('{}', Number)).toEqual([]);
  });

  it('unescapes quoted elements and tells the string "NULL" from NULL', () => {
    expect(parsePgArray('{"a b","c\\"d","e\\\\f","NULL",NULL,""}', text)).toEqual(['a b', 'c"d', 'e\\f', 'NULL', null, '']);
    expect(parsePgArray('{"{x,y}",z}', text)).toEqual(['{x,y}', 'z']);
  });

  it('nests multi-dimensional arrays', () => {
    expect(parsePgArray('{{1,2},{3,NULL}}', Number)).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(parsePgArray('{{{1}},{{2}}}', Number)).toEqual([[[1]], [[2]]]);
  });

  it('skips the bounds prefix of arrays with non-default lower bounds', () => {
    expect(parsePgArray('[0:1]={7,8}', Number)).toEqual([7, 8]);
    expect(parsePgArray('[0:1][1:1]={{7},{8}}', Number)).toEqual([[7], [8]]);
  });

  it('applies the element parser to each element', () => {
    expect(parsePgArray('{"2024-01-02 03:04:05+00"}', (s) => s.replace(' ', 'T'))).toEqual(['2024-01-02T03:04:05+00']);
  });
});
