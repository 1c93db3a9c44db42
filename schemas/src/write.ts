// Writes (or with --check, verifies) the JSON Schema files from their TypeBox source, so the
// files editors and third parties use can never drift from the types the code uses.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GatewayConfigSchema, PluginManifestSchema, RelayJobSchema } from './index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = {
  'plugin-manifest.schema.json': PluginManifestSchema,
  'gateway-config.schema.json': GatewayConfigSchema,
  'relay-job.schema.json': RelayJobSchema,
};
const check = process.argv.includes('--check');
let stale = 0;
for (const [name, schema] of Object.entries(files)) {
  const text = JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema }, null, 2) + '\n';
  const path = join(root, name);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = '';
  }
  if (current === text) continue;
  if (check) {
    process.stderr.write(`schemas/${name} is stale: run npm run schemas:write\n`);
    stale++;
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote schemas/${name}\n`);
  }
}
process.exitCode = stale ? 1 : 0;
