import type { Logger, PluginContext } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

function context(settings: Record<string, unknown>): PluginContext {
  return { pluginId: 'memory', version: '0.1.0', directory: '/plugins/memory', dataDirectory: '/data/memory', baseDir: '/etc/causeway', settings };
}

describe('memory spooler plugin', () => {
  it('is a spooler definition that applies the default quota', async () => {
    expect(plugin.kind).toBe('spooler');
    const spooler = await plugin.create({ logger, plugin: context({}) });
    const spool = await spooler.open('job-1');
    await spool.append({ seq: 0, data: new Uint8Array(1024 * 1024) });
    expect(spooler.usage()).toEqual({ bytes: 1024 * 1024, jobs: 1 });
  });

  it('applies quotaBytes from its settings', async () => {
    const spooler = await plugin.create({ logger, plugin: context({ quotaBytes: 10 }) });
    const spool = await spooler.open('job-1');
    await expect(spool.append({ seq: 0, data: new Uint8Array(11) })).rejects.toMatchObject({ code: 'CW_SPOOL_FULL' });
  });

  it('refuses a quota that is not a positive integer', () => {
    expect(() => plugin.create({ logger, plugin: context({ quotaBytes: -1 }) })).toThrow(expect.objectContaining({ code: 'CW_PLUGIN_SETTINGS_INVALID' }));
  });
});
