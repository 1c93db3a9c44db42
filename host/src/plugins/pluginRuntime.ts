import {
  CausewayError,
  coreServices,
  isCausewayError,
  type AuthProvider,
  type Clock,
  type Connector,
  type Logger,
  type PluginContext,
  type PluginDefinition,
  type PluginKind,
  type RelayTransport,
  type Spooler,
} from '@causeway/sdk';
import type { PluginManifest } from '@causeway/schemas';
import { Capability, Plugin, PluginManager } from 'pluginus';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DependencyContainer } from 'tsyringe';
import type { DiscoveredPlugin, FailedManifest } from './discoveredPlugin.js';
import type { Discovery } from './discoverPlugins.js';
import { provide, resolveDeps } from './serviceTokens.js';

/** The instance type each plugin kind creates. */
export interface PluginInstances {
  connector: Connector<Record<string, unknown>>;
  'auth-provider': AuthProvider<Record<string, unknown>>;
  spooler: Spooler;
  'relay-transport': RelayTransport;
}

/** Where a plugin is in its life. */
export type PluginState = 'disabled' | 'registered' | 'active' | 'failed';

/** What `plugins list` shows of one plugin. */
export interface PluginInfo {
  id: string;
  kind: PluginKind;
  version: string;
  displayName: string;
  publisher: string;
  builtin: boolean;
  enabled: boolean;
  state: PluginState;
  capabilities: string[];
  manifestFile: string;
  error?: { code: string; message: string };
}

interface PluginRecord {
  plugin: DiscoveredPlugin;
  enabled: boolean;
  state: PluginState;
  error?: CausewayError;
  instance?: unknown;
  loading?: Promise<unknown>;
  pluginus?: Plugin;
}

/** Loads plugins lazily and keeps their lifecycle; one per host. */
export interface PluginRuntime {
  /** Every discovered plugin with its state. */
  list(): PluginInfo[];
  /** Manifests that could not be used. */
  failures(): readonly FailedManifest[];
  /** The manifest of a discovered plugin (enabled or not). */
  manifest(id: string): PluginManifest | undefined;
  /** Whether a plugin is discovered and enabled. */
  isEnabled(id: string): boolean;
  /** Imports and creates the plugin on first use; throws the coded reason when it cannot. */
  use<K extends PluginKind>(id: string, kind: K): Promise<PluginInstances[K]>;
  /** Disposes and unloads one plugin (it loads again on next use). */
  unload(id: string): Promise<void>;
  /** Unloads every loaded plugin. */
  dispose(): Promise<void>;
}

/** Options of `createPluginRuntime`. */
export interface PluginRuntimeOptions {
  discovery: Discovery;
  enabledExternal: readonly string[];
  disabled: readonly string[];
  /** A plugin's validated settings, looked up when it activates (config checking needs the runtime first). */
  settingsFor(id: string): Record<string, unknown>;
  dataDirectory: string;
  /** Where relative paths in plugin settings resolve (the config file's folder). */
  baseDir: string;
  container: DependencyContainer;
  logger: Logger;
  clock: Clock;
}

/**
 * Builds the plugin runtime over pluginus: each enabled plugin is registered with its kind and
 * capabilities; its entry module is imported only when first used, into its own child container.
 */
