import { readFileSync } from 'node:fs';
import type { Logger, PluginContext } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';
import { readWebSocketSettings } from './readWebSocketSettings.js';

const logger: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {}, child: () => logger };

interface Manifest {
  id: string;
  kind: string;
  main: string;
  settingsSchema: {
    required: string[];
    properties: {
      reconnect: { properties: Record<string, { default: number }> };
      handshakeTimeoutMs: { default: number };
      idleTimeoutMs: { default: number };
      frameMasking: { default: string };
    };
  };
}

const manifest = JSON.parse(readFileSync(new URL('../plugin.json', import.meta.url), 'utf8')) as Manifest;

function context(settings: Record<string, unknown>): PluginContext {
  return { pluginId: 'websocket', version: '0.1.0', directory: '/plugins/websocket', dataDirectory: '/data/websocket', baseDir: '/etc/causeway', settings };
}

describe('websocket transport plugin', () => {
  it('exports a relay-transport definition matching its manifest', () => {
    expect(plugin.kind).toBe('relay-transport');
    expect(manifest).toMatchObject({ id: 'websocket', kind: 'relay-transport', main: './dist/index.js' });
    expect(manifest.settingsSchema.required).toEqual(['url']);
  });

  it('applies the same defaults as its manifest declares', () => {
    const settings = readWebSocketSettings({ url: 'wss://relay.example.com/' });
    const props = manifest.settingsSchema.properties;
    expect(settings).toEqual({
      url: 'wss://relay.example.com',
      reconnect: { initialDelayMs: props.reconnect.properties.initialDelayMs!.default, maxDelayMs: props.reconnect.properties.maxDelayMs!.default },
      handshakeTimeoutMs: props.handshakeTimeoutMs.default,
      idleTimeoutMs: props.idleTimeoutMs.default,
      frameMasking: props.frameMasking.default,
    });
  });

  const bad: Array<[string, Record<string, unknown>, string]> = [
    ['no url', {}, 'websocket transport settings: url must be a ws:// or wss:// URL'],
    ['an http url', { url: 'http://relay' }, 'websocket transport settings: url must be a ws:// or wss:// URL'],
    ['a negative delay', { url: 'ws://relay', reconnect: { initialDelayMs: -1 } }, 'websocket transport settings: reconnect.initialDelayMs must be an integer of at least 1'],
    ['a max delay below the initial one', { url: 'ws://relay', reconnect: { initialDelayMs: 500, maxDelayMs: 100 } }, 'websocket transport settings: reconnect.maxDelayMs (100) must not be below reconnect.initialDelayMs (500)'],
    ['a fractional timeout', { url: 'ws://relay', handshakeTimeoutMs: 1.5 }, 'websocket transport settings: handshakeTimeoutMs must be an integer of at least 1'],
    ['an unknown frame masking', { url: 'ws://relay', frameMasking: 'never' }, 'websocket transport settings: frameMasking must be "auto" or "always"'],
  ];
  for (const [name, settings, message] of bad) {
    it(`refuses settings with ${name}`, () => {
      expect(() => plugin.create({ logger, plugin: context(settings) })).toThrow(expect.objectContaining({ code: 'CW_PLUGIN_SETTINGS_INVALID', message }));
    });
  }
});
