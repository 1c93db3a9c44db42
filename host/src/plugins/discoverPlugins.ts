import { CausewayError } from '@causeway/sdk';
import { readdir, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AjvSource } from '../validation/ajvOf.js';
import { builtinPluginPackages } from './builtinPlugins.js';
import type { DiscoveredPlugin, FailedManifest } from './discoveredPlugin.js';
import { readManifest } from './readManifest.js';

/** What discovery found: usable plugins, and failures as values (the host reports them and goes on). */
export interface Discovery {
  plugins: DiscoveredPlugin[];
  failures: FailedManifest[];
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The plugin.json files in a search path: the folder itself, its children, and children of `@scope` folders. */
export async function findManifests(searchPath: string): Promise<string[]> {
  const own = join(searchPath, 'plugin.json');
  if (await exists(own)) return [own];
  const found: string[] = [];
  let entries;
  try {
    entries = await readdir(searchPath, { withFileTypes: true });
  } catch {
    return [];
  }
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() && !entry.isSymbolicLink()) continue;
    const dir = join(searchPath, entry.name);
    if (entry.name.startsWith('@')) {
      found.push(...(await findManifests(dir)).filter((f) => f.startsWith(dir)));
    } else if (await exists(join(dir, 'plugin.json'))) {
      found.push(join(dir, 'plugin.json'));
    }
  }
  return found;
}

/**
 * Finds the built-in plugins (through module resolution of their packages) and those in the configured
 * search paths; reads every manifest; refuses duplicate ids (the first one found wins, built-ins first).
 */
export async function discoverPlugins(ajv: AjvSource, options: { searchPaths: readonly string[]; builtinPackages?: readonly string[] }): Promise<Discovery> {
  const require = createRequire(import.meta.url);
  const candidates: Array<{ file: string; builtin: boolean }> = [];
  const failures: FailedManifest[] = [];
  for (const pkg of options.builtinPackages ?? builtinPluginPackages) {
    try {
      candidates.push({ file: require.resolve(`${pkg}/plugin.json`), builtin: true });
    } catch (error) {
      failures.push({ manifestFile: `${pkg}/plugin.json`, error: new CausewayError('CW_MANIFEST_UNREADABLE', `built-in plugin package ${pkg} is not installed`, { cause: error }) });
    }
  }
  for (const path of options.searchPaths) {
    for (const file of await findManifests(path)) candidates.push({ file, builtin: false });
  }
  const results = await Promise.all(candidates.map((c) => readManifest(ajv, c.file, c.builtin)));
  const plugins: DiscoveredPlugin[] = [];
  const byId = new Map<string, DiscoveredPlugin>();
  for (const result of results) {
    if ('error' in result) {
      failures.push(result);
      continue;
    }
    const first = byId.get(result.manifest.id);
    if (first) {
      failures.push({
        manifestFile: result.manifestFile,
        id: result.manifest.id,
        error: new CausewayError('CW_PLUGIN_DUPLICATE', `${result.manifestFile}#/id "${result.manifest.id}" is already declared by ${first.manifestFile}; this one is ignored`, {
          location: { file: result.manifestFile, pointer: '/id' },
        }),
      });
      continue;
    }
    byId.set(result.manifest.id, result);
    plugins.push(result);
  }
  return { plugins, failures };
}
