import { coreServices, defineSpooler } from '@causeway/sdk';
import { createMemorySpooler } from './createMemorySpooler.js';
import { readMemorySpoolerSettings } from './readMemorySpoolerSettings.js';

export { createMemorySpooler, DEFAULT_MEMORY_QUOTA_BYTES, type MemorySpoolerOptions } from './createMemorySpooler.js';
export { readMemorySpoolerSettings } from './readMemorySpoolerSettings.js';

/** The memory spooler plugin: frames stay in memory until acknowledged. */
export default defineSpooler({
  deps: { logger: coreServices.logger, plugin: coreServices.plugin },
  create({ logger, plugin }) {
    const settings = readMemorySpoolerSettings(plugin.settings);
    logger.debug({ quotaBytes: settings.quotaBytes }, 'memory spooler ready');
    return createMemorySpooler(settings);
  },
});
