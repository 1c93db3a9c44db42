import type { PluginManifest } from '@causeway/schemas';
import type { CausewayError } from '@causeway/sdk';

/** A plugin whose manifest is valid and whose entry module sits inside its folder. */
export interface DiscoveredPlugin {
  manifest: PluginManifest;
  /** The plugin folder (real path). */
  directory: string;
  manifestFile: string;
  /** Absolute path of the entry module. */
  entry: string;
  /** Shipped with the host (enabled unless disabled) rather than found in a search path (disabled unless enabled). */
  builtin: boolean;
}

/** A manifest that could not be used, kept as a value so the host can report it and go on. */
export interface FailedManifest {
  manifestFile: string;
  /** The id, when the manifest got far enough to have one. */
  id?: string;
  error: CausewayError;
}
