import { coreServices, defineSpooler } from '@causeway/sdk';
import { join } from 'node:path';
import { createDiskSpooler } from './createDiskSpooler.js';
import { readDiskSpoolerSettings } from './readDiskSpoolerSettings.js';

export { createDiskSpooler, DEFAULT_DISK_QUOTA_BYTES, DEFAULT_SEGMENT_BYTES, type DiskSpoolerOptions } from './createDiskSpooler.js';
export { readDiskSpoolerSettings, type DiskSpoolerSettings } from './readDiskSpoolerSettings.js';

/** The disk spooler plugin: frames are encrypted per job and kept in segment files until acknowledged. */
export default defineSpooler({
  deps: { logger: coreServices.logger, plugin: coreServices.plugin },
  create({ logger, plugin }) {
    // Without a configured folder, spool under the plugin's own data folder (the host gives each plugin one).
    const settings = { directory: join(plugin.dataDirectory, 'spool'), ...plugin.settings };
    return createDiskSpooler({ ...readDiskSpoolerSettings(settings), logger });
  },
});
