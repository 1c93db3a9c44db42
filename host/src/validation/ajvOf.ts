import type { Ajv2020 } from 'ajv/dist/2020.js';

/** An ajv instance, or a function making one on first need (the host's: most starts never need one). */
export type AjvSource = Ajv2020 | (() => Ajv2020);

/** The ajv instance of an AjvSource. */
export function ajvOf(source: AjvSource): Ajv2020 {
  return typeof source === 'function' ? source() : source;
}
