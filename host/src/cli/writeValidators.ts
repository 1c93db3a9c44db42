// Writes (or with --check, verifies) host/src/validation/generated/ from the schemas, so the
// precompiled validators can never drift from @causeway/schemas or from createAjv()'s options.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateValidators } from '../validation/generateValidators.js';

// Runs from host/dist/cli (`npm run validators:write` / `validators:check`); the generated files live in host/src/validation/generated.
const folder = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src', 'validation', 'generated');
const check = process.argv.includes('--check');
let stale = 0;
for (const { path: relative, source } of generateValidators()) {
  const path = join(folder, relative);
  let current = '';
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = '';
  }
  if (current === source) continue;
  if (check) {
    process.stderr.write(`host/src/validation/generated/${relative} is stale: run npm run validators:write\n`);
    stale++;
  } else {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, source);
    process.stdout.write(`wrote host/src/validation/generated/${relative}\n`);
  }
}
process.exitCode = stale ? 1 : 0;
