import { describe, expect, it } from 'vitest';
import { createAjv } from './createAjv.js';
import { describeAjvErrors, formatProblems } from './describeAjvErrors.js';

const schema = {
  type: 'object',
  required: ['name', 'a/b~c'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1 },
    'a/b~c': { type: 'integer' },
    colour: { enum: ['red', 'green'] },
    level: { anyOf: [{ const: 'low', type: 'string' }, { const: 'high', type: 'string' }] },
    fixed: { const: 7 },
    mode: { oneOf: [{ type: 'integer' }, { type: 'boolean' }] },
    nested: { type: 'object', properties: { port: { type: 'integer', maximum: 65535 } } },
  },
};

function problemsOf(value: unknown, base?: string) {
  const validate = createAjv().compile(schema);
  expect(validate(value)).toBe(false);
  return describeAjvErrors(validate.errors, base);
}

describe('describeAjvErrors', () => {
  it.each([
    { name: 'a missing property points at the property', value: { 'a/b~c': 1 }, pointer: '/name', message: 'is required' },
    { name: 'a missing property with / and ~ in its name is escaped', value: { name: 'n' }, pointer: '/a~1b~0c', message: 'is required' },
    { name: 'an extra property points at itself', value: { name: 'n', 'a/b~c': 1, 'x/y': 2 }, pointer: '/x~1y', message: 'is not an allowed property' },
    { name: 'an enum lists the allowed values', value: { name: 'n', 'a/b~c': 1, colour: 'blue' }, pointer: '/colour', message: 'must be one of "red", "green"' },
    { name: 'a union of literals reads as one line', value: { name: 'n', 'a/b~c': 1, level: 'mid' }, pointer: '/level', message: 'must be one of "low", "high"' },
    { name: 'a single constant names its value', value: { name: 'n', 'a/b~c': 1, fixed: 8 }, pointer: '/fixed', message: 'must be 7' },
    { name: 'a nested value keeps its path', value: { name: 'n', 'a/b~c': 1, nested: { port: 70000 } }, pointer: '/nested/port', message: 'must be <= 65535' },
    { name: 'a wrong type says which', value: { name: 5, 'a/b~c': 1 }, pointer: '/name', message: 'must be string' },
  ])('$name', ({ value, pointer, message }) => {
    expect(problemsOf(value)).toEqual([{ pointer, message }]);
  });

  it('drops the anyOf/oneOf/if wrappers and repeats nothing', () => {
    const problems = problemsOf({ name: 'n', 'a/b~c': 1, level: 3, mode: 'x' });
    expect(problems).toEqual([
      { pointer: '/level', message: 'must be string' },
      { pointer: '/level', message: 'must be one of "low", "high"' },
      { pointer: '/mode', message: 'must be integer' },
      { pointer: '/mode', message: 'must be boolean' },
    ]);
  });

  it('prefixes every pointer with the base and reports the root as "/"', () => {
    expect(problemsOf({ name: '', 'a/b~c': 1 }, '/dataSources/x/settings')).toEqual([
      { pointer: '/dataSources/x/settings/name', message: 'must NOT have fewer than 1 characters' },
    ]);
    const validate = createAjv().compile({ type: 'object' });
    expect(validate(3)).toBe(false);
    expect(describeAjvErrors(validate.errors)).toEqual([{ pointer: '/', message: 'must be object' }]);
  });

  it('gives nothing for no errors', () => {
    expect(describeAjvErrors(null)).toEqual([]);
    expect(describeAjvErrors(undefined)).toEqual([]);
  });
});

describe('formatProblems', () => {
  it('writes one line per problem, with the file when given', () => {
    const problems = [
      { pointer: '/a', message: 'is required' },
      { pointer: '/b/0', message: 'must be string' },
    ];
    expect(formatProblems(problems, '/etc/gw.json')).toBe('/etc/gw.json#/a is required\n/etc/gw.json#/b/0 must be string');
    expect(formatProblems(problems)).toBe('/a is required\n/b/0 must be string');
  });
});
