import { CausewayError } from '@causeway/sdk';
import { describe, expect, it } from 'vitest';
import { abortReason, raceAbort } from './abortReason.js';

describe('abortReason', () => {
  it("keeps the host's coded reason (deadline, cancel)", () => {
    const controller = new AbortController();
    const reason = new CausewayError('CW_QUERY_TIMEOUT', 'the job ran past its 10 ms deadline');
    controller.abort(reason);
    expect(abortReason(controller.signal)).toBe(reason);
  });

  it('makes CW_JOB_CANCELLED of any other reason', () => {
    const controller = new AbortController();
    controller.abort();
    expect(abortReason(controller.signal)).toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});

describe('raceAbort', () => {
  it('settles with the promise while the signal is quiet', async () => {
    await expect(raceAbort(Promise.resolve(3), new AbortController().signal)).resolves.toBe(3);
    await expect(raceAbort(Promise.reject(new Error('boom')), new AbortController().signal)).rejects.toThrow('boom');
  });

  it('rejects as soon as the signal aborts, without waiting for the promise', async () => {
    const controller = new AbortController();
    const pending = raceAbort(new Promise(() => undefined), controller.signal);
    controller.abort(new CausewayError('CW_JOB_CANCELLED', 'the job was cancelled'));
    await expect(pending).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });

  it('rejects at once for an already aborted signal', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(raceAbort(Promise.resolve(1), controller.signal)).rejects.toMatchObject({ code: 'CW_JOB_CANCELLED' });
  });
});
