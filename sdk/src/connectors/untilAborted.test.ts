import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { untilAborted } from './untilAborted.js';

describe('untilAborted', () => {
  it('settles like the work while the signal stays quiet, and leaves no listener behind', async () => {
    const controller = new AbortController();
    await expect(untilAborted(Promise.resolve(3), controller.signal)).resolves.toBe(3);
    await expect(untilAborted(Promise.reject(new Error('boom')), controller.signal)).rejects.toThrow('boom');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await expect(untilAborted(Promise.resolve(4), undefined)).resolves.toBe(4);
  });

  it('rejects with the signal\'s reason, or the given one, as soon as it aborts', async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise(() => undefined), controller.signal);
    const coded = untilAborted(new Promise(() => undefined), controller.signal, { reason: () => new Error('cancelled here') });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    await expect(coded).rejects.toThrow('cancelled here');
    await expect(untilAborted(Promise.resolve(1), controller.signal)).rejects.toThrow('stop');
  });

  it('hands a value that comes after the abort to late, and drops a late failure', async () => {
    const controller = new AbortController();
    let deliver!: (value: string) => void;
    const late: string[] = [];
    const waiting = untilAborted(new Promise<string>((resolve) => (deliver = resolve)), controller.signal, { late: (value) => late.push(value) });
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    deliver('session-1');
    await new Promise((resolve) => setImmediate(resolve));
    expect(late).toEqual(['session-1']);
    // Already aborted: the work is still observed (no unhandled rejection), its value still handed over.
    await expect(untilAborted(Promise.reject(new Error('late failure')), controller.signal)).rejects.toThrow('stop');
    await expect(untilAborted(Promise.resolve('session-2'), controller.signal, { late: (value) => late.push(value) })).rejects.toThrow('stop');
    await new Promise((resolve) => setImmediate(resolve));
    expect(late).toEqual(['session-1', 'session-2']);
  });
});
