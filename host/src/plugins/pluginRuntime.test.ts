import 'reflect-metadata';
import type { Clock, Logger, PluginContext, Spooler } from '@causeway/sdk';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { container } from 'tsyringe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAjv } from '../validation/createAjv.js';
import { discoverPlugins, type Discovery } from './discoverPlugins.js';
import { createPluginRuntime, type PluginRuntime, type PluginRuntimeOptions } from './pluginRuntime.js';

interface Line {
  level: string;
  bindings: Record<string, unknown>;
  obj: unknown;
  msg: string | undefined;
}

function recordingLogger(lines: Line[], bindings: Record<string, unknown> = {}): Logger {
  const at = (level: string) => (obj: object | string, msg?: string) => void lines.push({ level, bindings, obj, msg });
  return { trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (more) => recordingLogger(lines, { ...bindings, ...more }) };
}

/** What the fake spoolers below return: the deps they were given, and counters. */
interface FakeSpooler extends Spooler {
  deps: { logger: Logger; clock: Clock; plugin: PluginContext };
  creates: number;
  disposed: number;
}

// Globals the entry modules touch at import; unique per run so nothing else can set them.
const token = randomBytes(6).toString('hex');
const importedFlag = `__causewayImported_${token}`;
const imports = () => (globalThis as Record<string, unknown>)[importedFlag] as Record<string, number> | undefined;

/** An entry module exporting what `defineSpooler()` returns, written without imports. */
function spoolerModule(id: string, { kind = 'spooler', deps = "{ logger: { id: 'core.logger' }, clock: { id: 'core.clock' }, plugin: { id: 'core.plugin' } }", create = '' } = {}): string {
  return `
const seen = (globalThis[${JSON.stringify(importedFlag)}] ??= {});
seen[${JSON.stringify(id)}] = (seen[${JSON.stringify(id)}] ?? 0) + 1;
let creates = 0;
export default {
  kind: ${JSON.stringify(kind)},
  apiVersion: 1,
  deps: ${deps},
  async create(deps) {
    ${create}
    creates++;
    // Yield, so concurrent use() calls really overlap the activation.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const instance = {
      deps,
      creates,
      disposed: 0,
      async open() { throw new Error('not used in these tests'); },
      usage() { return { bytes: 0, jobs: 0 }; },
      async dispose() { instance.disposed++; },
    };
    return instance;
  },
};
`;
}

let root: string;
let search: string;
let discovery: Discovery;
let dataDirectory: string;
const clock: Clock = { now: () => 1_700_000_000_000 };

async function plugin(id: string, source: string, manifest: Record<string, unknown> = {}): Promise<void> {
  const dir = join(search, id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'index.js'), source);
  await writeFile(
    join(dir, 'plugin.json'),
    JSON.stringify({ id, kind: 'spooler', version: '1.2.3', sdk: '^1.0.0', main: './index.js', displayName: id, publisher: 'Tests', capabilities: ['spool'], ...manifest }),
  );
}

