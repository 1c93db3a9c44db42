import type { ValidateFunction } from 'ajv';
import { ajvOf, type AjvSource } from './ajvOf.js';
import { builtinPluginValidators } from './generated/builtinPluginValidators.js';
import type { PrecompiledValidator } from './precompiledValidator.js';
import { schemaHash } from './schemaHash.js';

/**
 * The validator of one plugin schema (`settingsSchema` or `dataSourceSchema`): the precompiled one
 * when a built-in plugin's schema is exactly the one it was generated from, else ajv compiles it
 * (external plugins, or a built-in whose generated validator is stale).
 */
export async function pluginSchemaValidator(ajv: AjvSource, pluginId: string, key: 'settingsSchema' | 'dataSourceSchema', schema: object): Promise<PrecompiledValidator | ValidateFunction> {
  const precompiled = builtinPluginValidators[`${pluginId}/${key}`];
  if (precompiled && precompiled.hash === schemaHash(schema)) return (await precompiled.load()).validate;
  return ajvOf(ajv).compile(schema);
}
