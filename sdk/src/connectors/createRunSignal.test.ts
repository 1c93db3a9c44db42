import { describe, expect, it } from 'vitest';
import { createRunSignal } from './createRunSignal.js';

describe('createRunSignal', () => {
  it("aborts with the job signal's reason", () => {
    const job = new AbortController();
    const run = createRunSignal(job.signal, new AbortController().signal, undefined);
    const reason = new Error('cancelled by user');
    job.abort(reason);
    expect(run.signal.reason).toBe(reason);
    run.dispose();
  });

  it('aborts at once for an already aborted close signal or a past deadline', () => {
    const closed = new AbortController();
    closed.abort(new Error('closed'));
    expect(createRunSignal(new AbortController().signal, closed.signal, undefined).signal.aborted).toBe(true);
    const late = createRunSignal(new AbortController().signal, new AbortController().signal, Date.now() - 1);
    expect(late.signal.reason).toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
  });

  it('aborts with CW_QUERY_TIMEOUT when the deadline passes', async () => {
    const run = createRunSignal(new AbortController().signal, new AbortController().signal, Date.now() + 20);
    const reason = await new Promise((resolve) => run.signal.addEventListener('abort', () => resolve(run.signal.reason)));
    expect(reason).toMatchObject({ code: 'CW_QUERY_TIMEOUT' });
  });

  it('lets many running queries share one close signal without a listener-leak warning', async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(warning.name);
    process.on('warning', onWarning);
    try {
      const close = new AbortController();
      const runs = Array.from({ length: 64 }, () => createRunSignal(new AbortController().signal, close.signal, undefined));
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(warnings).not.toContain('MaxListenersExceededWarning');
      close.abort(new Error('closing'));
      expect(runs.every((run) => run.signal.aborted)).toBe(true);
      runs.forEach((run) => run.dispose());
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('stops following its sources once disposed', () => {
    const job = new AbortController();
    const run = createRunSignal(job.signal, new AbortController().signal, Date.now() + 60_000);
    run.dispose();
    job.abort();
    expect(run.signal.aborted).toBe(false);
  });
});
