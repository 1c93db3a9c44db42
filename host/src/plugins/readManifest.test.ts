import { mkdir, mkdtemp, readFile, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAjv } from '../validation/createAjv.js';
import { builtinPluginPackages } from './builtinPlugins.js';
import type { DiscoveredPlugin, FailedManifest } from './discoveredPlugin.js';
import { readManifest } from './readManifest.js';

let root: string;
let counter = 0;
const ajv = createAjv();

function manifest(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { id: 'sample', kind: 'spooler', version: '1.0.0', sdk: '^1.0.0', main: './index.js', displayName: 'Sample', publisher: 'Tests', ...overrides };
}

/** Writes a plugin folder (manifest plus files) and returns its plugin.json path. */
async function plugin(doc: Record<string, unknown> | string, files: Record<string, string> = { 'index.js': 'export default {};\n' }): Promise<string> {
  const dir = join(root, `plugin-${counter++}`);
  await mkdir(dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
  const file = join(dir, 'plugin.json');
  await writeFile(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

function failure(result: DiscoveredPlugin | FailedManifest): FailedManifest {
  if (!('error' in result)) throw new Error(`expected a failure, got plugin ${result.manifest.id}`);
  return result;
}

beforeAll(async () => {
  root = await realpath(await mkdtemp(join(tmpdir(), 'causeway-manifest-')));
  await writeFile(join(root, 'outside.js'), 'export default {};\n');
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readManifest', () => {
  it('returns a valid plugin with its real folder and entry', async () => {
    const file = await plugin(manifest({ main: 'dist/index.js', capabilities: ['spool'] }), { 'dist/index.js': 'export default {};\n' });
    const result = await readManifest(ajv, file, false);
    expect(result).toEqual({
      manifest: manifest({ main: 'dist/index.js', capabilities: ['spool'] }),
      directory: join(file, '..'),
      manifestFile: file,
      entry: join(file, '..', 'dist', 'index.js'),
      builtin: false,
    });
    expect((await readManifest(ajv, file, true)) as DiscoveredPlugin).toMatchObject({ builtin: true });
  });

  it('accepts a symbolic link that stays inside the plugin folder', async () => {
    const file = await plugin(manifest({ main: './link.js' }), { 'real/index.js': 'export default {};\n' });
    await symlink(join(file, '..', 'real', 'index.js'), join(file, '..', 'link.js'));
    const result = await readManifest(ajv, file, false);
    expect(result).toMatchObject({ entry: join(file, '..', 'real', 'index.js') });
  });

  it.each([
    { name: 'id missing', doc: manifest({ id: undefined }), pointer: '/id', text: 'is required' },
    { name: 'id not lower-case words', doc: manifest({ id: 'My_Plugin' }), pointer: '/id', text: 'must match pattern' },
    { name: 'kind unknown', doc: manifest({ kind: 'database' }), pointer: '/kind', text: 'must be one of "connector", "auth-provider", "spooler", "relay-transport"' },
    { name: 'extra property', doc: manifest({ colour: 'blue' }), pointer: '/colour', text: 'is not an allowed property' },
    { name: 'connector without its connector block', doc: manifest({ kind: 'connector' }), pointer: '/connector', text: 'is required' },
    { name: 'auth provider without its authProvider block', doc: manifest({ kind: 'auth-provider' }), pointer: '/authProvider', text: 'is required' },
    { name: 'connector accepting an unknown identity', doc: manifest({ kind: 'connector', connector: { identityKinds: ['magic'] } }), pointer: '/connector/identityKinds/0', text: 'must be one of' },
    { name: 'version not semver', doc: manifest({ version: '1.0' }), pointer: '/version', text: 'must match pattern' },
    { name: 'main empty', doc: manifest({ main: '' }), pointer: '/main', text: 'must NOT have fewer than 1 characters' },
    { name: 'sdk not a range', doc: manifest({ sdk: 'any version please' }), pointer: '/sdk', text: 'is not a semver range' },
    { name: 'settingsSchema not a JSON Schema', doc: manifest({ settingsSchema: { type: 12 } }), pointer: '/settingsSchema', text: 'is not a usable JSON Schema' },
    { name: 'dataSourceSchema not a JSON Schema', doc: manifest({ dataSourceSchema: { type: 'object', required: 'host' } }), pointer: '/dataSourceSchema', text: 'is not a usable JSON Schema' },
  ])('CW_MANIFEST_INVALID: $name ($pointer)', async ({ doc, pointer, text }) => {
    const file = await plugin(doc);
    const { error, manifestFile } = failure(await readManifest(ajv, file, false));
    expect(manifestFile).toBe(file);
    expect(error.code).toBe('CW_MANIFEST_INVALID');
    expect(error.location).toEqual({ file, pointer });
    expect(error.message).toContain(`${file}#${pointer}`);
    expect(error.message).toContain(text);
  });

  it('lists every schema problem, not only the first', async () => {
    const file = await plugin(manifest({ id: undefined, version: 'x', extra: 1 }));
    const { error } = failure(await readManifest(ajv, file, false));
    expect((error.details?.problems as Array<{ pointer: string }>).map((p) => p.pointer).sort()).toEqual(['/extra', '/id', '/version']);
  });

  it('keeps the id of a manifest that got far enough to have one', async () => {
    const file = await plugin(manifest({ id: 'has-id', sdk: '^2.0.0' }));
    expect(failure(await readManifest(ajv, file, false)).id).toBe('has-id');
  });

  it.each([
    { name: 'not JSON', text: '{ "id": "x", ', expect: 'not valid JSON' },
    { name: 'empty', text: '', expect: 'not valid JSON' },
  ])('CW_MANIFEST_UNREADABLE: $name', async ({ text, expect: says }) => {
    const file = await plugin(text);
    const { error } = failure(await readManifest(ajv, file, false));
    expect(error.code).toBe('CW_MANIFEST_UNREADABLE');
    expect(error.location).toEqual({ file });
    expect(error.message).toContain(file);
    expect(error.message).toContain(says);
  });

  it('CW_MANIFEST_UNREADABLE: no such file', async () => {
    const file = join(root, 'nowhere', 'plugin.json');
    const { error } = failure(await readManifest(ajv, file, false));
    expect(error.code).toBe('CW_MANIFEST_UNREADABLE');
    expect(error.message).toContain(`${file}: cannot read: ENOENT`);
  });

  it('CW_PLUGIN_SDK_INCOMPATIBLE: a range this SDK does not satisfy', async () => {
    const file = await plugin(manifest({ sdk: '^2.0.0' }));
    const { error } = failure(await readManifest(ajv, file, false));
    expect(error.code).toBe('CW_PLUGIN_SDK_INCOMPATIBLE');
    expect(error.location).toEqual({ file, pointer: '/sdk' });
    expect(error.message).toContain(`${file}#/sdk`);
    expect(error.message).toContain('^2.0.0');
    expect(error.message).toContain('1.0.0');
  });

  it('CW_PLUGIN_ENTRY_OUTSIDE: main climbing out with ..', async () => {
    const file = await plugin(manifest({ main: '../outside.js' }));
    const { error } = failure(await readManifest(ajv, file, false));
    expect(error.code).toBe('CW_PLUGIN_ENTRY_OUTSIDE');
    expect(error.location).toEqual({ file, pointer: '/main' });
    expect(error.message).toContain(`${file}#/main`);
    expect(error.message).toContain(join(root, 'outside.js'));
  });

  it('CW_PLUGIN_ENTRY_OUTSIDE: an entry that is a symbolic link to a file outside', async () => {
    const file = await plugin(manifest(), {});
    await symlink(join(root, 'outside.js'), join(file, '..', 'index.js'));
    const { error } = failure(await readManifest(ajv, file, false));
    expect(error.code).toBe('CW_PLUGIN_ENTRY_OUTSIDE');
    expect(error.message).toContain(`${file}#/main`);
  });

  it('CW_PLUGIN_ENTRY_OUTSIDE: an absolute main', async () => {
    const file = await plugin(manifest({ main: join(root, 'outside.js') }));
    expect(failure(await readManifest(ajv, file, false)).error.code).toBe('CW_PLUGIN_ENTRY_OUTSIDE');
  });

  it('CW_PLUGIN_ENTRY_OUTSIDE: a sibling folder whose name starts like the plugin folder', async () => {
    const file = await plugin(manifest(), {});
    const sibling = `${join(file, '..')}-evil`;
    await mkdir(sibling);
    await writeFile(join(sibling, 'index.js'), 'export default {};\n');
    await writeFile(file, JSON.stringify(manifest({ main: `../${sibling.split('/').pop()}/index.js` })));
    expect(failure(await readManifest(ajv, file, false)).error.code).toBe('CW_PLUGIN_ENTRY_OUTSIDE');
  });

  it.each([
    { name: 'the entry does not exist', main: './dist/index.js', says: 'does not exist' },
    { name: 'the entry is a folder', main: './lib', says: 'is not a file' },
  ])('CW_PLUGIN_ENTRY_MISSING: $name', async ({ main, says }) => {
    const file = await plugin(manifest({ main }), { 'lib/x.js': '' });
    const { error } = failure(await readManifest(ajv, file, false));
    expect(error.code).toBe('CW_PLUGIN_ENTRY_MISSING');
    expect(error.location).toEqual({ file, pointer: '/main' });
    expect(error.message).toContain(`${file}#/main`);
    expect(error.message).toContain(says);
  });

  // Discovery compiles no built-in plugin's schemas (a start would pay for all fourteen): this test is
  // what stands for that check, so a built-in plugin with an unusable schema fails here, not at a user's start.
  it.each([...builtinPluginPackages])('built-in %s: its settingsSchema and dataSourceSchema compile', async (pkg) => {
    const file = createRequire(import.meta.url).resolve(`${pkg}/plugin.json`);
    const doc = JSON.parse(await readFile(file, 'utf8')) as { settingsSchema?: object; dataSourceSchema?: object };
    const fresh = createAjv();
    expect(doc.settingsSchema ?? doc.dataSourceSchema).toBeDefined();
    for (const schema of [doc.settingsSchema, doc.dataSourceSchema]) if (schema) expect(typeof fresh.compile(schema)).toBe('function');
    expect(await readManifest(fresh, file, true)).toMatchObject({ builtin: true, manifestFile: file });
  });

  it('compiles a search-path plugin\'s schemas at discovery, a built-in\'s only when used', async () => {
    const file = await plugin(manifest({ settingsSchema: { type: 12 } }));
    expect(failure(await readManifest(ajv, file, false)).error.code).toBe('CW_MANIFEST_INVALID');
    expect(await readManifest(ajv, file, true)).toMatchObject({ builtin: true, manifest: { settingsSchema: { type: 12 } } });
  });
});
