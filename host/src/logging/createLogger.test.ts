import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createSilentLogger } from './createLogger.js';

describe('createLogger', () => {
  it('writes JSON lines with secrets censored (pino is loaded on this first call)', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination: destination as never });
    logger.child({ plugin: 'disk' }).info({ password: 'hunter2', identity: { password: 'hunter3' }, user: 'ana' }, 'signed in');
    logger.debug('below the level');
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({ msg: 'signed in', plugin: 'disk', user: 'ana', password: '[redacted]', identity: { password: '[redacted]' } });
    expect(lines[0]).not.toContain('hunter');
  });
});

describe('createSilentLogger', () => {
  it('takes every call, its children too, and returns nothing', () => {
    const logger = createSilentLogger();
    const child = logger.child({ plugin: 'disk' }).child({ jobId: 'j1' });
    for (const l of [logger, child]) {
      expect(l.trace('x')).toBeUndefined();
      expect(l.debug({ a: 1 }, 'x')).toBeUndefined();
      expect(l.info('x')).toBeUndefined();
      expect(l.warn('x')).toBeUndefined();
      expect(l.error({ err: new Error('boom') }, 'x')).toBeUndefined();
    }
    expect(typeof child.child).toBe('function');
  });
});
