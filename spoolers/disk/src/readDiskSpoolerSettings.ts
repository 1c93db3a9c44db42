import { isAbsolute } from 'node:path';
import { CausewayError } from '@causeway/sdk';
import { DEFAULT_DISK_QUOTA_BYTES, DEFAULT_SEGMENT_BYTES } from './createDiskSpooler.js';

/** The disk spooler's settings with their defaults applied. */
export interface DiskSpoolerSettings {
  directory: string;
  quotaBytes: number;
  segmentBytes: number;
}

function invalid(field: string, message: string): CausewayError {
  return new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `disk spooler setting ${field} ${message}`, { location: { field } });
}

function positiveInteger(settings: Readonly<Record<string, unknown>>, field: string, fallback: number): number {
  const value = settings[field] ?? fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw invalid(field, `must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/** Reads the disk spooler's plugin settings, applying defaults; throws `CW_PLUGIN_SETTINGS_INVALID`. */
export function readDiskSpoolerSettings(settings: Readonly<Record<string, unknown>>): DiskSpoolerSettings {
  const directory = settings.directory;
  if (typeof directory !== 'string' || directory.length === 0) throw invalid('directory', 'is required (the folder for spool files)');
  if (!isAbsolute(directory)) throw invalid('directory', `must be an absolute path, got ${directory}`);
  return {
    directory,
    quotaBytes: positiveInteger(settings, 'quotaBytes', DEFAULT_DISK_QUOTA_BYTES),
    segmentBytes: positiveInteger(settings, 'segmentBytes', DEFAULT_SEGMENT_BYTES),
  };
}
