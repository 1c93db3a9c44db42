import { CausewayError } from '@causeway/sdk';
import type { FrameMasking } from './frameMasking.js';

/** The websocket transport's settings, defaults applied. */
export interface WebSocketTransportSettings {
  /** The relay's base URL (ws:// or wss://), without a trailing slash. */
  url: string;
  reconnect: { initialDelayMs: number; maxDelayMs: number };
  handshakeTimeoutMs: number;
  idleTimeoutMs: number;
  /** `auto`: frames go with a zero masking key over TLS and to a loopback relay (see `needsRandomMask`); `always`: random keys. */
  frameMasking: FrameMasking;
}

function invalid(field: string, what: string): CausewayError {
  return new CausewayError('CW_PLUGIN_SETTINGS_INVALID', `websocket transport settings: ${field} ${what}`, { location: { field } });
}

function integer(value: unknown, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) throw invalid(field, `must be an integer of at least ${min}`);
  return value;
}

/** Reads the plugin settings (already checked against the manifest's schema by the host) and applies defaults. */
export function readWebSocketSettings(settings: Readonly<Record<string, unknown>>): WebSocketTransportSettings {
  const url = settings.url;
  if (typeof url !== 'string' || !/^wss?:\/\/\S+$/.test(url)) throw invalid('url', 'must be a ws:// or wss:// URL');
  try {
    new URL(url);
  } catch {
    throw invalid('url', 'is not a valid URL');
  }
  const reconnect = (settings.reconnect ?? {}) as Record<string, unknown>;
  if (typeof reconnect !== 'object' || reconnect === null) throw invalid('reconnect', 'must be an object');
  const initialDelayMs = integer(reconnect.initialDelayMs, 'reconnect.initialDelayMs', 250, 1);
  const maxDelayMs = integer(reconnect.maxDelayMs, 'reconnect.maxDelayMs', 10_000, 1);
  const frameMasking = settings.frameMasking ?? 'auto';
  if (frameMasking !== 'auto' && frameMasking !== 'always') throw invalid('frameMasking', 'must be "auto" or "always"');
  if (maxDelayMs < initialDelayMs) throw invalid('reconnect.maxDelayMs', `(${maxDelayMs}) must not be below reconnect.initialDelayMs (${initialDelayMs})`);
  return {
    url: url.replace(/\/+$/, ''),
    reconnect: { initialDelayMs, maxDelayMs },
    handshakeTimeoutMs: integer(settings.handshakeTimeoutMs, 'handshakeTimeoutMs', 10_000, 1),
    idleTimeoutMs: integer(settings.idleTimeoutMs, 'idleTimeoutMs', 45_000, 0),
    frameMasking,
  };
}
