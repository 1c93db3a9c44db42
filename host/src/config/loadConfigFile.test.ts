import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile } from './loadConfigFile.js';

let root: string;

async function write(name: string, text: string): Promise<string> {
  const file = join(root, name);
  await mkdir(join(file, '..'), { recursive: true });
  await writeFile(file, text);
  return file;
}

const good = {
  gatewayId: 'plant-7',
  keyFile: 'keys/gateway.key',
  recoveryKeyFile: '/run/secrets/recovery',
  relay: { settings: { url: 'ws://127.0.0.1:9000' } },
  plugins: { searchPaths: ['../plugins'] },
  dataSources: {},
};

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'causeway-config-')));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('loadConfigFile', () => {
  it('resolves relative paths against the config file folder, not the working directory', async () => {
    const file = await write('site/gateway.config.json', JSON.stringify(good));
    // Given relative to the working directory, it is still read and named as an absolute file.
    const config = await loadConfigFile(relative(process.cwd(), file));
    expect(config.file).toBe(file);
    expect(config.keyFile).toBe(join(root, 'site', 'keys', 'gateway.key'));
    // Plugins resolve relative paths in their settings against the same folder (PluginContext.baseDir).
    expect(config.baseDir).toBe(join(root, 'site'));
    expect(config.recoveryKeyFile).toBe('/run/secrets/recovery');
    expect(config.dataDirectory).toBe(join(root, 'site', '.causeway'));
    expect(config.plugins.searchPaths).toEqual([join(root, 'plugins')]);
    expect(config.spooler).toEqual({ plugin: 'disk', mode: 'stream' });
  });

  it('CW_CONFIG_NOT_FOUND names the file', async () => {
    const file = join(root, 'missing', 'gateway.config.json');
    await expect(loadConfigFile(file)).rejects.toMatchObject({
      code: 'CW_CONFIG_NOT_FOUND',
      location: { file },
      message: `gateway config ${file} could not be read: ENOENT`,
    });
  });

  it('CW_CONFIG_INVALID names the file when it is not JSON', async () => {
    const file = await write('broken.json', '{ "gatewayId": "plant-7", }');
    const error = await loadConfigFile(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file } });
    expect((error as Error).message).toContain(`gateway config ${file} is not valid JSON`);
  });

  it('CW_CONFIG_INVALID lists <file>#<pointer> for each schema problem', async () => {
    const file = await write('invalid.json', JSON.stringify({ ...good, gatewayId: undefined, limits: { concurrentJobs: 0 } }));
    const error = await loadConfigFile(file).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CW_CONFIG_INVALID', location: { file, pointer: '/gatewayId' } });
    expect((error as Error).message).toContain(`${file}#/gatewayId is required`);
    expect((error as Error).message).toContain(`${file}#/limits/concurrentJobs must be >= 1`);
  });
});
