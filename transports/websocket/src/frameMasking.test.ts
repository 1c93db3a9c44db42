import { describe, expect, it } from 'vitest';
import { needsRandomMask, zeroMask } from './frameMasking.js';

describe('needsRandomMask', () => {
  it('leaves the key zero over TLS and on loopback addresses when auto', () => {
    for (const url of ['wss://relay.example.com', 'wss://10.0.0.4:8443', 'ws://127.0.0.1:8080', 'ws://127.8.9.10', 'ws://localhost:80', 'ws://relay.localhost', 'ws://[::1]:9000', 'ws://LOCALHOST']) {
      expect(needsRandomMask(url, 'auto'), url).toBe(false);
    }
  });

  it('masks plain ws:// to any other address when auto', () => {
    for (const url of ['ws://relay.example.com', 'ws://10.0.0.4:8080', 'ws://128.0.0.1', 'ws://[::2]:9000', 'ws://localhost.example.com', 'ws://127.0.0.1.nip.io']) {
      expect(needsRandomMask(url, 'auto'), url).toBe(true);
    }
  });

  it('masks everywhere when always', () => {
    expect(needsRandomMask('wss://relay.example.com', 'always')).toBe(true);
    expect(needsRandomMask('ws://127.0.0.1:8080', 'always')).toBe(true);
  });
});

describe('zeroMask', () => {
  it('fills the key with zeros, whatever it held', () => {
    const mask = Buffer.from([1, 2, 3, 4]);
    zeroMask(mask);
    expect([...mask]).toEqual([0, 0, 0, 0]);
  });
});
