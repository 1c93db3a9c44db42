import { describe, expect, it } from 'vitest';
import { createSlots } from './createSlots.js';

describe('createSlots', () => {
  it('admits up to capacity and hands released slots to waiters in order', async () => {
    const slots = createSlots(2);
    const signal = new AbortController().signal;
    await slots.acquire(signal);
    await slots.acquire(signal);
    const order: string[] = [];
    const third = slots.acquire(signal).then(() => order.push('third'));
    const fourth = slots.acquire(signal).then(() => order.push('fourth'));
    expect(slots.waiting).toBe(2);
    slots.release();
    await third;
    expect(order).toEqual(['third']);
    expect(slots.used).toBe(2);
    slots.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    slots.release();
    slots.release();
    expect(slots.used).toBe(0);
  });

  it('removes an aborted waiter and rejects it with the reason', async () => {
    const slots = createSlots(1);
    await slots.acquire(new AbortController().signal);
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(new Error('job cancelled'));
    await expect(waiting).rejects.toThrow('job cancelled');
    expect(slots.waiting).toBe(0);
    slots.release();
    expect(slots.used).toBe(0);
  });

  it('rejects waiters and later callers once closed', async () => {
    const slots = createSlots(1);
    const signal = new AbortController().signal;
    await slots.acquire(signal);
    const waiting = slots.acquire(signal);
    slots.close(new Error('closed'));
    await expect(waiting).rejects.toThrow('closed');
    await expect(slots.acquire(signal)).rejects.toThrow('closed');
  });
});
