import { CausewayError } from '@causeway/sdk';
import { DEFAULT_MEMORY_QUOTA_BYTES, type MemorySpoolerOptions } from './createMemorySpooler.js';

/** Reads the memory spooler's plugin settings, applying defaults; throws `CW_PLUGIN_SETTINGS_INVALID`. */
export function readMemorySpoolerSettings(settings: Readonly<Record<string, unknown>>): Required<MemorySpoolerOptions> {
  const quotaBytes = settings.quotaBytes ?? DEFAULT_MEMORY_QUOTA_BYTES;
  if (typeof quotaBytes !== 'number' || !Number.isSafeInteger(quotaBytes) || quotaBytes < 1) {
    throw new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `memory spooler setting quotaBytes must be a positive integer, got ${JSON.stringify(quotaBytes)}`, {
      location: { field: 'quotaBytes' },
    });
  }
  return { quotaBytes };
}
