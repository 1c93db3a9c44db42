import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { createAjv } from './createAjv.js';
import { generateValidators, precompiledSchemas } from './generateValidators.js';
import { validateGatewayConfig } from './generated/validateGatewayConfig.js';
import { validatePluginManifest } from './generated/validatePluginManifest.js';
import { validateRelayJob } from './generated/validateRelayJob.js';

const precompiled = { validateGatewayConfig, validatePluginManifest, validateRelayJob };

describe('generateValidators', () => {
  it.each(generateValidators())('generated/$path is what the schema and createAjv() generate now (run writeValidators.js when this fails)', async ({ path, source }) => {
    expect(await readFile(new URL(`./generated/${path}`, import.meta.url), 'utf8')).toBe(source);
  });

  const docs: Record<keyof typeof precompiledSchemas, unknown[]> = {
    validateGatewayConfig: [
      { gatewayId: 'plant-7', keyFile: 'k', relay: { settings: {} }, dataSources: {} },
      { gatewayId: 'Plant 7', keyFile: '', relay: 'x', dataSources: { Bad_Key: {} }, limits: { concurrentJobs: 0 }, extra: 1 },
      ['not', 'an', 'object'],
    ],
    validatePluginManifest: [
      { id: 'sample', kind: 'spooler', version: '1.0.0', sdk: '^1.0.0', main: './index.js', displayName: 'S', publisher: 'T' },
      { id: 'Sample', kind: 'connector', version: '1', main: '', colour: 'blue' },
      { id: 'x', kind: 'connector', version: '1.0.0', sdk: '^1.0.0', main: 'i.js', displayName: 'X', publisher: 'T', connector: { identityKinds: ['magic'] } },
    ],
    validateRelayJob: [{}, { jobId: 7, sql: ['select 1'] }, 'select 1'],
  };

  it.each(Object.keys(precompiledSchemas) as Array<keyof typeof precompiledSchemas>)('%s accepts, refuses and fills defaults exactly as ajv compiling the schema at run time', (name) => {
    const compiled = createAjv().compile(precompiledSchemas[name]);
    const validate = precompiled[name];
    for (const doc of docs[name]) {
      const a = structuredClone(doc);
      const b = structuredClone(doc);
      expect(validate(a)).toBe(compiled(b));
      // JSON drops TypeBox's symbol keys, which verbose errors of the run-time compiled schema carry.
      expect(JSON.parse(JSON.stringify(validate.errors ?? null))).toEqual(JSON.parse(JSON.stringify(compiled.errors ?? null)));
      expect(a).toEqual(b);
    }
    expect(docs[name].some((doc) => !validate(structuredClone(doc)))).toBe(true);
  });
});
