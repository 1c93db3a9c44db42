import { isIPv4 } from 'node:net';

/** When the transport masks the frames it sends: `auto` leaves the masking key zero where no intermediary can read them. */
export type FrameMasking = 'auto' | 'always';

function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIPv4(host)) return host.startsWith('127.');
  return host === '::1' || /^::ffff:127\./.test(host);
}

/**
 * Whether frames sent to the relay at `url` need a random masking key. RFC 6455 has clients mask
 * so that script-chosen bytes cannot be read as HTTP by an intermediary that does not understand
 * WebSocket (section 10.3). Over TLS no intermediary reads the bytes, and on a loopback address
 * there is none; there, `auto` sends a zero key, which the relay's `ws` skips on both sides: no
 * XOR over every byte and no copy of every frame. `always` keeps random keys everywhere.
 */
export function needsRandomMask(url: string, masking: FrameMasking): boolean {
  if (masking === 'always') return true;
  const parsed = new URL(url);
  return parsed.protocol !== 'wss:' && !isLoopback(parsed.hostname);
}

/** ws's `generateMask` for frames that need no random key: the key stays zero. */
export function zeroMask(mask: Buffer): void {
  mask.fill(0);
}