export function createPluginRuntime(options: PluginRuntimeOptions): PluginRuntime {
  const manager = new PluginManager([]);
  const records = new Map<string, PluginRecord>();

  for (const plugin of options.discovery.plugins) {
    const id = plugin.manifest.id;
    const enabled = !options.disabled.includes(id) && (plugin.builtin || options.enabledExternal.includes(id));
    const record: PluginRecord = { plugin, enabled, state: enabled ? 'registered' : 'disabled' };
    records.set(id, record);
    if (!enabled) continue;
    // pluginus drives load/unload and indexes capabilities; Causeway's activation runs inside its hooks.
    const PluginClass = class extends Plugin {
      constructor(owner: PluginManager) {
        super(owner);
        this.name = id;
        this.version = plugin.manifest.version;
        this.description = plugin.manifest.description ?? null;
      }
      override getCapabilities(): Capability[] {
        return [new Capability(`kind:${plugin.manifest.kind}`), ...(plugin.manifest.capabilities ?? []).map((c) => new Capability(c))];
      }
      override async load(): Promise<void> {
        record.instance = await activate(record);
        await super.load();
      }
      override async unload(): Promise<void> {
        const instance = record.instance as { dispose?: () => Promise<void> } | undefined;
        record.instance = undefined;
        await super.unload();
        await instance?.dispose?.();
      }
    };
    manager.registerPlugin(PluginClass);
  }

  async function activate(record: PluginRecord): Promise<unknown> {
    const { manifest, entry, directory } = record.plugin;
    const logger = options.logger.child({ plugin: manifest.id });
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(entry).href)) as { default?: unknown };
    } catch (error) {
      throw new CausewayError('CW_PLUGIN_LOAD_FAILED', `plugin "${manifest.id}": importing ${entry} failed: ${(error as Error).message}`, {
        cause: error,
        location: { file: record.plugin.manifestFile, pointer: '/main' },
      });
    }
    const definition = mod.default as PluginDefinition | undefined;
    if (!definition || typeof definition !== 'object' || typeof (definition as { create?: unknown }).create !== 'function') {
      throw new CausewayError('CW_PLUGIN_LOAD_FAILED', `plugin "${manifest.id}": ${entry} has no default export made with define${kindWord(manifest.kind)}()`, {
        location: { file: record.plugin.manifestFile, pointer: '/main' },
      });
    }
    if (definition.kind !== manifest.kind) {
      throw new CausewayError('CW_PLUGIN_KIND_MISMATCH', `plugin "${manifest.id}": manifest says kind "${manifest.kind}" but ${entry} exports a "${definition.kind}"`, {
        location: { file: record.plugin.manifestFile, pointer: '/kind' },
      });
    }
    if (manifest.isolation === 'worker') {
      // Declared but not built yet: say so rather than pretend the plugin is isolated.
      logger.warn({ isolation: 'worker' }, 'worker isolation is not supported yet; the plugin runs in the host process');
    }
    const container = options.container.createChildContainer();
    const context: PluginContext = {
      pluginId: manifest.id,
      version: manifest.version,
      directory,
      dataDirectory: join(options.dataDirectory, 'plugins', manifest.id),
      baseDir: options.baseDir,
      settings: Object.freeze({ ...options.settingsFor(manifest.id) }),
    };
    await mkdir(context.dataDirectory, { recursive: true, mode: 0o700 });
    provide(container, coreServices.logger, logger);
    provide(container, coreServices.clock, options.clock);
    provide(container, coreServices.plugin, context);
    const deps = resolveDeps(container, definition.deps as Record<string, never>, manifest.id);
    try {
      const instance = await (definition.create as (d: unknown) => unknown)(deps);
      logger.debug({ kind: manifest.kind }, 'plugin activated');
      return instance;
    } catch (error) {
      if (isCausewayError(error)) throw error;
      throw new CausewayError('CW_PLUGIN_LOAD_FAILED', `plugin "${manifest.id}": create() failed: ${(error as Error).message}`, { cause: error });
    }
  }

  function info(record: PluginRecord): PluginInfo {
    const m = record.plugin.manifest;
    return {
      id: m.id,
      kind: m.kind,
      version: m.version,
      displayName: m.displayName,
      publisher: m.publisher,
      builtin: record.plugin.builtin,
      enabled: record.enabled,
      state: record.state,
      capabilities: m.capabilities ?? [],
      manifestFile: record.plugin.manifestFile,
      ...(record.error ? { error: { code: record.error.code, message: record.error.message } } : {}),
    };
  }

  return {
    list: () => [...records.values()].map(info),
    failures: () => options.discovery.failures,
    manifest: (id) => records.get(id)?.plugin.manifest,
    isEnabled: (id) => records.get(id)?.enabled === true,
    async use(id, kind) {
      const record = records.get(id);
      if (!record) throw new CausewayError('CW_PLUGIN_NOT_FOUND', `no plugin "${id}" was discovered`);
      if (!record.enabled) throw new CausewayError('CW_PLUGIN_DISABLED', `plugin "${id}" is disabled by the gateway config`);
      if (record.plugin.manifest.kind !== kind) {
        throw new CausewayError('CW_PLUGIN_KIND_MISMATCH', `plugin "${id}" is ${article(record.plugin.manifest.kind)}, not ${article(kind)}`);
      }
      if (record.state === 'active') return record.instance as PluginInstances[typeof kind];
      if (record.state === 'failed' && record.error) throw record.error;
      record.loading ??= (async () => {
        const plugin = await manager.getPluginByName(id, { load: false, persist: false });
        if (!plugin) throw new CausewayError('CW_PLUGIN_NOT_FOUND', `plugin "${id}" is not registered`);
        record.pluginus = plugin;
        try {
          await manager.loadPlugin(plugin, false);
          record.state = 'active';
        } catch (error) {
          record.state = 'failed';
          record.error = isCausewayError(error)
            ? (error as CausewayError)
            : new CausewayError('CW_PLUGIN_LOAD_FAILED', `plugin "${id}" failed to load: ${(error as Error).message}`, { cause: error });
          options.logger.error({ plugin: id, code: record.error.code, err: record.error.message }, 'plugin failed to load');
          throw record.error;
        } finally {
          record.loading = undefined;
        }
      })();
      await record.loading;
      return record.instance as PluginInstances[typeof kind];
    },
    async unload(id) {
      const record = records.get(id);
      if (!record?.pluginus || record.state !== 'active') return;
      await manager.unloadPlugin(record.pluginus, false);
      record.state = 'registered';
    },
    async dispose() {
      for (const record of [...records.values()].reverse()) {
        if (record.state !== 'active' || !record.pluginus) continue;
        try {
          await manager.unloadPlugin(record.pluginus, false);
          record.state = 'registered';
        } catch (error) {
          options.logger.warn({ plugin: record.plugin.manifest.id, err: (error as Error).message }, 'plugin failed to unload');
        }
      }
    },
  };
}

function article(kind: PluginKind): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

function kindWord(kind: PluginKind): string {
  return { connector: 'Connector', 'auth-provider': 'AuthProvider', spooler: 'Spooler', 'relay-transport': 'RelayTransport' }[kind];
}