function runtime(overrides: Partial<PluginRuntimeOptions> = {}, lines: Line[] = []): PluginRuntime {
  return createPluginRuntime({
    discovery,
    enabledExternal: ['lazy', 'ok', 'other', 'both', 'throws', 'wrong-export', 'unknown-dep', 'no-default', 'create-fails', 'concurrent', 'settings', 'reloads', 'twice'],
    disabled: ['both'],
    settingsFor: () => ({}),
    dataDirectory,
    baseDir: '/etc/causeway',
    container: container.createChildContainer(),
    logger: recordingLogger(lines),
    clock,
    ...overrides,
  });
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'causeway-runtime-')));
  search = join(root, 'plugins');
  dataDirectory = join(root, 'data');
  await writeFile(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const id of ['lazy', 'ok', 'other', 'off', 'both', 'concurrent', 'settings', 'reloads', 'twice']) await plugin(id, spoolerModule(id));
  await plugin('throws', `throw new Error('boom at import');\n`);
  await plugin('wrong-export', spoolerModule('wrong-export', { kind: 'connector' }));
  await plugin('unknown-dep', spoolerModule('unknown-dep', { deps: "{ logger: { id: 'core.logger' }, db: { id: 'core.database' } }" }));
  await plugin('no-default', 'export const spooler = {};\n');
  await plugin('create-fails', spoolerModule('create-fails', { create: "throw new Error('cannot start');" }));
  await plugin('a-connector', spoolerModule('a-connector', { kind: 'connector' }), { kind: 'connector', connector: { identityKinds: ['password'] } });
  discovery = await discoverPlugins(createAjv(), { searchPaths: [search], builtinPackages: [] });
  expect(discovery.failures).toEqual([]);
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('createPluginRuntime', () => {
  it('loads a plugin that asks for worker isolation in-process, with a warning saying so', async () => {
    await plugin('wants-worker', spoolerModule('wants-worker'), { isolation: 'worker' });
    const local = await discoverPlugins(createAjv(), { searchPaths: [search], builtinPackages: [] });
    const lines: Line[] = [];
    const plugins = runtime({ discovery: local, enabledExternal: ['wants-worker'] }, lines);
    await plugins.use('wants-worker', 'spooler');
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', bindings: { plugin: 'wants-worker' }, msg: expect.stringContaining('worker isolation is not supported yet') }));
    await plugins.dispose();
  });

  it('does not import an entry module before its first use()', async () => {
    const plugins = runtime();
    expect(imports()?.lazy).toBeUndefined();
    expect(plugins.list().find((p) => p.id === 'lazy')?.state).toBe('registered');
    await plugins.use('lazy', 'spooler');
    expect(imports()?.lazy).toBe(1);
    expect(plugins.list().find((p) => p.id === 'lazy')?.state).toBe('active');
    await plugins.dispose();
  });

  it('lists every discovered plugin with its manifest facts and state', () => {
    const plugins = runtime();
    expect(plugins.list().find((p) => p.id === 'ok')).toEqual({
      id: 'ok',
      kind: 'spooler',
      version: '1.2.3',
      displayName: 'ok',
      publisher: 'Tests',
      builtin: false,
      enabled: true,
      state: 'registered',
      capabilities: ['spool'],
      manifestFile: join(search, 'ok', 'plugin.json'),
    });
    expect(plugins.manifest('ok')?.version).toBe('1.2.3');
    expect(plugins.manifest('nope')).toBeUndefined();
    expect(plugins.failures()).toBe(discovery.failures);
  });

  it('leaves an external plugin disabled unless enabled, and lets `disabled` win', async () => {
    const plugins = runtime();
    expect(plugins.isEnabled('off')).toBe(false);
    expect(plugins.isEnabled('both')).toBe(false);
    expect(plugins.isEnabled('ok')).toBe(true);
    expect(plugins.list().filter((p) => !p.enabled).map((p) => [p.id, p.state]).sort()).toEqual([
      ['a-connector', 'disabled'],
      ['both', 'disabled'],
      ['off', 'disabled'],
    ]);
    for (const id of ['off', 'both']) {
      await expect(plugins.use(id, 'spooler')).rejects.toMatchObject({ code: 'CW_PLUGIN_DISABLED', message: expect.stringContaining(`"${id}"`) });
    }
    expect(imports()?.off).toBeUndefined();
  });

  it('enables a built-in unless disabled', () => {
    const asBuiltin: Discovery = { plugins: discovery.plugins.map((p) => ({ ...p, builtin: true })), failures: [] };
    const plugins = runtime({ discovery: asBuiltin, enabledExternal: [], disabled: ['off'] });
    expect(plugins.isEnabled('ok')).toBe(true);
    expect(plugins.isEnabled('a-connector')).toBe(true);
    expect(plugins.isEnabled('off')).toBe(false);
  });

  it('refuses an unknown id and a use() of the wrong kind', async () => {
    const plugins = runtime();
    await expect(plugins.use('missing', 'spooler')).rejects.toMatchObject({ code: 'CW_PLUGIN_NOT_FOUND', message: expect.stringContaining('"missing"') });
    await expect(plugins.use('ok', 'connector')).rejects.toMatchObject({ code: 'CW_PLUGIN_KIND_MISMATCH', message: expect.stringContaining('"ok" is a spooler, not a connector') });
    await expect(plugins.use('ok', 'auth-provider')).rejects.toMatchObject({ message: expect.stringContaining('not an auth-provider') });
    expect(plugins.list().find((p) => p.id === 'ok')?.state).toBe('registered');
  });

  it('contains an entry that throws at import: CW_PLUGIN_LOAD_FAILED, state failed, the others still usable', async () => {
    const lines: Line[] = [];
    const plugins = runtime({}, lines);
    const error = await plugins.use('throws', 'spooler').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'CW_PLUGIN_LOAD_FAILED', location: { file: join(search, 'throws', 'plugin.json'), pointer: '/main' } });
    expect((error as Error).message).toContain('boom at import');
    expect((error as Error).message).toContain(join(search, 'throws', 'index.js'));
    expect(plugins.list().find((p) => p.id === 'throws')).toMatchObject({ state: 'failed', error: { code: 'CW_PLUGIN_LOAD_FAILED' } });
    // The failure is remembered, not retried on every job.
    await expect(plugins.use('throws', 'spooler')).rejects.toBe(error);
    expect(lines.filter((l) => l.level === 'error')).toMatchObject([{ obj: { plugin: 'throws', code: 'CW_PLUGIN_LOAD_FAILED' }, msg: 'plugin failed to load' }]);
    expect((await plugins.use('other', 'spooler')).usage()).toEqual({ bytes: 0, jobs: 0 });
    await plugins.dispose();
  });

  it.each([
    { id: 'wrong-export', code: 'CW_PLUGIN_KIND_MISMATCH', pointer: '/kind', says: 'manifest says kind "spooler" but' },
    { id: 'unknown-dep', code: 'CW_PLUGIN_LOAD_FAILED', pointer: undefined, says: 'service "core.database" (deps.db)' },
    { id: 'no-default', code: 'CW_PLUGIN_LOAD_FAILED', pointer: '/main', says: 'no default export made with defineSpooler()' },
    { id: 'create-fails', code: 'CW_PLUGIN_LOAD_FAILED', pointer: undefined, says: 'create() failed: cannot start' },
  ])('$id: $code', async ({ id, code, pointer, says }) => {
    const plugins = runtime();
    const error = (await plugins.use(id, 'spooler').catch((e: unknown) => e)) as Error & { code: string; location?: unknown };
    expect(error.code).toBe(code);
    expect(error.message).toContain(`plugin "${id}"`);
    expect(error.message).toContain(says);
    if (pointer) expect(error.location).toEqual({ file: join(search, id, 'plugin.json'), pointer });
    expect(plugins.list().find((p) => p.id === id)).toMatchObject({ state: 'failed', error: { code } });
  });

  it('imports and creates once for concurrent use() calls', async () => {
    const plugins = runtime();
    const all = await Promise.all([1, 2, 3, 4, 5].map(() => plugins.use('concurrent', 'spooler')));
    expect(new Set(all).size).toBe(1);
    expect((all[0] as FakeSpooler).creates).toBe(1);
    expect(imports()?.concurrent).toBe(1);
    expect(await plugins.use('concurrent', 'spooler')).toBe(all[0]);
    await plugins.dispose();
  });

  it('gives the plugin its settings, context, clock and a logger bound to its id', async () => {
    const lines: Line[] = [];
    const asked: string[] = [];
    const plugins = runtime(
      {
        settingsFor: (id) => {
          asked.push(id);
          return { quotaBytes: 1024 };
        },
      },
      lines,
    );
    const spooler = (await plugins.use('settings', 'spooler')) as FakeSpooler;
    expect(asked).toEqual(['settings']);
    expect(spooler.deps.plugin).toEqual({
      pluginId: 'settings',
      version: '1.2.3',
      directory: join(search, 'settings'),
      dataDirectory: join(dataDirectory, 'plugins', 'settings'),
      baseDir: '/etc/causeway',
      settings: { quotaBytes: 1024 },
    });
    expect(Object.isFrozen(spooler.deps.plugin.settings)).toBe(true);
    expect(((await stat(spooler.deps.plugin.dataDirectory)).mode & 0o777).toString(8)).toBe('700');
    expect(spooler.deps.clock).toBe(clock);
    spooler.deps.logger.info({ quotaBytes: 1024 }, 'spooler ready');
    expect(lines).toContainEqual({ level: 'info', bindings: { plugin: 'settings' }, obj: { quotaBytes: 1024 }, msg: 'spooler ready' });
    expect(lines).toContainEqual({ level: 'debug', bindings: { plugin: 'settings' }, obj: { kind: 'spooler' }, msg: 'plugin activated' });
    await plugins.dispose();
  });

  it('unload() disposes the instance; the next use() creates a new one without importing again', async () => {
    const plugins = runtime();
    const first = (await plugins.use('reloads', 'spooler')) as FakeSpooler;
    await plugins.unload('reloads');
    expect(first.disposed).toBe(1);
    expect(plugins.list().find((p) => p.id === 'reloads')?.state).toBe('registered');
    const second = (await plugins.use('reloads', 'spooler')) as FakeSpooler;
    expect(second).not.toBe(first);
    expect(second.creates).toBe(2);
    expect(imports()?.reloads).toBe(1);
    // Unloading what is not loaded is a no-op.
    await plugins.unload('off');
    await plugins.unload('missing');
    await plugins.dispose();
    expect(second.disposed).toBe(1);
    expect(first.disposed).toBe(1);
  });

  it('dispose() unloads every active plugin', async () => {
    const plugins = runtime();
    const a = (await plugins.use('ok', 'spooler')) as FakeSpooler;
    const b = (await plugins.use('other', 'spooler')) as FakeSpooler;
    await plugins.dispose();
    expect([a.disposed, b.disposed]).toEqual([1, 1]);
    expect(plugins.list().filter((p) => p.state === 'active')).toEqual([]);
  });

  it('keeps two runtimes in one process apart', async () => {
    const containerA = container.createChildContainer();
    const containerB = container.createChildContainer();
    const a = runtime({ container: containerA });
    const b = runtime({ container: containerB });
    const fromA = (await a.use('twice', 'spooler')) as FakeSpooler;
    const fromB = (await b.use('twice', 'spooler')) as FakeSpooler;
    expect(fromB).not.toBe(fromA);
    expect(fromA.deps.plugin).not.toBe(fromB.deps.plugin);
    expect([fromA.creates, fromB.creates]).toEqual([1, 2]);
    // Services live in each plugin's own child container, not in the host's or the root one.
    for (const c of [containerA, containerB, container]) expect(c.isRegistered('core.logger', true)).toBe(false);
    await a.unload('twice');
    expect(fromA.disposed).toBe(1);
    expect(fromB.disposed).toBe(0);
    expect(await b.use('twice', 'spooler')).toBe(fromB);
    await b.dispose();
  });
});
