import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAjv } from '../validation/createAjv.js';
import { builtinPluginPackages } from './builtinPlugins.js';
import { discoverPlugins, findManifests, type Discovery } from './discoverPlugins.js';

let root: string;

function manifest(id: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, kind: 'spooler', version: '1.0.0', sdk: '^1.0.0', main: './index.js', displayName: id, publisher: 'Tests', ...overrides };
}

async function plugin(folder: string, doc: Record<string, unknown> | string, files: Record<string, string> = { 'index.js': 'export default {};\n' }): Promise<string> {
  const dir = join(root, folder);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await writeFile(join(dir, 'plugin.json'), typeof doc === 'string' ? doc : JSON.stringify(doc));
  return join(dir, 'plugin.json');
}

/** Each folder of the shared search path that must fail, with the code and pointer it must fail with. */
const invalid = [
  { folder: 'bad-json', doc: '{ "id": ', code: 'CW_MANIFEST_UNREADABLE', pointer: undefined },
  { folder: 'missing-id', doc: manifest('x', { id: undefined }), code: 'CW_MANIFEST_INVALID', pointer: '/id' },
  { folder: 'bad-kind', doc: manifest('bad-kind', { kind: 'database' }), code: 'CW_MANIFEST_INVALID', pointer: '/kind' },
  { folder: 'extra-property', doc: manifest('extra-property', { homepage: 'https://example.com' }), code: 'CW_MANIFEST_INVALID', pointer: '/homepage' },
  { folder: 'connector-no-block', doc: manifest('connector-no-block', { kind: 'connector' }), code: 'CW_MANIFEST_INVALID', pointer: '/connector' },
  { folder: 'bad-version', doc: manifest('bad-version', { version: 'one' }), code: 'CW_MANIFEST_INVALID', pointer: '/version' },
  { folder: 'sdk-not-range', doc: manifest('sdk-not-range', { sdk: 'latest and greatest' }), code: 'CW_MANIFEST_INVALID', pointer: '/sdk' },
  { folder: 'sdk-2', doc: manifest('sdk-two', { sdk: '^2.0.0' }), code: 'CW_PLUGIN_SDK_INCOMPATIBLE', pointer: '/sdk' },
  { folder: 'entry-dotdot', doc: manifest('entry-dotdot', { main: '../other/index.js' }), code: 'CW_PLUGIN_ENTRY_OUTSIDE', pointer: '/main' },
  { folder: 'entry-symlink', doc: manifest('entry-symlink'), code: 'CW_PLUGIN_ENTRY_OUTSIDE', pointer: '/main', files: {} },
  { folder: 'entry-missing', doc: manifest('entry-missing', { main: './dist/index.js' }), code: 'CW_PLUGIN_ENTRY_MISSING', pointer: '/main' },
  { folder: 'bad-settings-schema', doc: manifest('bad-settings-schema', { settingsSchema: { type: 12 } }), code: 'CW_MANIFEST_INVALID', pointer: '/settingsSchema' },
];

