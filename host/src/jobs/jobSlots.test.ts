import { describe, expect, it } from 'vitest';
import { createJobSlots } from './jobSlots.js';

/** Lets pending promise callbacks run (no timing involved: one turn of the event loop). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Starts an acquire and records when it is granted. */
function waiter(slots: ReturnType<typeof createJobSlots>, name: string, order: string[], signal?: AbortSignal) {
  const state = { granted: false, release: undefined as (() => void) | undefined };
  const done = slots.acquire(signal).then((release) => {
    state.granted = true;
    state.release = release;
    order.push(name);
  });
  return Object.assign(state, { done });
}

describe('createJobSlots', () => {
  it('grants up to its size, then makes callers wait', async () => {
    const slots = createJobSlots(2);
    expect(slots.free()).toBe(2);
    const order: string[] = [];
    const a = waiter(slots, 'a', order);
    const b = waiter(slots, 'b', order);
    const c = waiter(slots, 'c', order);
    await settle();
    expect([a.granted, b.granted, c.granted]).toEqual([true, true, false]);
    expect(slots.free()).toBe(0);
    a.release!();
    await c.done;
    expect(slots.free()).toBe(0);
    b.release!();
    c.release!();
    expect(slots.free()).toBe(2);
  });

  it('serves waiters in arrival order', async () => {
    const slots = createJobSlots(1);
    const order: string[] = [];
    const holders = ['first', 'second', 'third', 'fourth'].map((name) => waiter(slots, name, order));
    for (const holder of holders) {
      await holder.done;
      holder.release!();
    }
    expect(order).toEqual(['first', 'second', 'third', 'fourth']);
    expect(slots.free()).toBe(1);
  });

  it('never exceeds its size when a slot is released and taken in the same tick', async () => {
    const slots = createJobSlots(1);
    const order: string[] = [];
    const holder = waiter(slots, 'holder', order);
    await holder.done;
    const queued = waiter(slots, 'queued', order);
    holder.release!();
    // A newcomer arriving right after the release must queue behind the waiter, not slip in.
    const newcomer = waiter(slots, 'newcomer', order);
    await queued.done;
    await settle();
    expect(order).toEqual(['holder', 'queued']);
    expect(newcomer.granted).toBe(false);
    expect(slots.free()).toBe(0);
    queued.release!();
    await newcomer.done;
    newcomer.release!();
    expect(slots.free()).toBe(1);
  });

  it('rejects a waiter whose signal aborts, with the reason, and frees its place', async () => {
    const slots = createJobSlots(1);
    const order: string[] = [];
    const holder = waiter(slots, 'holder', order);
    await holder.done;
    const controller = new AbortController();
    const cancelled = slots.acquire(controller.signal);
    const behind = waiter(slots, 'behind', order);
    const reason = new Error('job cancelled');
    controller.abort(reason);
    await expect(cancelled).rejects.toBe(reason);
    holder.release!();
    await behind.done;
    expect(order).toEqual(['holder', 'behind']);
    behind.release!();
    expect(slots.free()).toBe(1);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const slots = createJobSlots(1);
    const reason = new Error('already cancelled');
    await expect(slots.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(slots.free()).toBe(1);
    const release = await slots.acquire();
    await expect(slots.acquire(AbortSignal.abort(reason))).rejects.toBe(reason);
    release();
    expect(slots.free()).toBe(1);
  });

  it('ignores a second release of the same slot', async () => {
    const slots = createJobSlots(2);
    const release = await slots.acquire();
    await slots.acquire();
    release();
    release();
    expect(slots.free()).toBe(1);
  });

  it('tells listeners after each release, once per slot, until they unsubscribe', async () => {
    const slots = createJobSlots(1);
    const seen: number[] = [];
    const unsubscribe = slots.onRelease(() => seen.push(slots.free()));
    const first = await slots.acquire();
    const order: string[] = [];
    const next = waiter(slots, 'next', order);
    first();
    first();
    await next.done;
    // The slot went straight to the waiter: one notification, and still no slot free.
    expect(seen).toEqual([0]);
    next.release!();
    expect(seen).toEqual([0, 1]);
    unsubscribe();
    (await slots.acquire())();
    expect(seen).toEqual([0, 1]);
  });
});
