import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger, PluginContext } from '@causeway/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import plugin from './index.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

function context(settings: Record<string, unknown>): PluginContext {
  return { pluginId: 'disk', version: '0.1.0', directory: '/plugins/disk', dataDirectory: '/data/disk', baseDir: '/etc/causeway', settings };
}

describe('disk spooler plugin', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'causeway-disk-plugin-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is a spooler definition that spools under the configured directory', async () => {
    expect(plugin.kind).toBe('spooler');
    const directory = join(root, 'spool');
    const spooler = await plugin.create({ logger, plugin: context({ directory, quotaBytes: 200 }) });
    const spool = await spooler.open('job-1');
    await spool.append({ seq: 0, data: new Uint8Array(100) });
    expect(await readdir(directory)).toHaveLength(1);
    await expect(spool.append({ seq: 1, data: new Uint8Array(100) })).rejects.toMatchObject({ code: 'CW_SPOOL_FULL' });
    await spooler.dispose?.();
    expect(await readdir(directory)).toEqual([]);
  });

  it('spools under the plugin data folder when no directory is configured', async () => {
    const spooler = await plugin.create({ logger, plugin: { ...context({}), dataDirectory: join(root, 'data') } });
    const spool = await spooler.open('job-2');
    await spool.append({ seq: 0, data: new Uint8Array(10) });
    expect(await readdir(join(root, 'data', 'spool'))).toHaveLength(1);
    await spooler.dispose?.();
  });

  it.each([
    [{ directory: 'relative/spool' }, 'must be an absolute path'],
    [{ directory: '/tmp/x', quotaBytes: 0 }, 'quotaBytes must be a positive integer'],
    [{ directory: '/tmp/x', segmentBytes: 1.5 }, 'segmentBytes must be a positive integer'],
  ])('refuses settings %j', (settings, message) => {
    expect(() => plugin.create({ logger, plugin: context(settings) })).toThrow(
      expect.objectContaining({ code: 'CW_PLUGIN_SETTINGS_INVALID', message: expect.stringContaining(message) }),
    );
  });
});
