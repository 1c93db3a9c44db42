import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import { createServiceRef } from './serviceRef.js';

/** What the host tells a plugin about itself and where it runs. */
export interface PluginContext {
  /** The plugin id from its manifest. */
  readonly pluginId: string;
  /** The plugin's version from its manifest. */
  readonly version: string;
  /** The plugin's folder (where its plugin.json lives). */
  readonly directory: string;
  /** A folder of the plugin's own (state, caches), created by the host (mode 0700) before the plugin is created. */
  readonly dataDirectory: string;
  /**
   * Where relative file paths in the plugin's settings (and its data sources' settings) resolve: the
   * gateway config file's folder, as for the host's own paths.
   */
  readonly baseDir: string;
  /** Plugin-wide settings from the gateway config, validated against the manifest's `settingsSchema`. */
  readonly settings: Readonly<Record<string, unknown>>;
}

/** The services every host provides to every plugin. */
export const coreServices = {
  /** A logger bound to the plugin id. */
  logger: createServiceRef<Logger>({ id: 'core.logger' }),
  /** The host clock. */
  clock: createServiceRef<Clock>({ id: 'core.clock' }),
  /** The plugin's own context: id, folders, settings. */
  plugin: createServiceRef<PluginContext>({ id: 'core.plugin' }),
} as const;
