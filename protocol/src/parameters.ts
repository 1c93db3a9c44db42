import type { JobParameter } from '@causeway/schemas';
import type { Value } from '@causeway/sdk';

/** Turns a query parameter into its JSON job form (`{$bigint}`, `{$base64}`, `{$json}` for what JSON cannot carry). */
export function toJobParameter(value: Value): JobParameter {
  if (value === null || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $base64: Buffer.from(value).toString('base64') };
  return { $json: value };
}

/** Turns a job parameter back into a value for the connector. */
export function fromJobParameter(parameter: JobParameter): Value {
  if (parameter === null || typeof parameter !== 'object') return parameter;
  if ('$bigint' in parameter) return BigInt(parameter.$bigint);
  if ('$base64' in parameter) return new Uint8Array(Buffer.from(parameter.$base64, 'base64'));
  return parameter.$json as Value;
}
