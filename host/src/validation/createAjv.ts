import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule, { type FormatsPlugin } from 'ajv-formats';

// ajv-formats is CommonJS with `exports.default`; under NodeNext the default import is the module object.
const addFormats = ((formatsModule as unknown as { default?: FormatsPlugin }).default ?? formatsModule) as unknown as FormatsPlugin;

/** A new ajv instance (draft 2020-12, all errors, defaults applied, verbose so messages can name key patterns) — one per host, never shared globally. */
export function createAjv(): Ajv2020 {
  const ajv = new Ajv2020({ allErrors: true, strict: false, useDefaults: true, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  return ajv;
}