let search: string;
let discovery: Discovery;
const file = (folder: string) => join(search, folder, 'plugin.json');

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'causeway-discover-')));
  search = join(root, 'plugins');
  await plugin('plugins/good', manifest('good'));
  await plugin('plugins/good-connector', manifest('good-connector', { kind: 'connector', connector: { identityKinds: ['password'] } }));
  await plugin('plugins/@acme/plugin', manifest('acme-plugin'));
  await plugin('plugins/dup-a', manifest('dup'));
  await plugin('plugins/dup-b', manifest('dup'));
  for (const c of invalid) await plugin(`plugins/${c.folder}`, c.doc, c.files);
  // A folder without plugin.json (the target of entry-dotdot) is not a plugin, and not a failure.
  await mkdir(join(search, 'other'));
  await writeFile(join(search, 'other', 'index.js'), 'export default {};\n');
  await writeFile(join(root, 'outside.js'), 'export default {};\n');
  await symlink(join(root, 'outside.js'), join(search, 'entry-symlink', 'index.js'));
  // A stray file in the search path is ignored.
  await writeFile(join(search, 'README.md'), 'plugins go here\n');
  discovery = await discoverPlugins(createAjv(), { searchPaths: [search], builtinPackages: [] });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('discoverPlugins', () => {
  it('discovers the good plugins of a search path despite the bad ones beside them', () => {
    expect(discovery.plugins.map((p) => p.manifest.id).sort()).toEqual(['acme-plugin', 'dup', 'good', 'good-connector']);
    const good = discovery.plugins.find((p) => p.manifest.id === 'good')!;
    expect(good).toMatchObject({ builtin: false, manifestFile: file('good'), directory: join(search, 'good'), entry: join(search, 'good', 'index.js') });
  });

  it('reports one failure per bad manifest and nothing else', () => {
    expect(discovery.failures.map((f) => f.manifestFile).sort()).toEqual([...invalid.map((c) => file(c.folder)), file('dup-b')].sort());
  });

  it.each(invalid)('$folder: $code $pointer', ({ folder, code, pointer }) => {
    const failure = discovery.failures.find((f) => f.manifestFile === file(folder));
    expect(failure?.error.code).toBe(code);
    expect(failure?.error.location).toEqual(pointer ? { file: file(folder), pointer } : { file: file(folder) });
    expect(failure?.error.message).toContain(pointer ? `${file(folder)}#${pointer}` : file(folder));
  });

  it('keeps the first of two plugins with the same id and names both files', () => {
    expect(discovery.plugins.find((p) => p.manifest.id === 'dup')?.manifestFile).toBe(file('dup-a'));
    const failure = discovery.failures.find((f) => f.manifestFile === file('dup-b'));
    expect(failure).toMatchObject({ id: 'dup', error: { code: 'CW_PLUGIN_DUPLICATE', location: { file: file('dup-b'), pointer: '/id' } } });
    expect(failure?.error.message).toContain(`${file('dup-b')}#/id`);
    expect(failure?.error.message).toContain(file('dup-a'));
  });

  it('finds plugins in @scope folders', () => {
    expect(discovery.plugins.find((p) => p.manifest.id === 'acme-plugin')?.manifestFile).toBe(file('@acme/plugin'));
  });

  it('takes a search path that is itself a plugin folder, and ignores one that does not exist', async () => {
    const found = await discoverPlugins(createAjv(), { searchPaths: [join(search, 'good'), join(root, 'no-such-folder')], builtinPackages: [] });
    expect(found.plugins.map((p) => p.manifest.id)).toEqual(['good']);
    expect(found.failures).toEqual([]);
    expect(await findManifests(join(root, 'no-such-folder'))).toEqual([]);
  });

  it('reads search paths in order: the same id in a later path is the duplicate', async () => {
    const other = join(root, 'second');
    await plugin('second/good', manifest('good'));
    const found = await discoverPlugins(createAjv(), { searchPaths: [other, search], builtinPackages: [] });
    expect(found.plugins.find((p) => p.manifest.id === 'good')?.manifestFile).toBe(join(other, 'good', 'plugin.json'));
    expect(found.failures.find((f) => f.error.code === 'CW_PLUGIN_DUPLICATE' && f.id === 'good')?.manifestFile).toBe(file('good'));
  });

  it('resolves every built-in plugin through its package, each with a unique id', async () => {
    const found = await discoverPlugins(createAjv(), { searchPaths: [] });
    expect(found.failures).toEqual([]);
    expect(found.plugins).toHaveLength(builtinPluginPackages.length);
    expect(found.plugins.every((p) => p.builtin)).toBe(true);
    const packages = await Promise.all(
      found.plugins.map(async (p) => (JSON.parse(await readFile(join(p.directory, 'package.json'), 'utf8')) as { name: string }).name),
    );
    expect(packages).toEqual([...builtinPluginPackages]);
    expect(new Set(found.plugins.map((p) => p.manifest.id)).size).toBe(found.plugins.length);
    expect(found.plugins.map((p) => [p.manifest.id, p.manifest.kind])).toEqual(
      expect.arrayContaining([
        ['memory', 'spooler'],
        ['disk', 'spooler'],
        ['websocket', 'relay-transport'],
        ['postgres', 'connector'],
        ['mysql', 'connector'],
        ['sqlserver', 'connector'],
        ['oracle', 'connector'],
        ['sap-hana', 'connector'],
        ['analysis-services', 'connector'],
        ['stored-credential', 'auth-provider'],
      ]),
    );
  });

  it('keeps the built-in when an external plugin claims its id', async () => {
    await plugin('impostor/memory', manifest('memory'));
    const found = await discoverPlugins(createAjv(), { searchPaths: [join(root, 'impostor')], builtinPackages: ['@causeway/spooler-memory'] });
    expect(found.plugins).toHaveLength(1);
    expect(found.plugins[0]).toMatchObject({ builtin: true, manifest: { id: 'memory', publisher: 'Causeway' } });
    expect(found.failures).toMatchObject([{ manifestFile: join(root, 'impostor', 'memory', 'plugin.json'), error: { code: 'CW_PLUGIN_DUPLICATE' } }]);
  });

  it('reports a built-in package that is not installed as CW_MANIFEST_UNREADABLE', async () => {
    const found = await discoverPlugins(createAjv(), { searchPaths: [], builtinPackages: ['@causeway/not-installed'] });
    expect(found.plugins).toEqual([]);
    expect(found.failures).toMatchObject([{ manifestFile: '@causeway/not-installed/plugin.json', error: { code: 'CW_MANIFEST_UNREADABLE' } }]);
    expect(found.failures[0]?.error.message).toContain('@causeway/not-installed');
  });
});
