import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { createAjv } from './createAjv.js';
import { builtinPluginValidators } from './generated/builtinPluginValidators.js';
import { pluginSchemaValidator } from './pluginSchemaValidator.js';

const noAjv = (): never => {
  throw new Error('ajv was asked for');
};

async function manifestOf(pkg: string): Promise<{ id: string; settingsSchema: Record<string, unknown>; dataSourceSchema: Record<string, unknown> }> {
  return JSON.parse(await readFile(createRequire(import.meta.url).resolve(`${pkg}/plugin.json`), 'utf8')) as never;
}

describe('pluginSchemaValidator', () => {
  it('gives a built-in plugin its precompiled validator without making an ajv instance, defaults applied as ajv would', async () => {
    const { id, dataSourceSchema } = await manifestOf('@causeway/connector-postgres');
    const validate = await pluginSchemaValidator(noAjv, id, 'dataSourceSchema', dataSourceSchema);
    expect(validate).toBe((await builtinPluginValidators[`${id}/dataSourceSchema`]!.load()).validate);
    const compiled = createAjv().compile(dataSourceSchema);
    for (const doc of [{ host: 'db', database: 'sales' }, { host: 5, colour: 'blue' }, {}]) {
      const [a, b] = [structuredClone(doc), structuredClone(doc)];
      expect(validate(a)).toBe(compiled(b));
      expect(a).toEqual(b);
      expect(JSON.parse(JSON.stringify(validate.errors ?? null))).toEqual(JSON.parse(JSON.stringify(compiled.errors ?? null)));
    }
    expect(validate({ host: 5 })).toBe(false);
  });

  it('compiles with ajv when the schema is not the one the validator was generated from', async () => {
    const { id, settingsSchema } = await manifestOf('@causeway/spooler-disk');
    const changed = { ...settingsSchema, required: ['folderThatNoOneSets'] };
    await expect(pluginSchemaValidator(noAjv, id, 'settingsSchema', changed)).rejects.toThrow('ajv was asked for');
    const validate = await pluginSchemaValidator(createAjv(), id, 'settingsSchema', changed);
    expect(validate({})).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'required', params: { missingProperty: 'folderThatNoOneSets' } });
  });

  it('compiles with ajv for a plugin that is not built in', async () => {
    const validate = await pluginSchemaValidator(() => createAjv(), 'acme-db', 'dataSourceSchema', { type: 'object', required: ['dsn'] });
    expect(validate({ dsn: 'x' })).toBe(true);
    expect(validate({})).toBe(false);
  });
});
