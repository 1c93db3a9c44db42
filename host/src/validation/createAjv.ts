import type { Ajv2020 } from 'ajv/dist/2020.js';
import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type { FormatsPlugin } from 'ajv-formats';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A new ajv instance (draft 2020-12, all errors, defaults applied, verbose so messages can name key patterns) — one per host, never shared globally.
 * `standalone`: also keep each validator's source, for generating the precompiled validators with the same options.
 */
export function createAjv(options: { standalone?: boolean } = {}): Ajv2020 {
  // Loaded on first call, not on import: a start that validates only with precompiled validators never loads ajv (~150 modules).
  const { Ajv2020: AjvClass } = require('ajv/dist/2020.js') as typeof Ajv2020Module;
  // ajv-formats is CommonJS with `exports.default`.
  const formatsModule = require('ajv-formats') as { default?: FormatsPlugin };
  const addFormats = (formatsModule.default ?? formatsModule) as FormatsPlugin;
  const ajv = new AjvClass({
    allErrors: true,
    strict: false,
    useDefaults: true,
    allowUnionTypes: true,
    verbose: true,
    ...(options.standalone ? { code: { source: true, esm: true } } : {}),
  });
  addFormats(ajv);
  return ajv;
}
