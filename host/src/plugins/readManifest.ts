import { CausewayError, SDK_VERSION } from '@causeway/sdk';
import type { PluginManifest } from '@causeway/schemas';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
// The two functions, not the whole of semver (~50 modules loaded at every start).
import satisfies from 'semver/functions/satisfies.js';
import validRange from 'semver/ranges/valid.js';
import { ajvOf, type AjvSource } from '../validation/ajvOf.js';
import { describeAjvErrors, formatProblems } from '../validation/describeAjvErrors.js';
import { validatePluginManifest as validate } from '../validation/generated/validatePluginManifest.js';
import type { DiscoveredPlugin, FailedManifest } from './discoveredPlugin.js';

/**
 * Reads and checks one plugin.json: JSON, schema, SDK range, embedded schemas, entry module inside the
 * plugin folder. Returns the plugin, or a failure naming the file and the JSON pointer. Every manifest
 * shares one precompiled validator; a plugin's own schemas (settingsSchema, dataSourceSchema) are
 * compiled here only for plugins from a search path: a built-in's are checked by the host's tests
 * (readManifest.test.ts) and compiled when the config uses the plugin.
 */
export async function readManifest(ajv: AjvSource, manifestFile: string, builtin: boolean): Promise<DiscoveredPlugin | FailedManifest> {
  const fail = (error: CausewayError, id?: string): FailedManifest => ({ manifestFile, ...(id ? { id } : {}), error });
  let text: string;
  try {
    text = await readFile(manifestFile, 'utf8');
  } catch (error) {
    return fail(new CausewayError('CW_MANIFEST_UNREADABLE', `${manifestFile}: cannot read: ${(error as NodeJS.ErrnoException).code}`, { cause: error, location: { file: manifestFile } }));
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return fail(new CausewayError('CW_MANIFEST_UNREADABLE', `${manifestFile}: not valid JSON: ${(error as Error).message}`, { cause: error, location: { file: manifestFile } }));
  }
  const id = typeof (doc as { id?: unknown })?.id === 'string' ? (doc as { id: string }).id : undefined;
  if (!validate(doc)) {
    const problems = describeAjvErrors(validate.errors);
    return fail(
      new CausewayError('CW_MANIFEST_INVALID', `invalid plugin manifest:\n${formatProblems(problems, manifestFile)}`, {
        location: { file: manifestFile, pointer: problems[0]?.pointer },
        details: { problems },
      }),
      id,
    );
  }
  const manifest = doc as PluginManifest;
  if (!validRange(manifest.sdk)) {
    return fail(new CausewayError('CW_MANIFEST_INVALID', `${manifestFile}#/sdk "${manifest.sdk}" is not a semver range`, { location: { file: manifestFile, pointer: '/sdk' } }), id);
  }
  if (!satisfies(SDK_VERSION, manifest.sdk)) {
    return fail(
      new CausewayError('CW_PLUGIN_SDK_INCOMPATIBLE', `${manifestFile}#/sdk plugin "${manifest.id}" needs SDK ${manifest.sdk}; this host provides ${SDK_VERSION}`, {
        location: { file: manifestFile, pointer: '/sdk' },
      }),
      id,
    );
  }
  for (const key of ['settingsSchema', 'dataSourceSchema'] as const) {
    const schema = manifest[key];
    if (!schema || builtin) continue;
    try {
      ajvOf(ajv).compile(schema);
    } catch (error) {
      return fail(
        new CausewayError('CW_MANIFEST_INVALID', `${manifestFile}#/${key} is not a usable JSON Schema: ${(error as Error).message}`, {
          cause: error,
          location: { file: manifestFile, pointer: `/${key}` },
        }),
        id,
      );
    }
  }
  const directory = await realpath(dirname(manifestFile));
  let entry: string;
  try {
    entry = await realpath(resolve(directory, manifest.main));
  } catch {
    return fail(
      new CausewayError('CW_PLUGIN_ENTRY_MISSING', `${manifestFile}#/main entry module ${manifest.main} does not exist (was the plugin built?)`, {
        location: { file: manifestFile, pointer: '/main' },
      }),
      id,
    );
  }
  // A manifest must not reach out of its own folder (through .. or a symbolic link) to run other code.
  if (!entry.startsWith(directory + sep)) {
    return fail(
      new CausewayError('CW_PLUGIN_ENTRY_OUTSIDE', `${manifestFile}#/main entry module ${manifest.main} resolves to ${entry}, outside the plugin folder ${directory}`, {
        location: { file: manifestFile, pointer: '/main' },
      }),
      id,
    );
  }
  if (!(await stat(entry)).isFile()) {
    return fail(new CausewayError('CW_PLUGIN_ENTRY_MISSING', `${manifestFile}#/main entry module ${manifest.main} is not a file`, { location: { file: manifestFile, pointer: '/main' } }), id);
  }
  return { manifest, directory, manifestFile, entry, builtin };
}
