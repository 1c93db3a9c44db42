import type { ErrorObject } from 'ajv';

/** One validation problem: where (JSON pointer) and what. */
export interface SchemaProblem {
  pointer: string;
  message: string;
}

function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Turns ajv errors into readable problems, each with the JSON pointer of the offending value. */
export function describeAjvErrors(errors: readonly ErrorObject[] | null | undefined, base = ''): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const seen = new Set<string>();
  // A union of literals fails once per branch; one "must be one of" line reads better than a line per branch.
  const constants = new Map<string, unknown[]>();
  for (const e of errors ?? []) {
    if (e.keyword !== 'const') continue;
    const pointer = base + e.instancePath;
    constants.set(pointer, [...(constants.get(pointer) ?? []), (e.params as { allowedValue: unknown }).allowedValue]);
  }
  for (const e of errors ?? []) {
    // if/then and anyOf wrappers repeat what their inner errors already say.
    if (e.keyword === 'if' || e.keyword === 'anyOf' || e.keyword === 'oneOf') continue;
    let pointer = base + e.instancePath;
    let message = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      pointer = `${pointer}/${escapePointerToken(extra)}`;
      const patterns = Object.keys((e.parentSchema as { patternProperties?: Record<string, unknown> } | undefined)?.patternProperties ?? {});
      message = patterns.length ? `is not a valid key here (keys must match ${patterns.join(' or ')})` : 'is not an allowed property';
    } else if (e.keyword === 'required') {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      pointer = `${pointer}/${escapePointerToken(missing)}`;
      message = 'is required';
    } else if (e.keyword === 'enum') {
      message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    } else if (e.keyword === 'const') {
      const allowed = constants.get(pointer) ?? [(e.params as { allowedValue: unknown }).allowedValue];
      message = allowed.length > 1 ? `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}` : `must be ${JSON.stringify(allowed[0])}`;
    }
    const key = `${pointer} ${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ pointer: pointer || '/', message });
  }
  return problems;
}

/** Formats problems as one line each: `<file>#<pointer> <message>`. */
export function formatProblems(problems: readonly SchemaProblem[], file?: string): string {
  return problems.map((p) => `${file ? `${file}#` : ''}${p.pointer} ${p.message}`).join('\n');
}
