import { describe, expect, it } from 'vitest';
import { createChangeSignal } from './createChangeSignal.js';

describe('createChangeSignal', () => {
  it('wakes every waiter on notify and forgets them', async () => {
    const changed = createChangeSignal();
    const woken: number[] = [];
    const waits = [1, 2].map((n) => changed.wait().then(() => woken.push(n)));
    expect(changed.waiting).toBe(2);
    changed.notify();
    await Promise.all(waits);
    expect(woken.sort()).toEqual([1, 2]);
    expect(changed.waiting).toBe(0);
  });

  it('wakes a waiter when its signal aborts and removes it', async () => {
    const changed = createChangeSignal();
    const controller = new AbortController();
    const wait = changed.wait(controller.signal);
    expect(changed.waiting).toBe(1);
    controller.abort();
    await wait;
    expect(changed.waiting).toBe(0);
  });

  it('does not wait at all on an aborted signal', async () => {
    const changed = createChangeSignal();
    await changed.wait(AbortSignal.abort());
    expect(changed.waiting).toBe(0);
  });
});
