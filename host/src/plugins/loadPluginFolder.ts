import type { PluginManifest } from '@causeway/schemas';
import { CausewayError, type Clock, type Logger, type PluginKind } from '@causeway/sdk';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container as rootContainer } from 'tsyringe';
import { createSilentLogger } from '../logging/createLogger.js';
import { createAjv } from '../validation/createAjv.js';
import { describeAjvErrors, type SchemaProblem } from '../validation/describeAjvErrors.js';
import { discoverPlugins } from './discoverPlugins.js';
import { createPluginRuntime, type PluginInstances } from './pluginRuntime.js';

/** One plugin folder, checked and loadable the way the host loads it. */
export interface PluginFolder {
  manifest: PluginManifest;
  manifestFile: string;
  /**
   * Validates data-source settings against the manifest's `dataSourceSchema` exactly as the host's
   * config check does: returns the settings with defaults applied and the problems, each with its
   * JSON pointer under `base` (empty when the settings are valid).
   */
  checkDataSourceSettings(settings: unknown, base?: string): { settings: Record<string, unknown>; problems: SchemaProblem[] };
  /** Imports and creates the plugin through the host's plugin runtime (pluginus, a tsyringe child container, core services). */
  use<K extends PluginKind>(kind: K): Promise<PluginInstances[K]>;
  /** Unloads the plugin. */
  dispose(): Promise<void>;
}

/** Options of `loadPluginFolder`. */
export interface LoadPluginFolderOptions {
  logger?: Logger;
  clock?: Clock;
  /** The plugin's own settings (validated against its `settingsSchema`). */
  settings?: Record<string, unknown>;
  /** Where the plugin's data folder goes (default: a new temporary folder). */
  dataDirectory?: string;
  /** Where relative paths in the settings resolve (default: the current folder). */
  baseDir?: string;
}

/**
 * Loads the one plugin in `directory` the way a host loads a plugin from a search path: manifest
 * read and validated, entry module kept inside the folder, settings checked, created lazily in its own
 * container. For plugin authors' tests (the conformance kit) and tools. Throws the coded error when
 * the manifest or the settings are refused.
 */
export async function loadPluginFolder(directory: string, options: LoadPluginFolderOptions = {}): Promise<PluginFolder> {
  const ajv = createAjv();
  const discovery = await discoverPlugins(ajv, { searchPaths: [directory], builtinPackages: [] });
  const failure = discovery.failures[0];
  if (failure) throw failure.error;
  const plugin = discovery.plugins[0];
  if (!plugin) throw new CausewayError('CW_PLUGIN_NOT_FOUND', `no plugin.json in ${directory}`, { location: { file: join(directory, 'plugin.json') } });
  const { manifest } = plugin;
  const settings = structuredClone(options.settings ?? {});
  if (manifest.settingsSchema) {
    const validate = ajv.compile(manifest.settingsSchema);
    if (!validate(settings)) {
      const problems = describeAjvErrors(validate.errors);
      throw new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `settings of plugin "${manifest.id}": ${problems.map((p) => `${p.pointer || '/'} ${p.message}`).join('; ')}`, {
        location: { pointer: problems[0]?.pointer },
        details: { problems },
      });
    }
  }
  const runtime = createPluginRuntime({
    discovery,
    enabledExternal: [manifest.id],
    disabled: [],
    settingsFor: () => settings,
    baseDir: options.baseDir ?? process.cwd(),
    dataDirectory: options.dataDirectory ?? (await mkdtemp(join(tmpdir(), 'causeway-plugin-'))),
    container: rootContainer.createChildContainer(),
    logger: options.logger ?? createSilentLogger(),
    clock: options.clock ?? { now: () => Date.now() },
  });
  const dataSourceValidator = manifest.dataSourceSchema ? ajv.compile(manifest.dataSourceSchema) : undefined;
  return {
    manifest,
    manifestFile: plugin.manifestFile,
    checkDataSourceSettings(value, base = '') {
      const copy = structuredClone(value ?? {}) as Record<string, unknown>;
      if (!dataSourceValidator || dataSourceValidator(copy)) return { settings: copy, problems: [] };
      return { settings: copy, problems: describeAjvErrors(dataSourceValidator.errors, base) };
    },
    use: (kind) => runtime.use(manifest.id, kind),
    dispose: () => runtime.dispose(),
  };
}
